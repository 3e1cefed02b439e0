/*
 * paging.c - building and editing x86_64 page tables.
 */
#include <arch/cpu.h>
#include <arch/layout.h>
#include <arch/paging.h>
#include <core/log.h>
#include <core/panic.h>
#include <core/spinlock.h>
#include <lib/string.h>
#include <mm/frame.h>

#define ENTRIES        512
#define SIZE_2M        (1ull << 21)
#define SIZE_1G        (1ull << 30)
#define FOUR_GIB       (1ull << 32)
#define PML4_INDEX(va) (((va) >> 39) & 0x1ff)
#define PDPT_INDEX(va) (((va) >> 30) & 0x1ff)
#define PD_INDEX(va)   (((va) >> 21) & 0x1ff)
#define PT_INDEX(va)   (((va) >> 12) & 0x1ff)
#define TABLE_FLAGS    (PTE_PRESENT | PTE_WRITE)

extern char __kernel_text_start[], __kernel_text_end[];
extern char __kernel_rodata_start[], __kernel_rodata_end[];
extern char __kernel_data_start[], __kernel_data_end[];
extern char __kernel_ksyms_start[], __kernel_end[];

uint64_t pte_nx;

static uint64_t kernel_root;
static uint64_t physmap_end = FOUR_GIB; /* the boot tables' window until paging_init() */
static struct spinlock mmio_lock = SPINLOCK_INIT;
static uint64_t mmio_next = MMIO_BASE; /* mmio_lock */

static uint64_t *table(uint64_t phys)
{
    return phys_to_virt(phys & PTE_ADDR);
}

/* Until paging_init() switches tables only the low 4 GiB is reachable. */
static uint64_t alloc_table(void)
{
    return frame_alloc_run(1, 1, FOUR_GIB);
}

/* The entry for va at the next level down, creating the table if asked. */
static uint64_t *next_level(uint64_t *entry, bool create, uint64_t flags)
{
    if (!(*entry & PTE_PRESENT)) {
        if (!create)
            return NULL;
        uint64_t t = alloc_table();
        if (!t)
            return NULL;
        *entry = t | flags;
    }
    ASSERT(!(*entry & PTE_HUGE), "4 KiB mappings are never made inside a huge page");
    return table(*entry);
}

/* The page-table entry that maps va as a 4 KiB page, or NULL. */
static uint64_t *walk(uint64_t root, uint64_t va, bool create, uint64_t table_flags)
{
    uint64_t *pml4 = table(root);
    uint64_t *pdpt = next_level(&pml4[PML4_INDEX(va)], create, table_flags);
    if (!pdpt)
        return NULL;
    uint64_t *pd = next_level(&pdpt[PDPT_INDEX(va)], create, table_flags);
    if (!pd)
        return NULL;
    uint64_t *pt = next_level(&pd[PD_INDEX(va)], create, table_flags);
    if (!pt)
        return NULL;
    return &pt[PT_INDEX(va)];
}

static void map_kernel_page(uint64_t va, uint64_t phys, uint64_t flags)
{
    uint64_t *pte = walk(kernel_root, va, true, TABLE_FLAGS);
    if (!pte)
        panic("paging: out of memory for kernel page tables");
    *pte = phys | flags | PTE_PRESENT;
}

static void map_kernel_section(const char *start, const char *end, uint64_t flags)
{
    uint64_t global = cpu_features.pge ? PTE_GLOBAL : 0;
    for (uint64_t va = (uint64_t)start; va < (uint64_t)end; va += PAGE_SIZE)
        map_kernel_page(va, va - KERNEL_VMA, flags | global);
}

static uint64_t physmap_top(const struct boot_info *bi)
{
    uint64_t top = FOUR_GIB;
    for (unsigned i = 0; i < bi->nregions; i++) {
        uint64_t end = bi->regions[i].base + bi->regions[i].length;
        if (bi->regions[i].type != BOOT_MEM_BAD && end > top)
            top = end;
    }
    return (top + SIZE_1G - 1) & ~(SIZE_1G - 1);
}

