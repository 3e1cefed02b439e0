/*
 * cow.c - copy-on-write clones of memory objects: a clone shows the
 * source's pages, and writes on either side (through any mapping, by
 * vm_protect'ed mappings, by the kernel copying out for a system call)
 * stay on that side; clones of clones; ranges; rights; every bad argument;
 * handles and mappings dropped in any order; the quota; no leaks; and
 * writers on other CPUs while the source is cloned over and over.
 */
#include "ktest.h"
#include "leak.h"
#include "threads.h"
#include <cairn/error.h>
#include <cairn/vm.h>

#define PAGE CAIRN_PAGE_SIZE
#define MIB  (1ull << 20)
#define RO   CAIRN_PROT_READ
#define RW   (CAIRN_PROT_READ | CAIRN_PROT_WRITE)

#define CLONE_RIGHTS                                                                               \
    (CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE | CAIRN_RIGHT_MAP | CAIRN_RIGHT_DUPLICATE |              \
     CAIRN_RIGHT_TRANSFER | CAIRN_RIGHT_REVOKE)

/* Each test maps in its own gigabyte, away from memory.c's and fault.c's. */
static uint64_t region(unsigned n)
{
    return 0x300000000000ull + (uint64_t)n * (1ull << 30);
}

static volatile uint64_t *word(uint64_t va)
{
    return (volatile uint64_t *)va;
}

/* Writes page number + fill into the first word of every page of h, through
 * a temporary mapping at va. */
static void fill(long h, uint64_t size, uint64_t va, uint64_t fill_value)
{
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va, size, RW), va);
    for (uint64_t off = 0; off < size; off += PAGE)
        *word(va + off) = off / PAGE + fill_value;
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, size), 0);
}

/* Whether every page of the mapping at va holds page number + fill_value. */
static bool holds(uint64_t va, uint64_t size, uint64_t fill_value)
{
    bool ok = true;
    for (uint64_t off = 0; off < size; off += PAGE)
        ok &= *word(va + off) == off / PAGE + fill_value;
    return ok;
}

static long raw_clone(uint64_t h, uint64_t offset, uint64_t length)
{
    long ret;
    register uint64_t rdx __asm__("rdx") = length;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(SYS_MEMORY_CLONE), "D"(h), "S"(offset), "r"(rdx)
                     : "rcx", "r11", "memory");
    return ret;
}

KTEST(cow_clone_shows_the_source_and_writes_stay_on_their_side, KTEST_QUICK)
{
    uint64_t a = region(0), b = a + 64 * PAGE, size = 4 * PAGE;
    long src = cairn_memory_create(size);
    fill(src, size, a, 100);
    long clone = cairn_memory_clone(src, 0, size);
    EXPECT_TRUE(clone > 0);
    struct cairn_handle_info info;
    EXPECT_EQ(cairn_handle_info(clone, &info), 0);
    EXPECT_EQ(info.type, CAIRN_OBJ_MEMORY);
    EXPECT_EQ(info.rights, CLONE_RIGHTS | CAIRN_RIGHT_EXEC);

    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, src, 0, a, size, RW), a);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, clone, 0, b, size, RW), b);
    EXPECT_TRUE(holds(b, size, 100));
    *word(a) = 7;                  /* the source copies page 0 */
    *word(b + PAGE) = 8;           /* the clone copies page 1 */
    *word(b + 2 * PAGE + 8) = 9;   /* and page 2, another word */
    *word(a + 2 * PAGE + 16) = 10; /* the source's page 2 too */
    EXPECT_EQ(*word(a), 7);
    EXPECT_EQ(*word(b), 100);
    EXPECT_EQ(*word(a + PAGE), 101);
    EXPECT_EQ(*word(b + PAGE), 8);
    EXPECT_EQ(*word(a + 2 * PAGE + 8), 0);
    EXPECT_EQ(*word(b + 2 * PAGE + 8), 9);
    EXPECT_EQ(*word(a + 2 * PAGE + 16), 10);
    EXPECT_EQ(*word(b + 2 * PAGE + 16), 0);
    EXPECT_EQ(*word(a + 3 * PAGE), 103); /* page 3 still shared */
    EXPECT_EQ(*word(b + 3 * PAGE), 103);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, a, size), 0);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, b, size), 0);
    cairn_handle_close(clone);
    cairn_handle_close(src);
}

