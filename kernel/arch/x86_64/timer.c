/*
 * timer.c - TSC clock and LAPIC timer events (see timer.h).
 */
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/percpu.h>
#include <arch/timer.h>
#include <arch/trap.h>
#include <core/log.h>
#include <core/panic.h>

#define CALIBRATION_US 10000

uint64_t tsc_hz;
static uint64_t lapic_timer_hz;
static bool use_deadline;

static bool reference_wait(const struct acpi_info *acpi, const char **name)
{
    if (acpi->has_hpet && hpet_wait_us(acpi->hpet_address, CALIBRATION_US)) {
        *name = "HPET";
        return true;
    }
    *name = "PIT";
    return pit_wait_us(CALIBRATION_US);
}

void timer_calibrate(const struct acpi_info *acpi)
{
    const char *reference;

    lapic_timer_setup(LAPIC_LVT_MASKED | VECTOR_TIMER);
    lapic_timer_set_count(0xffffffff);
    uint32_t lapic_start = lapic_timer_current();
    uint64_t tsc_start = rdtsc();
    if (!reference_wait(acpi, &reference))
        panic("timer: neither the HPET nor the PIT can serve as a reference clock");
    uint64_t tsc_end = rdtsc();
    uint32_t lapic_end = lapic_timer_current();
    lapic_timer_set_count(0);

    tsc_hz = (tsc_end - tsc_start) * (1000000 / CALIBRATION_US);
    lapic_timer_hz = (uint64_t)(lapic_start - lapic_end) * (1000000 / CALIBRATION_US);
    if (tsc_hz == 0 || lapic_timer_hz == 0)
        panic("timer: calibration against the %s measured a stopped clock", reference);
    use_deadline = cpu_features.tsc_deadline;
    log_info("timer: TSC %llu kHz, LAPIC timer %llu kHz (against the %s); events by %s",
             (unsigned long long)(tsc_hz / 1000), (unsigned long long)(lapic_timer_hz / 1000),
             reference, use_deadline ? "TSC deadline" : "LAPIC one-shot");
}

void timer_init_cpu(void)
{
    lapic_timer_setup(VECTOR_TIMER | (use_deadline ? LAPIC_TIMER_DEADLINE : LAPIC_TIMER_ONESHOT));
}

void timer_arm_ns(uint64_t ns)
{
    if (use_deadline) {
        /* The fence keeps the MSR write from passing earlier LVT writes. */
        __asm__ volatile("mfence" ::: "memory");
        wrmsr(MSR_TSC_DEADLINE, rdtsc() + ns * tsc_hz / 1000000000ull + 1);
        return;
    }
    uint64_t count = ns * lapic_timer_hz / 1000000000ull;
    lapic_timer_set_count(count == 0 ? 1 : count > 0xffffffff ? 0xffffffff : (uint32_t)count);
}

void timer_arm_at(uint64_t deadline)
{
    if (use_deadline) {
        __asm__ volatile("mfence" ::: "memory");
        wrmsr(MSR_TSC_DEADLINE, deadline);
        return;
    }
    if (deadline == 0) {
        lapic_timer_set_count(0);
        return;
    }
    uint64_t now = rdtsc();
    uint64_t ticks = deadline > now ? deadline - now : 1;
    if (ticks > tsc_hz)
        ticks = tsc_hz; /* at most a second ahead: the tick handler re-arms */
    uint64_t count = ticks * (lapic_timer_hz / 1000) / (tsc_hz / 1000);
    lapic_timer_set_count(count == 0 ? 1 : count > 0xffffffff ? 0xffffffff : (uint32_t)count);
}

void timer_interrupt(void)
{
    this_cpu()->timer_interrupts++;
}

uint64_t tsc_to_us(uint64_t ticks)
{
    return tsc_hz ? ticks / (tsc_hz / 1000000) : 0;
}

#define NS_PER_S 1000000000ull

/* Whole seconds and the remainder apart: (remainder * 10^9) and
 * (remainder * tsc_hz) stay below 2^64 for any TSC under 18 GHz, so no
 * 128-bit division (and no libgcc) is needed. */
uint64_t tsc_to_ns(uint64_t ticks)
{
    if (!tsc_hz)
        return 0;
    return ticks / tsc_hz * NS_PER_S + ticks % tsc_hz * NS_PER_S / tsc_hz;
}

uint64_t tsc_after_ns(uint64_t from, uint64_t ns)
{
    uint64_t seconds = ns / NS_PER_S;
    if (seconds > (UINT64_MAX - from) / tsc_hz / 2)
        return UINT64_MAX;
    return from + seconds * tsc_hz + ns % NS_PER_S * tsc_hz / NS_PER_S;
}

void timer_delay_us(uint64_t us)
{
    uint64_t end = rdtsc() + us * (tsc_hz / 1000000);
    while (rdtsc() < end)
        cpu_relax();
}

bool timer_selftest(void)
{
    struct cpu *cpu = this_cpu();
    uint64_t before = cpu->timer_interrupts;
    uint64_t give_up = rdtsc() + tsc_hz;

    timer_arm_ns(1000000);
    irq_enable();
    while (cpu->timer_interrupts == before && rdtsc() < give_up)
        cpu_relax();
    irq_disable();
    return cpu->timer_interrupts != before;
}