/* Physical memory at PHYSMAP_BASE, in 1 GiB pages where the CPU has them. */
static void map_physmap(uint64_t top)
{
    uint64_t *pml4 = table(kernel_root);
    uint64_t flags = PTE_PRESENT | PTE_WRITE | pte_nx | (cpu_features.pge ? PTE_GLOBAL : 0);
    for (uint64_t phys = 0; phys < top; phys += SIZE_1G) {
        uint64_t va = PHYSMAP_BASE + phys;
        uint64_t *pdpt = next_level(&pml4[PML4_INDEX(va)], true, TABLE_FLAGS);
        if (!pdpt)
            panic("paging: out of memory for the physical window");
        if (cpu_features.pdpe1gb) {
            pdpt[PDPT_INDEX(va)] = phys | flags | PTE_HUGE;
            continue;
        }
        uint64_t *pd = next_level(&pdpt[PDPT_INDEX(va)], true, TABLE_FLAGS);
        if (!pd)
            panic("paging: out of memory for the physical window");
        for (unsigned i = 0; i < ENTRIES; i++)
            pd[i] = (phys + i * SIZE_2M) | flags | PTE_HUGE;
    }
}

void paging_init(const struct boot_info *bi)
{
    pte_nx = cpu_features.nx ? PTE_NX : 0;
    kernel_root = alloc_table();
    if (!kernel_root)
        panic("paging: out of memory for the kernel PML4");

    physmap_end = physmap_top(bi);
    map_physmap(physmap_end);
    map_kernel_section(__kernel_text_start, __kernel_text_end, 0);
    map_kernel_section(__kernel_rodata_start, __kernel_rodata_end, pte_nx);
    map_kernel_section(__kernel_data_start, __kernel_data_end, PTE_WRITE | pte_nx);
    map_kernel_section(__kernel_ksyms_start, __kernel_end, pte_nx);

    /* The device window is the only kernel region that grows later: give it
     * its PML4 entry now, so user roots copied from here on see every
     * device mapping made afterwards. */
    uint64_t *pml4 = table(kernel_root);
    if (!next_level(&pml4[PML4_INDEX(MMIO_BASE)], true, TABLE_FLAGS))
        panic("paging: out of memory for the device window");
    paging_switch(kernel_root);
    log_info("paging: kernel text RX, rodata R, data RW%s; physical window %s pages%s%s%s%s",
             pte_nx ? "+NX" : " (no NX on this CPU)", cpu_features.pdpe1gb ? "1 GiB" : "2 MiB",
             cpu_features.smep ? ", SMEP" : "", cpu_features.smap ? ", SMAP" : "",
             cpu_features.umip ? ", UMIP" : "", cpu_features.pcid ? ", PCID" : "");
}

bool paging_physmap_covers(uint64_t phys, uint64_t len)
{
    return phys < physmap_end && len <= physmap_end - phys;
}

uint64_t paging_kernel_root(void)
{
    return kernel_root;
}

void *mmio_map(uint64_t phys, uint64_t size, enum mmio_cache cache)
{
    uint64_t offset = phys & (PAGE_SIZE - 1);
    uint64_t base = phys - offset;
    uint64_t pages = (size + offset + PAGE_SIZE - 1) / PAGE_SIZE;
    /* PAT entry 1 is write-combining (cpu_enable_features); 3 is uncached. */
    uint64_t attr = cache == MMIO_WRITE_COMBINING ? PTE_PWT : PTE_PCD | PTE_PWT;

    bool irq = spin_lock(&mmio_lock);
    uint64_t va = mmio_next;
    if (pages * PAGE_SIZE > MMIO_BASE + MMIO_SIZE - va) {
        spin_unlock(&mmio_lock, irq);
        return NULL;
    }
    mmio_next += pages * PAGE_SIZE;
    spin_unlock(&mmio_lock, irq);

    for (uint64_t i = 0; i < pages; i++)
        map_kernel_page(va + i * PAGE_SIZE, base + i * PAGE_SIZE, PTE_WRITE | pte_nx | attr);
    return (void *)(va + offset);
}

void paging_identity_low(bool on)
{
    static uint64_t pdpt, pd;
    uint64_t *pml4 = table(kernel_root);
    if (on) {
        pdpt = alloc_table();
        pd = alloc_table();
        if (!pdpt || !pd)
            panic("paging: out of memory for the start-up identity map");
        table(pd)[0] = 0 | PTE_PRESENT | PTE_WRITE | PTE_HUGE;
        table(pdpt)[0] = pd | TABLE_FLAGS;
        pml4[0] = pdpt | TABLE_FLAGS;
    } else {
        pml4[0] = 0;
        frame_free(pdpt);
        frame_free(pd);
    }
    paging_switch(kernel_root);
}