/* A copy replaces the page in every mapping of the object that made it,
 * and in none of the other's. */
KTEST(cow_copy_shows_in_every_mapping_of_the_writer, KTEST_QUICK)
{
    uint64_t a1 = region(1), a2 = a1 + 16 * PAGE, b1 = a1 + 32 * PAGE, b2 = a1 + 48 * PAGE;
    long src = cairn_memory_create(2 * PAGE);
    fill(src, 2 * PAGE, a1, 1);
    long clone = cairn_memory_clone(src, 0, 2 * PAGE);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, src, 0, a1, 2 * PAGE, RW), a1);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, src, 0, a2, 2 * PAGE, RO), a2);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, clone, 0, b1, 2 * PAGE, RW), b1);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, clone, PAGE, b2, PAGE, RO), b2);
    *word(a1 + PAGE) = 55;
    EXPECT_EQ(*word(a2 + PAGE), 55);
    EXPECT_EQ(*word(b1 + PAGE), 2);
    EXPECT_EQ(*word(b2), 2);
    *word(b1 + PAGE) = 66;
    EXPECT_EQ(*word(b2), 66);
    EXPECT_EQ(*word(a2 + PAGE), 55);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, a1, 2 * PAGE), 0);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, a2, 2 * PAGE), 0);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, b1, 2 * PAGE), 0);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, b2, PAGE), 0);
    cairn_handle_close(clone);
    cairn_handle_close(src);
}

KTEST(cow_clone_of_a_range_and_clone_of_a_clone, KTEST_QUICK)
{
    uint64_t va = region(2), size = 8 * PAGE;
    long a = cairn_memory_create(size);
    fill(a, size, va, 10);
    long b = cairn_memory_clone(a, 2 * PAGE, 4 * PAGE); /* pages 2..5 of a */
    long c = cairn_memory_clone(b, PAGE, 2 * PAGE);     /* pages 3..4 of a */
    EXPECT_TRUE(b > 0 && c > 0);
    uint64_t av = va, bv = va + 16 * PAGE, cv = va + 32 * PAGE;
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, a, 0, av, size, RW), av);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, b, 0, bv, 4 * PAGE, RW), bv);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, c, 0, cv, 2 * PAGE, RW), cv);
    EXPECT_TRUE(holds(bv, 4 * PAGE, 12));
    EXPECT_TRUE(holds(cv, 2 * PAGE, 13));
    *word(av + 3 * PAGE) = 1000; /* a's page 3: b's 1, c's 0 */
    *word(bv + PAGE) = 2000;
    *word(cv) = 3000;
    EXPECT_EQ(*word(av + 3 * PAGE), 1000);
    EXPECT_EQ(*word(bv + PAGE), 2000);
    EXPECT_EQ(*word(cv), 3000);
    *word(cv + PAGE) = 4000; /* c's page 1: a's page 4, still three owners */
    EXPECT_EQ(*word(av + 4 * PAGE), 14);
    EXPECT_EQ(*word(bv + 2 * PAGE), 14);
    EXPECT_EQ(*word(cv + PAGE), 4000);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, av, size), 0);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, bv, 4 * PAGE), 0);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, cv, 2 * PAGE), 0);
    cairn_handle_close(a);
    cairn_handle_close(b);
    cairn_handle_close(c);
}

/* Making a mapping of a shared page writable does not let a write reach
 * the frame the other object still shows. */
KTEST(cow_protect_to_writable_still_copies, KTEST_QUICK)
{
    uint64_t a = region(3), b = a + 16 * PAGE;
    long src = cairn_memory_create(PAGE);
    fill(src, PAGE, a, 5);
    long clone = cairn_memory_clone(src, 0, PAGE);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, clone, 0, b, PAGE, RO), b);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, src, 0, a, PAGE, RO), a);
    EXPECT_EQ(cairn_vm_protect(CAIRN_PROCESS_SELF, b, PAGE, RW), 0);
    *word(b) = 77;
    EXPECT_EQ(*word(a), 5);
    EXPECT_EQ(cairn_vm_protect(CAIRN_PROCESS_SELF, a, PAGE, RW), 0);
    *word(a) = 88; /* now the source's alone: no copy, written in place */
    EXPECT_EQ(*word(a), 88);
    EXPECT_EQ(*word(b), 77);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, a, PAGE), 0);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, b, PAGE), 0);
    cairn_handle_close(clone);
    cairn_handle_close(src);
}

