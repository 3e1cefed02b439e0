/*
 * apic.h - the local APIC of each CPU (xAPIC through MMIO, or x2APIC
 * through MSRs where the CPU has it) and inter-processor interrupts.
 */
#ifndef CAIRN_ARCH_APIC_H
#define CAIRN_ARCH_APIC_H

#include <stdbool.h>
#include <stdint.h>

#define LAPIC_TIMER_ONESHOT  0x00000
#define LAPIC_TIMER_DEADLINE 0x40000
#define LAPIC_LVT_MASKED     0x10000

/* Maps the xAPIC registers (boot CPU, once); madt_address is the MADT's
 * LAPIC address, used when the APIC base MSR disagrees. */
void lapic_global_init(uint64_t madt_address);

/* Enables the calling CPU's LAPIC (x2APIC mode where present), sets the
 * spurious vector, accepts all priorities, masks LINT0/LINT1 and errors. */
void lapic_init(void);

bool lapic_ready(void);
uint32_t lapic_id(void);
void lapic_eoi(void);

void lapic_send_init(uint32_t apic_id);
void lapic_send_startup(uint32_t apic_id, uint8_t page);
void lapic_send_nmi_to_others(void);
void lapic_send_ipi(uint32_t apic_id, uint8_t vector);

/* Timer: LVT (vector | mode), initial count, current count. */
void lapic_timer_setup(uint32_t lvt);
void lapic_timer_set_count(uint32_t count);
uint32_t lapic_timer_current(void);

#endif