uint64_t paging_root_create(void)
{
    uint64_t root = frame_alloc();
    if (!root)
        return 0;
    memcpy(table(root) + ENTRIES / 2, table(kernel_root) + ENTRIES / 2,
           ENTRIES / 2 * sizeof(uint64_t));
    return root;
}

bool paging_map_user(uint64_t root, uint64_t va, uint64_t phys, uint64_t flags)
{
    ASSERT(va < USER_TOP, "user mappings stay in the lower half");
    uint64_t *pte = walk(root, va, true, TABLE_FLAGS | PTE_USER);
    if (!pte || (*pte & PTE_PRESENT))
        return false;
    *pte = phys | flags | PTE_USER | PTE_PRESENT;
    return true;
}

static void free_level(uint64_t table_phys, int level)
{
    uint64_t *t = table(table_phys);
    for (unsigned i = 0; i < ENTRIES; i++) {
        if (!(t[i] & PTE_PRESENT))
            continue;
        if (level > 1)
            free_level(t[i] & PTE_ADDR, level - 1);
        else if (!(t[i] & PTE_OBJECT))
            frame_free(t[i] & PTE_ADDR);
    }
    frame_free(table_phys);
}

void paging_root_destroy(uint64_t root)
{
    uint64_t *pml4 = table(root);
    for (unsigned i = 0; i < ENTRIES / 2; i++) {
        if (pml4[i] & PTE_PRESENT)
            free_level(pml4[i] & PTE_ADDR, 3);
    }
    frame_free(root);
}

/* Levels of the user range helpers: an entry at level 1 maps a 4 KiB page,
 * at level 2 a page table (2 MiB), 3 a page directory (1 GiB), 4 a PDPT
 * (512 GiB). */
static unsigned level_shift(int level)
{
    return PAGE_SHIFT + 9 * (level - 1);
}

static uint64_t *level_entry(uint64_t *t, uint64_t va, int level)
{
    return &t[(va >> level_shift(level)) & (ENTRIES - 1)];
}

/* The level-`level` entry for va, or NULL when a table above it is missing. */
static uint64_t *entry_at(uint64_t root, uint64_t va, int level)
{
    uint64_t *t = table(root);
    for (int l = 4; l > level; l--) {
        uint64_t e = *level_entry(t, va, l);
        if (!(e & PTE_PRESENT))
            return NULL;
        ASSERT(!(e & PTE_HUGE), "user space has no huge pages");
        t = table(e);
    }
    return level_entry(t, va, level);
}

/* The PTE of va, or NULL when a table on the way is missing; *next is the
 * next address worth looking at: the following page, or the end of the
 * region the missing table would have covered. */
static uint64_t *pte_or_hole(uint64_t root, uint64_t va, uint64_t *next)
{
    uint64_t *t = table(root);
    *next = va + PAGE_SIZE;
    for (int l = 4; l > 1; l--) {
        uint64_t e = *level_entry(t, va, l);
        if (!(e & PTE_PRESENT)) {
            uint64_t size = 1ull << level_shift(l);
            *next = (va & ~(size - 1)) + size;
            return NULL;
        }
        t = table(e);
    }
    return level_entry(t, va, 1);
}

uint64_t paging_user_frame(uint64_t root, uint64_t va, uint64_t need)
{
    uint64_t *pte = entry_at(root, va, 1);
    need |= PTE_PRESENT | PTE_USER;
    if (!pte || (*pte & need) != need || (*pte & PTE_DEVICE))
        return 0;
    return *pte & PTE_ADDR;
}

/* Calls visit on the PTE of every page of [va, end) that has a page table,
 * until visit returns false; returns whether none did. */
static bool visit_ptes(uint64_t root, uint64_t va, uint64_t end,
                       bool (*visit)(uint64_t *pte, uint64_t flags), uint64_t flags)
{
    while (va < end) {
        uint64_t next;
        uint64_t *pte = pte_or_hole(root, va, &next);
        if (pte && !visit(pte, flags))
            return false;
        va = next;
    }
    return true;
}

static bool pte_absent(uint64_t *pte, uint64_t flags)
{
    (void)flags;
    return !(*pte & PTE_PRESENT);
}

static bool pte_clear(uint64_t *pte, uint64_t flags)
{
    (void)flags;
    *pte = 0;
    return true;
}

