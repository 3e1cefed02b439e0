/*
 * vm_errors.c - memory_create, vm_map, vm_unmap and vm_protect: the
 * errors memory.c leaves out (non-canonical and out-of-window ranges,
 * endpoint and thread handles, prot bits above 32), and the effect of
 * each success observed without a fault: the kernel's own user copies
 * (system_info writes, debug_write reads) fail exactly where the process
 * could not write or read.
 */
#include "ktest.h"
#include "leak.h"
#include "threads.h"
#include <cairn/error.h>
#include <cairn/system.h>
#include <cairn/vm.h>

#define PAGE      CAIRN_PAGE_SIZE
#define NON_CANON 0x0000800000000000ull
#define RO        CAIRN_PROT_READ
#define RW        (CAIRN_PROT_READ | CAIRN_PROT_WRITE)
#define RX        (CAIRN_PROT_READ | CAIRN_PROT_EXEC)

/* Each test maps in its own gigabyte of this file's terabyte. */
static uint64_t area(unsigned n)
{
    return 0x520000000000ull + (uint64_t)n * (1ull << 30);
}

static volatile uint64_t *word(uint64_t va)
{
    return (volatile uint64_t *)va;
}

/* Whether the kernel can write to va on the process's behalf. */
static bool kernel_can_write(uint64_t va)
{
    struct cairn_system_info info;
    cairn_system_info(&info);
    /* Copies the current contents back, so the page is left as it was
     * whenever the write succeeds. */
    uint64_t saved[sizeof(info) / 8];
    for (unsigned i = 0; i < sizeof(info) / 8; i++)
        saved[i] = word(va)[i];
    bool ok = cairn_system_info((struct cairn_system_info *)va) == 0;
    if (ok) {
        for (unsigned i = 0; i < sizeof(info) / 8; i++)
            word(va)[i] = saved[i];
    }
    return ok;
}

/* Ends each of the pages at va with a newline, for kernel_can_read. */
static void mark_pages(uint64_t va, unsigned pages)
{
    for (unsigned i = 0; i < pages; i++)
        *(volatile char *)(va + (i + 1) * PAGE - 1) = '\n';
}

/* Whether the kernel can read va on the process's behalf: writes the last
 * byte of its page (a newline from mark_pages) to the console. */
static bool kernel_can_read(uint64_t va)
{
    return cairn_debug_write((const void *)(va + PAGE - 1), 1) == 1;
}

KTEST(vm_map_rejects_non_canonical_addresses, KTEST_QUICK)
{
    long h = cairn_memory_create(PAGE);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, NON_CANON, PAGE, RO), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, 0x8000000000000000ull, PAGE, RO), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, CAIRN_VM_USER_END + PAGE, PAGE, RO), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, NON_CANON - PAGE, 2 * PAGE, RO), CAIRN_E_BAD_ADDRESS);
    cairn_handle_close(h);
}

static void exit_at_once(uint64_t arg)
{
    (void)arg;
    kt_thread_done();
}

KTEST(vm_map_rejects_endpoint_and_thread_handles, KTEST_QUICK)
{
    long e = cairn_endpoint_create();
    long t = kt_spawn(exit_at_once, 0, RT_AFFINITY_ANY);
    EXPECT_TRUE(t > 0);
    kt_join(1);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, e, 0, area(0), PAGE, RO), CAIRN_E_WRONG_TYPE);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, t, 0, area(0), PAGE, RO), CAIRN_E_WRONG_TYPE);
    cairn_handle_close(t);
    cairn_handle_close(e);
}

KTEST(vm_map_rejects_prot_bits_above_32, KTEST_QUICK)
{
    long h = cairn_memory_create(PAGE);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, area(1), PAGE, RW | (1ull << 33)), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, area(1), PAGE, ~0ull), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, area(1), PAGE, RO), area(1));
    EXPECT_ERR(cairn_vm_protect(CAIRN_PROCESS_SELF, area(1), PAGE, RO | (1ull << 40)), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_vm_protect(CAIRN_PROCESS_SELF, area(1), PAGE, CAIRN_PROT_WRITE), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, area(1), PAGE), 0);
    cairn_handle_close(h);
}

