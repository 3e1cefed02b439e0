/*
 * smp.c - starting the application processors (INIT-SIPI-SIPI) and the
 * idle loop they run until the scheduler has work for them.
 */
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/layout.h>
#include <arch/paging.h>
#include <arch/percpu.h>
#include <arch/smp.h>
#include <arch/syscall.h>
#include <arch/timer.h>
#include <arch/trap.h>
#include <core/log.h>
#include <core/panic.h>
#include <core/sched.h>
#include <lib/string.h>
#include <mm/frame.h>

#define LOW_PAGE_FIRST   0x1000
#define LOW_PAGE_END     0xa0000
#define AP_START_WAIT_US 2000000

extern const char ap_trampoline_start[], ap_trampoline_end[];
extern const char tr_gdt[], tr_gdtr[], tr_far32[], tr_far64[], tr_cr3[], tr_efer[];
extern const char tr_stack[], tr_cpu[], tr_entry[], tr_protected[], tr_long[];

static uint8_t *trampoline;
static uint64_t trampoline_phys;

/* A 4 KiB page below 1 MiB that the memory map calls usable and no boot
 * module occupies (the frame allocator never hands out low memory). */
static uint64_t find_low_page(const struct boot_info *bi)
{
    for (uint64_t p = LOW_PAGE_FIRST; p < LOW_PAGE_END; p += PAGE_SIZE) {
        bool usable = false;
        for (unsigned i = 0; i < bi->nregions; i++) {
            const struct boot_memory_region *r = &bi->regions[i];
            if (r->type == BOOT_MEM_USABLE && r->base <= p && p + PAGE_SIZE <= r->base + r->length)
                usable = true;
        }
        for (unsigned i = 0; i < bi->nmodules; i++) {
            if (bi->modules[i].start < p + PAGE_SIZE && p < bi->modules[i].end)
                usable = false;
        }
        if (usable)
            return p;
    }
    return 0;
}

static void param32(const char *field, uint32_t value)
{
    memcpy(trampoline + (field - ap_trampoline_start), &value, sizeof(value));
}

static void param64(const char *field, uint64_t value)
{
    memcpy(trampoline + (field - ap_trampoline_start), &value, sizeof(value));
}

static uint32_t linear(const char *sym)
{
    return (uint32_t)(trampoline_phys + (uint64_t)(sym - ap_trampoline_start));
}

__attribute__((noreturn)) static void ap_main(struct cpu *cpu)
{
    cpu_enable_features();
    percpu_load(cpu);
    idt_load();
    syscall_init_cpu();
    lapic_init();
    timer_init_cpu();
    if (lapic_id() != cpu->apic_id)
        log_warn("smp: cpu %u expected APIC id %u, found %u", cpu->index, cpu->apic_id, lapic_id());
    if (!timer_selftest())
        log_warn("smp: cpu %u: the local timer did not fire", cpu->index);
    sched_init_cpu();
    __atomic_store_n(&cpu->online, true, __ATOMIC_RELEASE);
    sched_idle_loop();
}

static bool start_ap(struct cpu *cpu, unsigned index, uint32_t apic_id)
{
    percpu_setup(cpu, index, apic_id);
    uint64_t stack = frame_alloc_run(KERNEL_STACK_SIZE / PAGE_SIZE, 1, 0);
    if (!stack)
        return false;
    param64(tr_stack, (uint64_t)phys_to_virt(stack) + KERNEL_STACK_SIZE);
    param64(tr_cpu, (uint64_t)cpu);
    param64(tr_entry, (uint64_t)ap_main);

    lapic_send_init(apic_id);
    timer_delay_us(10000);
    for (int attempt = 0; attempt < 2 && !cpu->online; attempt++) {
        lapic_send_startup(apic_id, (uint8_t)(trampoline_phys >> 12));
        uint64_t waited = 0;
        while (!__atomic_load_n(&cpu->online, __ATOMIC_ACQUIRE) && waited < AP_START_WAIT_US) {
            timer_delay_us(100);
            waited += 100;
        }
    }
    return cpu->online;
}

static void trampoline_install(void)
{
    memcpy(trampoline, ap_trampoline_start, (size_t)(ap_trampoline_end - ap_trampoline_start));
    param32(tr_gdtr + 2, linear(tr_gdt));
    param32(tr_far32, linear(tr_protected));
    param32(tr_far64, linear(tr_long));
    param32(tr_cr3, (uint32_t)paging_kernel_root());
    param32(tr_efer, (1u << 8) | (cpu_features.nx ? (1u << 11) : 0));
}

unsigned smp_start_aps(const struct acpi_info *acpi, const struct boot_info *bi)
{
    unsigned online = 1;
    uint32_t self = lapic_id();

    if (acpi->ncpus <= 1)
        return online;
    trampoline_phys = find_low_page(bi);
    if (!trampoline_phys) {
        log_error("smp: no free page below 1 MiB for the start-up code; running on one CPU");
        return online;
    }
    ASSERT(paging_kernel_root() < (1ull << 32), "an AP loads CR3 in 32-bit mode");
    trampoline = phys_to_virt(trampoline_phys);
    paging_identity_low(true);
    trampoline_install();

    for (unsigned i = 0; i < acpi->ncpus && online < MAX_CPUS; i++) {
        uint32_t apic_id = acpi->cpus[i].apic_id;
        if (apic_id == self)
            continue;
        if (start_ap(&cpus[online], online, apic_id))
            online++;
        else
            log_error("smp: the CPU with APIC id %u did not start", apic_id);
    }
    paging_identity_low(false);
    return online;
}

void smp_stop_others(void)
{
    if (lapic_ready() && cpu_count > 1)
        lapic_send_nmi_to_others();
}