static void tables_push(struct paging_tables *t, uint64_t frame)
{
    *(uint64_t *)table(frame) = t->head;
    t->head = frame;
    t->count++;
}

static uint64_t tables_pop(struct paging_tables *t)
{
    ASSERT(t->count > 0, "a reservation covers every table its mapping needs");
    uint64_t frame = t->head;
    uint64_t *link = table(frame);
    t->head = *link;
    t->count--;
    *link = 0;
    return frame;
}

bool paging_tables_reserve(struct paging_tables *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t frame = frame_alloc();
        if (!frame) {
            while (i--)
                frame_free(tables_pop(t));
            return false;
        }
        tables_push(t, frame);
    }
    return true;
}

void paging_tables_free(struct paging_tables *t)
{
    while (t->count)
        frame_free(tables_pop(t));
}

size_t paging_user_tables_missing(uint64_t root, uint64_t va, uint64_t len)
{
    size_t missing = 0;
    uint64_t end = va + len;
    ASSERT(end <= USER_TOP && end > va, "user ranges are checked by the caller");
    for (int level = 4; level > 1; level--) {
        uint64_t size = 1ull << level_shift(level);
        for (uint64_t b = va & ~(size - 1); b < end; b += size) {
            uint64_t *e = entry_at(root, b, level);
            if (!e || !(*e & PTE_PRESENT))
                missing++;
        }
    }
    return missing;
}

bool paging_user_range_free(uint64_t root, uint64_t va, uint64_t len)
{
    return visit_ptes(root, va, va + len, pte_absent, 0);
}

void paging_map_user_reserved(uint64_t root, uint64_t va, uint64_t phys, uint64_t flags,
                              struct paging_tables *tables)
{
    ASSERT(va < USER_TOP, "user mappings stay in the lower half");
    uint64_t *t = table(root);
    for (int l = 4; l > 1; l--) {
        uint64_t *e = level_entry(t, va, l);
        if (!(*e & PTE_PRESENT))
            *e = tables_pop(tables) | TABLE_FLAGS | PTE_USER;
        t = table(*e);
    }
    uint64_t *pte = level_entry(t, va, 1);
    ASSERT(!(*pte & PTE_PRESENT), "the caller checked the range was free");
    *pte = phys | flags | PTE_USER | PTE_PRESENT;
}

/* The entry of a mapped page (present or held back), or NULL. */
static uint64_t *mapped_pte(uint64_t root, uint64_t va)
{
    uint64_t next;
    uint64_t *pte = pte_or_hole(root, va, &next);
    return pte && *pte ? pte : NULL;
}

bool paging_set_user_page(uint64_t root, uint64_t va, uint64_t phys, uint64_t flags)
{
    uint64_t *pte = mapped_pte(root, va);
    if (!pte)
        return false;
    *pte = phys | flags | PTE_USER | (*pte & PTE_PRESENT);
    return true;
}

void paging_set_user_present(uint64_t root, uint64_t va, bool present)
{
    uint64_t *pte = mapped_pte(root, va);
    if (pte)
        *pte = present ? *pte | PTE_PRESENT : *pte & ~PTE_PRESENT;
}

static bool table_empty(const uint64_t *t)
{
    for (unsigned i = 0; i < ENTRIES; i++) {
        if (t[i])
            return false;
    }
    return true;
}

size_t paging_unmap_user(uint64_t root, uint64_t va, uint64_t len, struct paging_tables *freed)
{
    uint64_t end = va + len;
    size_t before = freed->count;
    visit_ptes(root, va, end, pte_clear, 0);
    /* Bottom up, so a directory whose last table just went is seen empty. */
    for (int level = 2; level <= 4; level++) {
        uint64_t size = 1ull << level_shift(level);
        for (uint64_t b = va & ~(size - 1); b < end; b += size) {
            uint64_t *e = entry_at(root, b, level);
            if (!e || !(*e & PTE_PRESENT) || !table_empty(table(*e)))
                continue;
            uint64_t frame = *e & PTE_ADDR;
            *e = 0;
            tables_push(freed, frame);
        }
    }
    return freed->count - before;
}

uint64_t paging_user_pte(uint64_t root, uint64_t va)
{
    uint64_t *pte = entry_at(root, va, 1);
    return pte ? *pte : 0;
}