KTEST(vm_map_at_an_offset_shows_those_pages, KTEST_QUICK)
{
    uint64_t va = area(2);
    long h = cairn_memory_create(4 * PAGE);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va, 4 * PAGE, RW), va);
    for (uint64_t i = 0; i < 4; i++)
        *word(va + i * PAGE) = 100 + i;
    uint64_t tail = va + 8 * PAGE;
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 2 * PAGE, tail, 2 * PAGE, RO), tail);
    EXPECT_EQ(*word(tail), 102);
    EXPECT_EQ(*word(tail + PAGE), 103);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, 4 * PAGE), 0);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, tail, 2 * PAGE), 0);
    cairn_handle_close(h);
}

/* The mapping holds the object, not the handle: revoking the handle it
 * was made with leaves it usable, with the rights it was made with. */
KTEST(vm_mapping_survives_revoke_of_its_handle, KTEST_QUICK)
{
    uint64_t va = area(3);
    long h = cairn_memory_create(PAGE);
    long child = cairn_handle_duplicate(h, CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE | CAIRN_RIGHT_MAP);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, child, 0, va, PAGE, RO), va);
    EXPECT_EQ(cairn_handle_revoke(h), 0);
    EXPECT_EQ(cairn_handle_close(h), 0);
    EXPECT_EQ(cairn_vm_protect(CAIRN_PROCESS_SELF, va, PAGE, RW), 0);
    *word(va) = 55;
    EXPECT_EQ(*word(va), 55);
    EXPECT_ERR(cairn_vm_protect(CAIRN_PROCESS_SELF, va, PAGE, RX), CAIRN_E_ACCESS_DENIED);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, PAGE), 0);
    cairn_handle_close(child);
}

KTEST(vm_protect_read_only_stops_writes, KTEST_QUICK)
{
    uint64_t va = area(4);
    long h = cairn_memory_create(2 * PAGE);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va, 2 * PAGE, RW), va);
    mark_pages(va, 2);
    *word(va + PAGE) = 9;
    EXPECT_TRUE(kernel_can_write(va));
    EXPECT_EQ(cairn_vm_protect(CAIRN_PROCESS_SELF, va, PAGE, RO), 0);
    EXPECT_TRUE(!kernel_can_write(va));
    EXPECT_TRUE(kernel_can_write(va + PAGE)); /* only the range changed */
    EXPECT_TRUE(kernel_can_read(va));
    EXPECT_EQ(cairn_vm_protect(CAIRN_PROCESS_SELF, va, 2 * PAGE, RW), 0);
    EXPECT_TRUE(kernel_can_write(va));
    EXPECT_EQ(*word(va + PAGE), 9);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, 2 * PAGE), 0);
    cairn_handle_close(h);
}

KTEST(vm_unmap_stops_reads, KTEST_QUICK)
{
    uint64_t va = area(5);
    long h = cairn_memory_create(2 * PAGE);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va, 2 * PAGE, RW), va);
    mark_pages(va, 2);
    EXPECT_TRUE(kernel_can_read(va));
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va + PAGE, PAGE), 0);
    EXPECT_TRUE(kernel_can_read(va));
    EXPECT_TRUE(!kernel_can_read(va + PAGE));
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, PAGE), 0);
    EXPECT_TRUE(!kernel_can_read(va));
    cairn_handle_close(h);
}

