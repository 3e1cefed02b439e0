/*
 * device_memory.c - the device-memory control and memory_create_physical
 * (see device_memory.h).
 */
#include <acpi/acpi.h>
#include <arch/cpu.h>
#include <arch/layout.h>
#include <cairn/error.h>
#include <cairn/vm.h>
#include <core/log.h>
#include <core/panic.h>
#include <core/process.h>
#include <core/sched.h>
#include <core/syscall_table.h>
#include <object/cap.h>
#include <object/device_memory.h>
#include <object/memory_phys.h>

#define DEVICE_MEMORY_RIGHTS                                                                       \
    (CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE | CAIRN_RIGHT_MAP | CAIRN_RIGHT_DUPLICATE |              \
     CAIRN_RIGHT_TRANSFER | CAIRN_RIGHT_REVOKE)
#define DEVICE_MEMORY_FLAGS CAIRN_MEMORY_WRITE_COMBINING

/* Memory-map regions, the kernel image, modules, ACPI ranges, the local
 * APIC twice (MADT and MSR), the I/O APICs and the HPET. */
#define KEPT_MAX                                                                                   \
    (BOOT_MAX_REGIONS + 1 + BOOT_MAX_MODULES + ACPI_MAX_RANGES + 2 + ACPI_MAX_IOAPICS + 1)
#define APIC_BASE_MASK     0x000ffffffffff000ull
#define CPUID_EXT_MAX      0x80000000u
#define CPUID_ADDRESS_SIZE 0x80000008u
#define DEFAULT_PHYS_BITS  36 /* without CPUID's answer: what every x86_64 CPU has */

extern char __kernel_end[];

struct kept_range {
    uint64_t base, end; /* bytes, end exclusive */
};

static struct kobject device_memory_control = {
    .refs = 1, /* the kernel's: never destroyed */
    .type = CAIRN_OBJ_DEVICE_MEMORY,
    .reap_link = LIST_INIT(device_memory_control.reap_link),
};

static struct kept_range kept[KEPT_MAX]; /* filled at boot, then read-only */
static unsigned nkept;
static uint64_t phys_limit; /* 1 << the CPU's physical address width */

struct kobject *device_memory_control_object(void)
{
    return &device_memory_control;
}

void device_memory_control_destroy_object(struct kobject *o)
{
    (void)o;
    panic("device_memory: the device-memory control lost the kernel's reference");
}

static void keep(uint64_t base, uint64_t length)
{
    ASSERT(nkept < KEPT_MAX, "KEPT_MAX counts every range kept");
    if (length)
        kept[nkept++] = (struct kept_range){base, base + length};
}

static bool overlaps(uint64_t a, uint64_t a_end, uint64_t b, uint64_t b_end)
{
    return a < b_end && b < a_end;
}

/* Whether region r of the memory map holds an ACPI table. */
static bool region_holds_acpi(const struct boot_memory_region *r)
{
    unsigned n;
    const struct acpi_range *t = acpi_table_ranges(&n);
    for (unsigned i = 0; i < n; i++) {
        if (overlaps(r->base, r->base + r->length, t[i].base, t[i].base + t[i].length))
            return true;
    }
    return false;
}

static void keep_memory_map(const struct boot_info *bi)
{
    for (unsigned i = 0; i < bi->nregions; i++) {
        const struct boot_memory_region *r = &bi->regions[i];
        if (r->type != BOOT_MEM_RESERVED || region_holds_acpi(r))
            keep(r->base, r->length);
    }
    unsigned n;
    const struct acpi_range *t = acpi_table_ranges(&n);
    for (unsigned i = 0; i < n; i++)
        keep(t[i].base, t[i].length);
}