/* The kernel writing a system call's result into a shared page copies it
 * like a user write would, instead of failing with BAD_ADDRESS. */
KTEST(cow_kernel_copy_out_copies_the_page, KTEST_QUICK)
{
    uint64_t a = region(4), b = a + 16 * PAGE;
    long src = cairn_memory_create(PAGE);
    fill(src, PAGE, a, 3);
    long clone = cairn_memory_clone(src, 0, PAGE);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, src, 0, a, PAGE, RW), a);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, clone, 0, b, PAGE, RW), b);
    struct cairn_handle_info *info = (struct cairn_handle_info *)(b + 64);
    EXPECT_EQ(cairn_handle_info(clone, info), 0);
    EXPECT_EQ(info->type, CAIRN_OBJ_MEMORY);
    EXPECT_EQ(*word(a + 64), 0);
    EXPECT_EQ(*word(b), 3);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, a, PAGE), 0);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, b, PAGE), 0);
    cairn_handle_close(clone);
    cairn_handle_close(src);
}

KTEST(cow_clone_rights, KTEST_QUICK)
{
    struct cairn_handle_info info;
    long src = cairn_memory_create(PAGE);
    long read_only = cairn_handle_duplicate(src, CAIRN_RIGHT_READ);
    long no_read = cairn_handle_duplicate(src, CAIRN_RIGHT_MAP | CAIRN_RIGHT_WRITE |
                                                   CAIRN_RIGHT_EXEC | CAIRN_RIGHT_DUPLICATE);
    long clone = cairn_memory_clone(read_only, 0, PAGE);
    EXPECT_TRUE(clone > 0);
    EXPECT_EQ(cairn_handle_info(clone, &info), 0);
    EXPECT_EQ(info.rights, CLONE_RIGHTS); /* no EXEC from a handle without it */
    EXPECT_ERR(cairn_memory_clone(no_read, 0, PAGE), CAIRN_E_ACCESS_DENIED);
    cairn_handle_close(clone);
    cairn_handle_close(read_only);
    cairn_handle_close(no_read);
    cairn_handle_close(src);
}