/* A protect that one mapping of the range cannot take changes none. */
KTEST(vm_protect_denied_over_several_mappings_changes_nothing, KTEST_QUICK)
{
    uint64_t va = area(6);
    long h = cairn_memory_create(PAGE);
    long ro_handle = cairn_handle_duplicate(h, CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va, PAGE, RO), va);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, ro_handle, 0, va + PAGE, PAGE, RO), va + PAGE);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va + 2 * PAGE, PAGE, RO), va + 2 * PAGE);
    EXPECT_ERR(cairn_vm_protect(CAIRN_PROCESS_SELF, va, 3 * PAGE, RW), CAIRN_E_ACCESS_DENIED);
    EXPECT_TRUE(!kernel_can_write(va));
    EXPECT_TRUE(!kernel_can_write(va + 2 * PAGE));
    EXPECT_EQ(cairn_vm_protect(CAIRN_PROCESS_SELF, va, PAGE, RW), 0);
    EXPECT_TRUE(kernel_can_write(va));
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, 3 * PAGE), 0);
    cairn_handle_close(ro_handle);
    cairn_handle_close(h);
}

KTEST(vm_protect_rejects_ranges_outside_user_space, KTEST_QUICK)
{
    EXPECT_ERR(cairn_vm_protect(CAIRN_PROCESS_SELF, 0, PAGE, RO), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_vm_protect(CAIRN_PROCESS_SELF, CAIRN_VM_USER_BASE - PAGE, PAGE, RO), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_vm_protect(CAIRN_PROCESS_SELF, NON_CANON, PAGE, RO), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_vm_protect(CAIRN_PROCESS_SELF, 0xffff800000000000ull, PAGE, RO), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_vm_protect(CAIRN_PROCESS_SELF, CAIRN_VM_USER_END - PAGE, 2 * PAGE, RO), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_vm_protect(CAIRN_PROCESS_SELF, area(7), PAGE + 1, RO), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_vm_protect(CAIRN_PROCESS_SELF, area(7), PAGE, RO), CAIRN_E_NOT_FOUND);
}

KTEST(vm_unmap_rejects_ranges_outside_user_space, KTEST_QUICK)
{
    EXPECT_ERR(cairn_vm_unmap(CAIRN_PROCESS_SELF, CAIRN_VM_USER_BASE - PAGE, PAGE), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_vm_unmap(CAIRN_PROCESS_SELF, NON_CANON, PAGE), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_vm_unmap(CAIRN_PROCESS_SELF, CAIRN_VM_USER_END, PAGE), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_vm_unmap(CAIRN_PROCESS_SELF, CAIRN_VM_USER_END - PAGE, 2 * PAGE), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_vm_unmap(CAIRN_PROCESS_SELF, area(7), ~0ull & ~(PAGE - 1)), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_vm_unmap(CAIRN_PROCESS_SELF, area(7), PAGE), CAIRN_E_NOT_FOUND);
}

KTEST(vm_protect_after_unmap_is_not_found, KTEST_QUICK)
{
    uint64_t va = area(8);
    long h = cairn_memory_create(PAGE);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va, PAGE, RW), va);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, PAGE), 0);
    EXPECT_ERR(cairn_vm_protect(CAIRN_PROCESS_SELF, va, PAGE, RO), CAIRN_E_NOT_FOUND);
    EXPECT_ERR(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, PAGE), CAIRN_E_NOT_FOUND);
    cairn_handle_close(h);
}

KTEST(vm_protect_to_exec_runs_what_was_written, KTEST_QUICK)
{
    static const uint8_t return_7[] = {0xb8, 0x07, 0x00, 0x00, 0x00, 0xc3}; /* mov $7,%eax; ret */
    uint64_t va = area(9);
    long h = cairn_memory_create(PAGE);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va, PAGE, RW), va);
    for (unsigned i = 0; i < sizeof(return_7); i++)
        ((volatile uint8_t *)va)[i] = return_7[i];
    EXPECT_EQ(cairn_vm_protect(CAIRN_PROCESS_SELF, va, PAGE, RX), 0);
    EXPECT_TRUE(!kernel_can_write(va));
    int (*fn)(void) = (int (*)(void))va;
    EXPECT_EQ(fn(), 7);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, PAGE), 0);
    cairn_handle_close(h);
}