static void keep_kernel_mmio(const struct acpi_info *acpi)
{
    if (acpi->lapic_address)
        keep(acpi->lapic_address & APIC_BASE_MASK, PAGE_SIZE);
    keep(rdmsr(MSR_APIC_BASE) & APIC_BASE_MASK, PAGE_SIZE);
    for (unsigned i = 0; i < acpi->nioapics; i++)
        keep(acpi->ioapics[i].address & ~(uint64_t)(PAGE_SIZE - 1), PAGE_SIZE);
    if (acpi->has_hpet)
        keep(acpi->hpet_address & ~(uint64_t)(PAGE_SIZE - 1), PAGE_SIZE);
}

static uint64_t cpu_phys_limit(void)
{
    uint32_t max, a, b, c, d;
    unsigned bits = DEFAULT_PHYS_BITS;
    cpuid(CPUID_EXT_MAX, 0, &max, &b, &c, &d);
    if (max >= CPUID_ADDRESS_SIZE) {
        cpuid(CPUID_ADDRESS_SIZE, 0, &a, &b, &c, &d);
        if ((a & 0xff) >= 32 && (a & 0xff) <= 52)
            bits = a & 0xff;
    }
    return 1ull << bits;
}

void device_memory_init(const struct boot_info *bi, const struct acpi_info *acpi)
{
    keep_memory_map(bi);
    keep(KERNEL_PHYS, virt_to_phys(__kernel_end) - KERNEL_PHYS);
    for (unsigned i = 0; i < bi->nmodules; i++)
        keep(bi->modules[i].start, bi->modules[i].end - bi->modules[i].start);
    keep_kernel_mmio(acpi);
    phys_limit = cpu_phys_limit();
    log_info("device_memory: %u ranges kept from user space; physical addresses below %#llx",
             nkept, (unsigned long long)phys_limit);
}

/* Whether [base, base+size) (checked not to wrap) touches a kept range. */
static bool range_kept(uint64_t base, uint64_t size)
{
    for (unsigned i = 0; i < nkept; i++) {
        if (overlaps(base, base + size, kept[i].base, kept[i].end))
            return true;
    }
    return false;
}

static enum cairn_error check_range(uint64_t base, uint64_t size, uint64_t flags)
{
    if (flags & ~(uint64_t)DEVICE_MEMORY_FLAGS)
        return CAIRN_E_INVALID_ARGUMENT;
    if (size == 0 || base % PAGE_SIZE || size % PAGE_SIZE)
        return CAIRN_E_INVALID_ARGUMENT;
    if (size > CAIRN_MEMORY_MAX_SIZE)
        return CAIRN_E_TOO_LARGE;
    if (base >= phys_limit || size > phys_limit - base)
        return CAIRN_E_INVALID_ARGUMENT;
    if (range_kept(base, size))
        return CAIRN_E_RESERVED;
    return CAIRN_OK;
}

SYSCALL_DEFINE(memory_create_physical)
{
    struct process *p = sched_current()->process;
    struct kobject *control;
    struct memory *m;
    cairn_handle_t h = CAIRN_HANDLE_NONE;

    if (a0 > UINT32_MAX)
        return -CAIRN_E_BAD_HANDLE;
    enum cairn_error err = cap_lookup(p, (cairn_handle_t)a0, CAIRN_OBJ_DEVICE_MEMORY,
                                      CAIRN_RIGHT_MANAGE, &control, NULL);
    if (err != CAIRN_OK)
        return -(int64_t)err;
    kobject_release(control); /* the control is never destroyed */
    err = check_range(a1, a2, a3);
    if (err != CAIRN_OK)
        return -(int64_t)err;
    enum memory_cache cache =
        (a3 & CAIRN_MEMORY_WRITE_COMBINING) ? MEMORY_CACHE_WRITE_COMBINING : MEMORY_CACHE_UNCACHED;
    err = memory_create_physical(a1, a2, cache, p->quota, &m);
    if (err != CAIRN_OK)
        return -(int64_t)err;
    err = cap_install_derived(p, (cairn_handle_t)a0, &m->obj, DEVICE_MEMORY_RIGHTS, &h);
    if (err != CAIRN_OK) {
        kobject_release(&m->obj);
        return -(int64_t)err;
    }
    return h;
}
