/*
 * timer.h - time: the TSC as the clock, the local APIC timer as the
 * one-shot event source (in TSC-deadline mode where the CPU has it).
 *
 * Both are calibrated once on the boot CPU against the HPET, or the PIT
 * when there is no usable HPET; every CPU shares the result.
 */
#ifndef CAIRN_ARCH_TIMER_H
#define CAIRN_ARCH_TIMER_H

#include <acpi/tables.h>
#include <stdbool.h>
#include <stdint.h>

extern uint64_t tsc_hz; /* 0 until timer_calibrate() */

/* Measures the TSC and LAPIC timer rates. Boot CPU, after lapic_init(). */
void timer_calibrate(const struct acpi_info *acpi);

/* Points the calling CPU's LAPIC timer at VECTOR_TIMER in one-shot or
 * TSC-deadline mode. */
void timer_init_cpu(void);

/* Raises VECTOR_TIMER on the calling CPU once, ns nanoseconds from now. */
void timer_arm_ns(uint64_t ns);

/* Raises VECTOR_TIMER on the calling CPU once the TSC reaches deadline;
 * 0 cancels. A deadline already past fires at once. */
void timer_arm_at(uint64_t deadline);

/* Arms a 1 ms one-shot and waits (interrupts on) for it, up to 1 s.
 * Returns whether it fired. */
bool timer_selftest(void);

/* The interrupt handler's work (trap.c calls it, then sends the EOI). */
void timer_interrupt(void);

uint64_t tsc_to_us(uint64_t ticks);
uint64_t tsc_to_ns(uint64_t ticks);

/* The TSC value ns nanoseconds after `from`, saturating instead of wrapping. */
uint64_t tsc_after_ns(uint64_t from, uint64_t ns);
void timer_delay_us(uint64_t us);

/* The reference clocks the calibration can use: each waits `us`
 * microseconds by its own counter and returns false if it cannot. */
bool hpet_wait_us(uint64_t hpet_address, uint64_t us);
bool pit_wait_us(uint64_t us);

#endif