KTEST(vm_unmap_of_a_mapping_from_a_closed_handle_frees_the_frames, KTEST_QUICK)
{
    struct cairn_system_info before, mapped, after;
    uint64_t va = area(10);
    cairn_sleep(2000000);
    cairn_system_info(&before);
    long h = cairn_memory_create(64 * PAGE);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va, 64 * PAGE, RO), va);
    EXPECT_EQ(cairn_handle_close(h), 0);
    cairn_system_info(&mapped);
    EXPECT_TRUE((int64_t)(before.frames_free - mapped.frames_free) >= 64); /* still held */
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, 64 * PAGE), 0);
    cairn_system_info(&after);
    EXPECT_TRUE((int64_t)(after.frames_free - mapped.frames_free) >= 64);
}

/* Each piece of a split mapping holds the object: it lives, with its
 * frames, until the last piece is gone. */
KTEST(vm_pieces_of_a_split_mapping_keep_the_object_alive, KTEST_QUICK)
{
    struct cairn_system_info before, mapped, after;
    uint64_t va = area(11);
    cairn_sleep(2000000);
    cairn_system_info(&before);
    long h = cairn_memory_create(64 * PAGE);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va, 64 * PAGE, RW), va);
    EXPECT_EQ(cairn_handle_close(h), 0);
    *word(va + 63 * PAGE) = 63;
    EXPECT_EQ(cairn_vm_protect(CAIRN_PROCESS_SELF, va + 16 * PAGE, 16 * PAGE, RO), 0); /* three pieces */
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, 16 * PAGE), 0);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va + 16 * PAGE, 16 * PAGE), 0);
    cairn_system_info(&mapped);
    EXPECT_TRUE((int64_t)(before.frames_free - mapped.frames_free) >= 64); /* still held */
    EXPECT_EQ(*word(va + 63 * PAGE), 63);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va + 32 * PAGE, 32 * PAGE), 0);
    cairn_system_info(&after);
    EXPECT_TRUE((int64_t)(after.frames_free - mapped.frames_free) >= 64);
}

/* Two adjacent mappings, 4 pages each, every page ending in a newline. */
static long map_two_neighbours(uint64_t va)
{
    long h = cairn_memory_create(4 * PAGE);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va, 4 * PAGE, RW), va);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va + 4 * PAGE, 4 * PAGE, RW), va + 4 * PAGE);
    mark_pages(va, 4);
    return h;
}

KTEST(vm_protect_splits_two_neighbouring_mappings, KTEST_QUICK)
{
    uint64_t va = area(12);
    long h = map_two_neighbours(va);
    EXPECT_EQ(cairn_vm_protect(CAIRN_PROCESS_SELF, va + 2 * PAGE, 4 * PAGE, RO), 0);
    for (uint64_t page = 0; page < 8; page++)
        EXPECT_EQ(kernel_can_write(va + page * PAGE), page < 2 || page >= 6);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, 8 * PAGE), 0);
    cairn_handle_close(h);
}

KTEST(vm_unmap_splits_two_neighbouring_mappings, KTEST_QUICK)
{
    uint64_t va = area(13);
    long h = map_two_neighbours(va);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va + 3 * PAGE, 2 * PAGE), 0);
    for (uint64_t page = 0; page < 8; page++)
        EXPECT_EQ(kernel_can_read(va + page * PAGE), page < 3 || page >= 5);
    EXPECT_ERR(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, 8 * PAGE), CAIRN_E_NOT_FOUND); /* now with a hole */
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, 3 * PAGE), 0);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va + 5 * PAGE, 3 * PAGE), 0);
    cairn_handle_close(h);
}

KTEST(vm_unmap_of_many_mappings_at_once_frees_them_all, KTEST_QUICK)
{
    enum { PIECES = 300 };
    struct cairn_system_info before;
    uint64_t va = area(14);
    long warm = cairn_memory_create(PAGE); /* a slab for the records */
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, warm, 0, va, PAGE, RO), va);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, PAGE), 0);
    cairn_sleep(2000000);
    cairn_system_info(&before);
    long h = cairn_memory_create(PAGE);
    for (uint64_t i = 0; i < PIECES; i++)
        EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va + i * PAGE, PAGE, RO), va + i * PAGE);
    EXPECT_EQ(cairn_handle_close(h), 0);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, PIECES * PAGE), 0);
    EXPECT_ERR(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, PAGE), CAIRN_E_NOT_FOUND);
    EXPECT_TRUE(kt_memory_back_to(&before));
    cairn_handle_close(warm);
}