KTEST(cow_clone_rejects_bad_arguments, KTEST_QUICK)
{
    long src = cairn_memory_create(4 * PAGE);
    long n = cairn_notification_create();
    long child = cairn_handle_duplicate(src, CAIRN_RIGHT_READ);
    long closed = cairn_memory_create(PAGE);
    cairn_handle_close(closed);
    /* Handles. */
    EXPECT_ERR(cairn_memory_clone(0, 0, PAGE), CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(cairn_memory_clone(closed, 0, PAGE), CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(raw_clone((1ull << 32) | (uint64_t)src, 0, PAGE), CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(cairn_memory_clone(n, 0, PAGE), CAIRN_E_WRONG_TYPE);
    /* Ranges. */
    EXPECT_ERR(cairn_memory_clone(src, 0, 0), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_memory_clone(src, 8, PAGE), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_memory_clone(src, 0, PAGE + 8), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_memory_clone(src, 0, 5 * PAGE), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_memory_clone(src, 4 * PAGE, PAGE), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_memory_clone(src, 3 * PAGE, 2 * PAGE), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_memory_clone(src, ~0ull & ~(PAGE - 1), 2 * PAGE), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_memory_clone(src, PAGE, ~0ull & ~(PAGE - 1)), CAIRN_E_INVALID_ARGUMENT);
    /* Revoked. */
    EXPECT_EQ(cairn_handle_revoke(src), 0);
    EXPECT_ERR(cairn_memory_clone(child, 0, PAGE), CAIRN_E_REVOKED);
    /* The whole object, and its last page, are fine. */
    long whole = cairn_memory_clone(src, 0, 4 * PAGE);
    long last = cairn_memory_clone(src, 3 * PAGE, PAGE);
    EXPECT_TRUE(whole > 0 && last > 0);
    cairn_handle_close(whole);
    cairn_handle_close(last);
    cairn_handle_close(child);
    cairn_handle_close(n);
    cairn_handle_close(src);
}

/* A clone is charged for all its pages up front: clones that would pass
 * the quota are refused and cost nothing. */
KTEST(cow_clone_quota, KTEST_QUICK)
{
    struct cairn_system_info before, after;
    long src = cairn_memory_create(4 * MIB);
    long clones[8];
    int made = 0;
    long err = 0;
    EXPECT_TRUE(src > 0);
    while (made < 8) {
        long c = cairn_memory_clone(src, 0, 4 * MIB);
        if (c < 0) {
            err = c;
            break;
        }
        clones[made++] = c;
    }
    EXPECT_ERR(err, CAIRN_E_QUOTA);
    EXPECT_TRUE(made >= 1 && made < 4); /* a 16 MiB quota */
    cairn_sleep(2000000);
    cairn_system_info(&before);
    EXPECT_ERR(cairn_memory_clone(src, 0, 4 * MIB), CAIRN_E_QUOTA);
    cairn_sleep(2000000);
    cairn_system_info(&after);
    EXPECT_TRUE(kt_same_memory(&before, &after));
    /* A small clone still fits. */
    long small = cairn_memory_clone(src, 0, PAGE);
    EXPECT_TRUE(small > 0);
    cairn_handle_close(small);
    while (made > 0)
        cairn_handle_close(clones[--made]);
    cairn_handle_close(src);
}

/* A clone larger than one frame list (512 pages), copied here and there. */
KTEST(cow_large_clone, KTEST_QUICK)
{
    uint64_t size = 3 * MIB, a = region(5), b = region(6);
    long src = cairn_memory_create(size);
    fill(src, size, a, 1);
    long clone = cairn_memory_clone(src, 0, size);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, src, 0, a, size, RW), a);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, clone, 0, b, size, RW), b);
    for (uint64_t off = 0; off < size; off += 7 * PAGE)
        *word(b + off) = 0;
    bool ok = true;
    for (uint64_t off = 0; off < size; off += PAGE)
        ok &= *word(a + off) == off / PAGE + 1 &&
              *word(b + off) == (off % (7 * PAGE) ? off / PAGE + 1 : 0);
    EXPECT_TRUE(ok);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, a, size), 0);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, b, size), 0);
    cairn_handle_close(clone);
    cairn_handle_close(src);
}

/* One round of clone, writes on both sides and teardown, in one of four
 * orders of closing handles and removing mappings. */
static void clone_round(int order, uint64_t va)
{
    uint64_t size = 4 * PAGE, a = va, b = va + 16 * PAGE, c = va + 32 * PAGE;
    long src = cairn_memory_create(size);
    fill(src, size, a, 1);
    long clone = cairn_memory_clone(src, PAGE, 2 * PAGE);
    long grand = cairn_memory_clone(clone, 0, PAGE);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, src, 0, a, size, RW), a);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, clone, 0, b, 2 * PAGE, RW), b);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, grand, 0, c, PAGE, RW), c);
    *word(a + PAGE) = 9;
    *word(b + PAGE) = 8;
    EXPECT_EQ(*word(c), 2);
    switch (order) {
    case 0: /* handles first, then mappings, source first */
        cairn_handle_close(src);
        cairn_handle_close(clone);
        cairn_handle_close(grand);
        cairn_vm_unmap(CAIRN_PROCESS_SELF, a, size);
        cairn_vm_unmap(CAIRN_PROCESS_SELF, b, 2 * PAGE);
        cairn_vm_unmap(CAIRN_PROCESS_SELF, c, PAGE);
        break;
    case 1: /* mappings first, clones first */
        cairn_vm_unmap(CAIRN_PROCESS_SELF, c, PAGE);
        cairn_vm_unmap(CAIRN_PROCESS_SELF, b, 2 * PAGE);
        cairn_vm_unmap(CAIRN_PROCESS_SELF, a, size);
        cairn_handle_close(grand);
        cairn_handle_close(clone);
        cairn_handle_close(src);
        break;
    case 2: /* the middle one goes first */
        cairn_handle_close(clone);
        cairn_vm_unmap(CAIRN_PROCESS_SELF, b, 2 * PAGE);
        EXPECT_EQ(*word(c), 2);
        *word(c) = 5;
        EXPECT_EQ(*word(a + 2 * PAGE), 3);
        cairn_vm_unmap(CAIRN_PROCESS_SELF, c, PAGE);
        cairn_handle_close(grand);
        cairn_vm_unmap(CAIRN_PROCESS_SELF, a, size);
        cairn_handle_close(src);
        break;
    default: /* the source goes first, and the clones carry on */
        cairn_vm_unmap(CAIRN_PROCESS_SELF, a, size);
        cairn_handle_close(src);
        EXPECT_EQ(*word(b), 2);
        *word(b) = 4;
        EXPECT_EQ(*word(c), 2);
        cairn_vm_unmap(CAIRN_PROCESS_SELF, b, 2 * PAGE);
        cairn_handle_close(clone);
        cairn_vm_unmap(CAIRN_PROCESS_SELF, c, PAGE);
        cairn_handle_close(grand);
        break;
    }
}

