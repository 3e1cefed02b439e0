/*
 * apic.c - local APIC access in xAPIC (MMIO) or x2APIC (MSR) mode.
 *
 * x2APIC is used whenever the CPU offers it: register access is an MSR
 * instead of an uncached load, and IPIs need no delivery-status polling.
 */
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/paging.h>
#include <arch/trap.h>
#include <core/log.h>
#include <core/panic.h>

#define REG_ID         0x020
#define REG_TPR        0x080
#define REG_EOI        0x0b0
#define REG_SVR        0x0f0
#define REG_ESR        0x280
#define REG_ICR_LOW    0x300
#define REG_ICR_HIGH   0x310
#define REG_LVT_TIMER  0x320
#define REG_LVT_LINT0  0x350
#define REG_LVT_LINT1  0x360
#define REG_LVT_ERROR  0x370
#define REG_TIMER_INIT 0x380
#define REG_TIMER_CUR  0x390
#define REG_TIMER_DIV  0x3e0

#define X2APIC_MSR_BASE   0x800
#define APIC_BASE_ENABLE  (1ull << 11)
#define APIC_BASE_X2APIC  (1ull << 10)
#define SVR_ENABLE        0x100
#define ICR_INIT          0x00500
#define ICR_STARTUP       0x00600
#define ICR_NMI           0x00400
#define ICR_ASSERT        0x04000
#define ICR_PENDING       0x01000
#define ICR_ALL_BUT_SELF  0xc0000
#define TIMER_DIVIDE_BY_1 0xb

static volatile uint32_t *xapic;
static bool use_x2apic;
static bool ready;

static uint32_t lapic_read(uint32_t reg)
{
    if (use_x2apic)
        return (uint32_t)rdmsr(X2APIC_MSR_BASE + (reg >> 4));
    return xapic[reg / 4];
}

static void lapic_write(uint32_t reg, uint32_t value)
{
    if (use_x2apic)
        wrmsr(X2APIC_MSR_BASE + (reg >> 4), value);
    else
        xapic[reg / 4] = value;
}

static void lapic_send_icr(uint32_t apic_id, uint32_t low)
{
    if (use_x2apic) {
        wrmsr(X2APIC_MSR_BASE + (REG_ICR_LOW >> 4), ((uint64_t)apic_id << 32) | low);
        return;
    }
    lapic_write(REG_ICR_HIGH, apic_id << 24);
    lapic_write(REG_ICR_LOW, low);
    for (unsigned spins = 0; spins < 1000000 && (lapic_read(REG_ICR_LOW) & ICR_PENDING); spins++)
        cpu_relax();
}

void lapic_global_init(uint64_t madt_address)
{
    use_x2apic = cpu_features.x2apic;
    uint64_t base = rdmsr(MSR_APIC_BASE) & 0x000ffffffffff000ull;
    if (madt_address && madt_address != base)
        log_warn("apic: MADT says LAPIC at %#llx, APIC base MSR says %#llx; using the MSR",
                 (unsigned long long)madt_address, (unsigned long long)base);
    if (!use_x2apic) {
        xapic = mmio_map(base, 4096, MMIO_UNCACHED);
        if (!xapic)
            panic("apic: cannot map the local APIC");
    }
    log_info("apic: local APIC in %s mode", use_x2apic ? "x2APIC" : "xAPIC");
}

void lapic_init(void)
{
    uint64_t msr = rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE;
    if (use_x2apic)
        msr |= APIC_BASE_X2APIC;
    wrmsr(MSR_APIC_BASE, msr);

    lapic_write(REG_TPR, 0);
    lapic_write(REG_LVT_LINT0, LAPIC_LVT_MASKED);
    lapic_write(REG_LVT_LINT1, LAPIC_LVT_MASKED);
    lapic_write(REG_LVT_ERROR, LAPIC_LVT_MASKED);
    lapic_write(REG_LVT_TIMER, LAPIC_LVT_MASKED);
    lapic_write(REG_TIMER_DIV, TIMER_DIVIDE_BY_1);
    lapic_write(REG_SVR, SVR_ENABLE | VECTOR_SPURIOUS);
    if (!use_x2apic) {
        lapic_write(REG_ESR, 0); /* the ESR is written before it is read */
        lapic_write(REG_ESR, 0);
    }
    lapic_write(REG_EOI, 0);
    ready = true;
}

bool lapic_ready(void)
{
    return ready;
}

uint32_t lapic_id(void)
{
    uint32_t id = lapic_read(REG_ID);
    return use_x2apic ? id : id >> 24;
}

void lapic_eoi(void)
{
    lapic_write(REG_EOI, 0);
}

void lapic_send_init(uint32_t apic_id)
{
    lapic_send_icr(apic_id, ICR_INIT | ICR_ASSERT);
}

void lapic_send_startup(uint32_t apic_id, uint8_t page)
{
    lapic_send_icr(apic_id, ICR_STARTUP | ICR_ASSERT | page);
}

void lapic_send_nmi_to_others(void)
{
    lapic_send_icr(0, ICR_NMI | ICR_ASSERT | ICR_ALL_BUT_SELF);
}

void lapic_send_ipi(uint32_t apic_id, uint8_t vector)
{
    lapic_send_icr(apic_id, ICR_ASSERT | vector);
}

void lapic_timer_setup(uint32_t lvt)
{
    lapic_write(REG_LVT_TIMER, lvt);
}

void lapic_timer_set_count(uint32_t count)
{
    lapic_write(REG_TIMER_INIT, count);
}

uint32_t lapic_timer_current(void)
{
    return lapic_read(REG_TIMER_CUR);
}