/* A mapping across a 512 GiB boundary needs tables under two top-level
 * entries; unmapping it frees every one of them. */
KTEST(vm_mapping_across_a_512_gib_boundary_frees_its_tables, KTEST_QUICK)
{
    struct cairn_system_info before;
    uint64_t boundary = 0x560000000000ull, va = boundary - 2 * PAGE;
    long h = cairn_memory_create(4 * PAGE);
    cairn_sleep(2000000);
    cairn_system_info(&before);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va, 4 * PAGE, RW), va);
    for (uint64_t i = 0; i < 4; i++)
        *word(va + i * PAGE) = i + 1;
    EXPECT_EQ(*word(boundary), 3);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, 4 * PAGE), 0);
    EXPECT_TRUE(kt_memory_back_to(&before));
    cairn_handle_close(h);
}

/* Helpers on every CPU cache a translation by using the page, then the
 * main thread changes the mapping, then each helper has the kernel copy
 * to or from it: a CPU that missed the shootdown would still let it. */
static struct {
    uint64_t va;
    bool write; /* check writes (after a protect) or reads (after an unmap) */
    int ready;  /* atomic */
    int go;     /* atomic */
    long result[KT_MAX_THREADS];
} stale;

static void use_page_then_copy(uint64_t index)
{
    uint64_t sum = 0;
    for (int i = 0; i < 1000; i++) {
        if (stale.write)
            *word(stale.va) = (uint64_t)i;
        else
            sum += *word(stale.va);
    }
    (void)sum;
    __atomic_fetch_add(&stale.ready, 1, __ATOMIC_RELEASE);
    while (!__atomic_load_n(&stale.go, __ATOMIC_ACQUIRE))
        cairn_yield(); /* a yield keeps this address space loaded: no flush */
    if (stale.write)
        stale.result[index] = cairn_system_info((struct cairn_system_info *)stale.va);
    else
        stale.result[index] = cairn_debug_write((const void *)(stale.va + PAGE - 1), 1);
    kt_thread_done();
}

static void change_under_every_cpu(uint64_t va, bool write)
{
    unsigned helpers = kt_cpus() < KT_MAX_THREADS ? kt_cpus() : KT_MAX_THREADS;
    stale.va = va;
    stale.write = write;
    stale.ready = 0;
    stale.go = 0;
    for (unsigned i = 0; i < helpers; i++)
        EXPECT_TRUE(kt_spawn(use_page_then_copy, i, i) > 0);
    while (__atomic_load_n(&stale.ready, __ATOMIC_ACQUIRE) < (int)helpers)
        cairn_sleep(1000000);
    if (write)
        EXPECT_EQ(cairn_vm_protect(CAIRN_PROCESS_SELF, va, PAGE, RO), 0);
    else
        EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, PAGE), 0);
    __atomic_store_n(&stale.go, 1, __ATOMIC_RELEASE);
    kt_join((int)helpers);
    for (unsigned i = 0; i < helpers; i++)
        EXPECT_ERR(stale.result[i], CAIRN_E_BAD_ADDRESS);
}

KTEST(vm_protect_reaches_kernel_copies_on_every_cpu, KTEST_QUICK)
{
    uint64_t va = area(15);
    long h = cairn_memory_create(PAGE);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va, PAGE, RW), va);
    change_under_every_cpu(va, true);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, PAGE), 0);
    cairn_handle_close(h);
}

KTEST(vm_unmap_reaches_kernel_copies_on_every_cpu, KTEST_QUICK)
{
    uint64_t va = area(16);
    long h = cairn_memory_create(PAGE);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va, PAGE, RW), va);
    mark_pages(va, 1);
    change_under_every_cpu(va, false);
    cairn_handle_close(h);
}