KTEST(cow_teardown_orders_leak_nothing, KTEST_QUICK)
{
    struct cairn_system_info before;
    uint64_t va = region(7);
    for (int order = 0; order < 4; order++)
        clone_round(order, va); /* the heap's slabs for every size used */
    cairn_sleep(2000000);
    cairn_system_info(&before);
    for (int round = 0; round < 40; round++)
        clone_round(round % 4, va);
    EXPECT_TRUE(kt_memory_back_to(&before));
}

/* Writers on every other CPU bump a counter each in the source while the
 * main thread clones it over and over: each clone must show, for each
 * counter, a value no older than the previous clone's, and in the end the
 * source must hold every writer's last value (no write lost to a copy made
 * while it was in flight). The counters are in pages of their own, or all
 * in one page, whose copy the writers then race to make. */
static struct {
    uint64_t va;
    uint64_t stride; /* between two writers' counters */
    volatile int go, stop;
    uint64_t last[KT_MAX_THREADS]; /* each writer's last value, once done */
} race;

static void writer(uint64_t index)
{
    volatile uint64_t *counter = word(race.va + index * race.stride);
    uint64_t i = 0;
    while (!race.go)
        cairn_yield();
    while (!race.stop)
        *counter = ++i;
    race.last[index] = i;
    kt_thread_done();
}

static void clone_while_writing(uint64_t stride, unsigned n)
{
    unsigned writers = kt_cpus() > 1 ? kt_cpus() - 1 : 1;
    uint64_t size = writers * PAGE, snap = region(n) + 64 * PAGE;
    uint64_t seen[KT_MAX_THREADS] = {0};
    race.va = region(n);
    race.stride = stride;
    race.go = 0;
    race.stop = 0;
    long src = cairn_memory_create(size);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, src, 0, race.va, size, RW), race.va);
    for (unsigned i = 0; i < writers; i++)
        EXPECT_TRUE(kt_spawn(writer, i, kt_cpus() > 1 ? i + 1 : RT_AFFINITY_ANY) > 0);
    race.go = 1;
    bool monotonic = true;
    for (int round = 0; round < 12; round++) {
        long clone = cairn_memory_clone(src, 0, size);
        EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, clone, 0, snap, size, RO), snap);
        for (unsigned i = 0; i < writers; i++) {
            uint64_t v = *word(snap + i * stride);
            monotonic &= v >= seen[i];
            seen[i] = v;
        }
        EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, snap, size), 0);
        cairn_handle_close(clone);
    }
    EXPECT_TRUE(monotonic);
    race.stop = 1;
    kt_join((int)writers);
    bool all_there = true;
    for (unsigned i = 0; i < writers; i++)
        all_there &= *word(race.va + i * stride) == race.last[i] && race.last[i] >= seen[i];
    EXPECT_TRUE(all_there);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, race.va, size), 0);
    cairn_handle_close(src);
}

KTEST(cow_clone_while_other_cpus_write, KTEST_QUICK)
{
    clone_while_writing(PAGE, 8);
}

KTEST(cow_clone_while_other_cpus_write_one_page, KTEST_QUICK)
{
    clone_while_writing(64, 9);
}
