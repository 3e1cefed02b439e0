/*
 * memory.c - memory objects and their mappings: shared pages, rights and
 * W^X, every bad argument with its error, splitting unmaps and protects,
 * objects outliving their handles, TLB shootdown across CPUs, no leaks,
 * and the quota. No test touches an unmapped or protected page: a fault
 * would end the whole suite (tests/system's user_fault covers faults).
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
#define RX   (CAIRN_PROT_READ | CAIRN_PROT_EXEC)

#define ALL_MEMORY_RIGHTS                                                                          \
    (CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE | CAIRN_RIGHT_EXEC | CAIRN_RIGHT_MAP |                   \
     CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER | CAIRN_RIGHT_REVOKE)

/* Each test maps in its own gigabyte, far from the program and its stack,
 * so every test starts with no page table there. */
static uint64_t region(unsigned n)
{
    return 0x100000000000ull + (uint64_t)n * (1ull << 30);
}

static volatile uint64_t *word(uint64_t va)
{
    return (volatile uint64_t *)va;
}

/* vm_map in the caller's own space with raw 64-bit arguments, for what
 * the typed stub cannot pass. */
static long raw_vm_map(uint64_t h, uint64_t offset, uint64_t va, uint64_t len, uint64_t prot)
{
    long ret;
    register uint64_t r10 __asm__("r10") = va;
    register uint64_t r8 __asm__("r8") = len;
    register uint64_t r9 __asm__("r9") = prot;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(SYS_VM_MAP), "D"(CAIRN_PROCESS_SELF), "S"(h), "d"(offset), "r"(r10),
                       "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}

/* A new object of `size` bytes whose every page holds its page number + fill
 * in its first word, written through a temporary mapping at va. */
static long filled_object(uint64_t size, uint64_t va, uint64_t fill)
{
    long h = cairn_memory_create(size);
    EXPECT_TRUE(h > 0);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va, size, RW), va);
    for (uint64_t off = 0; off < size; off += PAGE)
        *word(va + off) = off / PAGE + fill;
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, size), 0);
    return h;
}

KTEST(memory_create_gives_every_memory_right, KTEST_QUICK)
{
    struct cairn_handle_info info;
    long h = cairn_memory_create(PAGE);
    EXPECT_TRUE(h > 0);
    EXPECT_EQ(cairn_handle_info(h, &info), 0);
    EXPECT_EQ(info.type, CAIRN_OBJ_MEMORY);
    EXPECT_EQ(info.rights, ALL_MEMORY_RIGHTS);
    EXPECT_EQ(cairn_handle_close(h), 0);
}

KTEST(memory_create_rejects_bad_sizes, KTEST_QUICK)
{
    EXPECT_ERR(cairn_memory_create(0), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_memory_create(1), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_memory_create(PAGE - 1), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_memory_create(PAGE + 1), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_memory_create(~0ull), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_memory_create(CAIRN_MEMORY_MAX_SIZE + PAGE), CAIRN_E_TOO_LARGE);
    EXPECT_ERR(cairn_memory_create(~0ull & ~(PAGE - 1)), CAIRN_E_TOO_LARGE);
    /* The largest size is valid, but a boot program's 16 MiB quota cannot
     * pay for it: refused before a page is allocated. */
    EXPECT_ERR(cairn_memory_create(CAIRN_MEMORY_MAX_SIZE), CAIRN_E_QUOTA);
}

KTEST(map_write_read_unmap, KTEST_QUICK)
{
    uint64_t va = region(0), size = 4 * PAGE;
    long h = cairn_memory_create(size);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va, size, RW), va);
    bool zeroed = true;
    for (uint64_t off = 0; off < size; off += 8)
        zeroed &= *word(va + off) == 0;
    EXPECT_TRUE(zeroed);
    for (uint64_t off = 0; off < size; off += 8)
        *word(va + off) = off * 0x0101010101ull;
    bool kept = true;
    for (uint64_t off = 0; off < size; off += 8)
        kept &= *word(va + off) == off * 0x0101010101ull;
    EXPECT_TRUE(kept);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, size), 0);
    EXPECT_ERR(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, size), CAIRN_E_NOT_FOUND);
    EXPECT_EQ(cairn_handle_close(h), 0);
}

KTEST(two_mappings_share_pages, KTEST_QUICK)
{
    uint64_t a = region(1), b = a + 16 * PAGE, c = a + 32 * PAGE;
    long h = cairn_memory_create(2 * PAGE);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, a, 2 * PAGE, RW), a);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, b, 2 * PAGE, RO), b);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, PAGE, c, PAGE, RO), c); /* the second page only */
    *word(a) = 0x1111;
    *word(a + PAGE + 8) = 0x2222;
    EXPECT_EQ(*word(b), 0x1111);
    EXPECT_EQ(*word(b + PAGE + 8), 0x2222);
    EXPECT_EQ(*word(c + 8), 0x2222);
    *word(a + PAGE + 8) = 0x3333;
    EXPECT_EQ(*word(c + 8), 0x3333);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, a, 2 * PAGE), 0);
    EXPECT_EQ(*word(b + PAGE + 8), 0x3333); /* the others stay */
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, b, 2 * PAGE), 0);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, c, PAGE), 0);
    EXPECT_EQ(cairn_handle_close(h), 0);
}

KTEST(exec_mapping_runs_code_written_through_another, KTEST_QUICK)
{
    static const uint8_t return_42[] = {0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3}; /* mov $42,%eax; ret */
    uint64_t rw = region(2), rx = rw + 16 * PAGE;
    long h = cairn_memory_create(PAGE);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, rw, PAGE, RW), rw);
    for (unsigned i = 0; i < sizeof(return_42); i++)
        ((volatile uint8_t *)rw)[i] = return_42[i];
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, rx, PAGE, RX), rx);
    int (*fn)(void) = (int (*)(void))rx;
    EXPECT_EQ(fn(), 42);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, rx, PAGE), 0);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, rw, PAGE), 0);
    EXPECT_EQ(cairn_handle_close(h), 0);
}

KTEST(map_needs_the_rights_prot_asks_for, KTEST_QUICK)
{
    uint64_t va = region(3);
    long h = cairn_memory_create(PAGE);
    long ro = cairn_handle_duplicate(h, CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP);
    long no_map = cairn_handle_duplicate(h, CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE);
    long no_read = cairn_handle_duplicate(h, CAIRN_RIGHT_MAP | CAIRN_RIGHT_WRITE);
    long rw = cairn_handle_duplicate(h, CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE | CAIRN_RIGHT_MAP);
    EXPECT_TRUE(ro > 0 && no_map > 0 && no_read > 0 && rw > 0);

    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, ro, 0, va, PAGE, RW), CAIRN_E_ACCESS_DENIED);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, ro, 0, va, PAGE, RX), CAIRN_E_ACCESS_DENIED);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, no_map, 0, va, PAGE, RO), CAIRN_E_ACCESS_DENIED);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, no_read, 0, va, PAGE, RO), CAIRN_E_ACCESS_DENIED);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, rw, 0, va, PAGE, RX), CAIRN_E_ACCESS_DENIED);

    /* A mapping can never be raised above the handle it was made with. */
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, ro, 0, va, PAGE, RO), va);
    EXPECT_ERR(cairn_vm_protect(CAIRN_PROCESS_SELF, va, PAGE, RW), CAIRN_E_ACCESS_DENIED);
    EXPECT_ERR(cairn_vm_protect(CAIRN_PROCESS_SELF, va, PAGE, RX), CAIRN_E_ACCESS_DENIED);
    EXPECT_EQ(cairn_vm_protect(CAIRN_PROCESS_SELF, va, PAGE, RO), 0);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, PAGE), 0);

    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, rw, 0, va, PAGE, RO), va);
    EXPECT_EQ(cairn_vm_protect(CAIRN_PROCESS_SELF, va, PAGE, RW), 0);
    *word(va) = 7;
    EXPECT_ERR(cairn_vm_protect(CAIRN_PROCESS_SELF, va, PAGE, RX), CAIRN_E_ACCESS_DENIED);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, PAGE), 0);

    cairn_handle_close(ro);
    cairn_handle_close(no_map);
    cairn_handle_close(no_read);
    cairn_handle_close(rw);
    cairn_handle_close(h);
}

KTEST(map_rejects_bad_handles, KTEST_QUICK)
{
    uint64_t va = region(4);
    long h = cairn_memory_create(PAGE);
    long n = cairn_notification_create();
    long child = cairn_handle_duplicate(h, ALL_MEMORY_RIGHTS);
    long closed = cairn_memory_create(PAGE);
    cairn_handle_close(closed);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, n, 0, va, PAGE, RO), CAIRN_E_WRONG_TYPE);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, 0, 0, va, PAGE, RO), CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, closed, 0, va, PAGE, RO), CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(raw_vm_map((1ull << 32) | (uint64_t)h, 0, va, PAGE, RO), CAIRN_E_BAD_HANDLE);
    EXPECT_EQ(cairn_handle_revoke(h), 0);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, child, 0, va, PAGE, RO), CAIRN_E_REVOKED);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va, PAGE, RO), va);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, PAGE), 0);
    cairn_handle_close(child);
    cairn_handle_close(n);
    cairn_handle_close(h);
}

KTEST(write_and_exec_together_are_refused, KTEST_QUICK)
{
    uint64_t va = region(5);
    long h = cairn_memory_create(PAGE);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va, PAGE, RW | CAIRN_PROT_EXEC),
               CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va, PAGE, 0), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va, PAGE, CAIRN_PROT_WRITE),
               CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va, PAGE, CAIRN_PROT_EXEC),
               CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va, PAGE, RO | 8), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va, PAGE, RO | (1ull << 32)),
               CAIRN_E_INVALID_ARGUMENT);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va, PAGE, RX), va);
    EXPECT_ERR(cairn_vm_protect(CAIRN_PROCESS_SELF, va, PAGE, RW | CAIRN_PROT_EXEC),
               CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_vm_protect(CAIRN_PROCESS_SELF, va, PAGE, 0), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_EQ(cairn_vm_protect(CAIRN_PROCESS_SELF, va, PAGE, RW), 0);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, PAGE), 0);
    cairn_handle_close(h);
}

KTEST(map_rejects_bad_ranges, KTEST_QUICK)
{
    uint64_t va = region(6);
    long h = cairn_memory_create(2 * PAGE);
    /* Alignment and length. */
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va + 8, PAGE, RO), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, h, 8, va, PAGE, RO), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va, PAGE + 8, RO), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va, 0, RO), CAIRN_E_INVALID_ARGUMENT);
    /* Outside the object, including sums that would wrap. */
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, h, PAGE, va, 2 * PAGE, RO),
               CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, h, 2 * PAGE, va, PAGE, RO),
               CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, h, ~0ull & ~(PAGE - 1), va, PAGE, RO),
               CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(
        cairn_vm_map(CAIRN_PROCESS_SELF, h, PAGE, va, ~0ull & ~(PAGE - 1) & ((1ull << 40) - 1), RO),
        CAIRN_E_INVALID_ARGUMENT);
    /* Outside [CAIRN_VM_USER_BASE, CAIRN_VM_USER_END), or wrapping. */
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, 0, PAGE, RO), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, CAIRN_VM_USER_BASE - PAGE, PAGE, RO),
               CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, CAIRN_VM_USER_END, PAGE, RO),
               CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, CAIRN_VM_USER_END - PAGE, 2 * PAGE, RO),
               CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, 0xffff800000000000ull, PAGE, RO),
               CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, ~0ull & ~(PAGE - 1), 2 * PAGE, RO),
               CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va, ~0ull & ~(PAGE - 1), RO),
               CAIRN_E_BAD_ADDRESS);
    /* Both ends of the window are usable. */
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, CAIRN_VM_USER_BASE, PAGE, RO),
              CAIRN_VM_USER_BASE);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, CAIRN_VM_USER_END - PAGE, PAGE, RO),
              CAIRN_VM_USER_END - PAGE);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, CAIRN_VM_USER_BASE, PAGE), 0);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, CAIRN_VM_USER_END - PAGE, PAGE), 0);
    cairn_handle_close(h);
}

KTEST(map_refuses_pages_already_mapped, KTEST_QUICK)
{
    static uint64_t in_data;
    uint64_t va = region(7);
    long h = cairn_memory_create(4 * PAGE);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va, 2 * PAGE, RW), va);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va, PAGE, RO), CAIRN_E_BUSY);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va + PAGE, 2 * PAGE, RO), CAIRN_E_BUSY);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va - PAGE, 2 * PAGE, RO), CAIRN_E_BUSY);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va - PAGE, 4 * PAGE, RO), CAIRN_E_BUSY);
    /* The program's own pages are taken too. */
    uint64_t text = (uint64_t)cairn_memory_create & ~(PAGE - 1);
    uint64_t data = (uint64_t)&in_data & ~(PAGE - 1);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, text, PAGE, RO), CAIRN_E_BUSY);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, data, PAGE, RO), CAIRN_E_BUSY);
    /* Right next to a mapping is free. */
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 2 * PAGE, va - PAGE, PAGE, RO), va - PAGE);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 3 * PAGE, va + 2 * PAGE, PAGE, RO),
              va + 2 * PAGE);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va - PAGE, 4 * PAGE),
              0); /* three mappings, no hole */
    cairn_handle_close(h);
}

KTEST(unmap_and_protect_reject_bad_ranges, KTEST_QUICK)
{
    uint64_t va = region(8);
    uint64_t text = (uint64_t)cairn_memory_create & ~(PAGE - 1);
    long h = filled_object(PAGE, va, 5);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va, PAGE, RO), va);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va + 2 * PAGE, PAGE, RO), va + 2 * PAGE);

    EXPECT_ERR(cairn_vm_unmap(CAIRN_PROCESS_SELF, va + 8, PAGE), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, PAGE - 8), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, 0), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_vm_unmap(CAIRN_PROCESS_SELF, ~0ull & ~(PAGE - 1), 2 * PAGE),
               CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_vm_unmap(CAIRN_PROCESS_SELF, 0xffff800000000000ull, PAGE),
               CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_vm_unmap(CAIRN_PROCESS_SELF, 0, PAGE), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_vm_unmap(CAIRN_PROCESS_SELF, va + 16 * PAGE, PAGE), CAIRN_E_NOT_FOUND);
    EXPECT_ERR(cairn_vm_unmap(CAIRN_PROCESS_SELF, text, PAGE),
               CAIRN_E_NOT_FOUND); /* not a vm_map mapping */
    EXPECT_ERR(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, 3 * PAGE),
               CAIRN_E_NOT_FOUND); /* a hole in the middle */

    EXPECT_ERR(cairn_vm_protect(CAIRN_PROCESS_SELF, va + 8, PAGE, RO), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_vm_protect(CAIRN_PROCESS_SELF, va, 0, RO), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_vm_protect(CAIRN_PROCESS_SELF, ~0ull & ~(PAGE - 1), 2 * PAGE, RO),
               CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_vm_protect(CAIRN_PROCESS_SELF, text, PAGE, RO), CAIRN_E_NOT_FOUND);
    EXPECT_ERR(cairn_vm_protect(CAIRN_PROCESS_SELF, va, 3 * PAGE, RW), CAIRN_E_NOT_FOUND);

    /* Failed calls changed nothing. */
    EXPECT_EQ(*word(va), 5);
    EXPECT_EQ(*word(va + 2 * PAGE), 5);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, PAGE), 0);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va + 2 * PAGE, PAGE), 0);
    cairn_handle_close(h);
}

KTEST(unmap_splits_mappings, KTEST_QUICK)
{
    uint64_t va = region(9);
    long h = filled_object(4 * PAGE, va, 1);
    long other = filled_object(2 * PAGE, va, 10);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va, 4 * PAGE, RO), va);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va + PAGE, 2 * PAGE), 0);
    EXPECT_EQ(*word(va), 1);
    EXPECT_EQ(*word(va + 3 * PAGE), 4);
    EXPECT_ERR(cairn_vm_unmap(CAIRN_PROCESS_SELF, va + PAGE, PAGE), CAIRN_E_NOT_FOUND);
    /* The hole is free for another object. */
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, other, 0, va + PAGE, 2 * PAGE, RO), va + PAGE);
    EXPECT_EQ(*word(va + PAGE), 10);
    EXPECT_EQ(*word(va + 2 * PAGE), 11);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, 4 * PAGE), 0);
    EXPECT_ERR(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, PAGE), CAIRN_E_NOT_FOUND);
    cairn_handle_close(h);
    cairn_handle_close(other);
}

KTEST(protect_read_only_and_back, KTEST_QUICK)
{
    uint64_t va = region(10);
    long h = cairn_memory_create(3 * PAGE);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va, 3 * PAGE, RW), va);
    *word(va) = 123;
    EXPECT_EQ(cairn_vm_protect(CAIRN_PROCESS_SELF, va, 3 * PAGE, RO), 0);
    EXPECT_EQ(*word(va), 123);
    EXPECT_EQ(cairn_vm_protect(CAIRN_PROCESS_SELF, va, 3 * PAGE, RW), 0);
    *word(va) = 456;
    EXPECT_EQ(*word(va), 456);
    /* The middle page alone: the mapping is split in three. */
    EXPECT_EQ(cairn_vm_protect(CAIRN_PROCESS_SELF, va + PAGE, PAGE, RO), 0);
    *word(va + 2 * PAGE) = 789;
    EXPECT_EQ(*word(va + PAGE), 0);
    EXPECT_EQ(cairn_vm_protect(CAIRN_PROCESS_SELF, va + PAGE, PAGE, RW), 0);
    *word(va + PAGE) = 1;
    EXPECT_EQ(*word(va + PAGE) + *word(va + 2 * PAGE), 790);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, 3 * PAGE), 0);
    cairn_handle_close(h);
}

/* Takes a snapshot once the heap has a slab of every size class used here. */
static void quiet_snapshot(struct cairn_system_info *before)
{
    long h = cairn_memory_create(PAGE);
    cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, region(11), PAGE, RO);
    cairn_vm_unmap(CAIRN_PROCESS_SELF, region(11), PAGE);
    cairn_handle_close(h);
    cairn_sleep(2000000);
    cairn_system_info(before);
}

KTEST(object_outlives_its_handle_while_mapped, KTEST_QUICK)
{
    struct cairn_system_info before;
    struct cairn_handle_info info;
    uint64_t va = region(12);
    quiet_snapshot(&before);
    long h = cairn_memory_create(8 * PAGE);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va, 8 * PAGE, RW), va);
    *word(va + 7 * PAGE) = 99;
    EXPECT_EQ(cairn_handle_close(h), 0);
    EXPECT_ERR(cairn_handle_info(h, &info), CAIRN_E_BAD_HANDLE);
    EXPECT_EQ(*word(va + 7 * PAGE), 99);
    *word(va) = 98;
    EXPECT_EQ(*word(va), 98);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, 8 * PAGE), 0); /* the last reference */
    EXPECT_TRUE(kt_memory_back_to(&before));
}

KTEST(large_mapping_across_table_boundaries, KTEST_QUICK)
{
    struct cairn_system_info before;
    uint64_t size = 8 * MIB, va = region(14) - 4 * MIB; /* straddles 1 GiB */
    quiet_snapshot(&before);
    long h = cairn_memory_create(size);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va, size, RW), va);
    for (uint64_t off = 0; off < size; off += PAGE)
        *word(va + off) = off;
    bool kept = true;
    for (uint64_t off = 0; off < size; off += PAGE)
        kept &= *word(va + off) == off;
    EXPECT_TRUE(kept);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, size), 0);
    EXPECT_EQ(cairn_handle_close(h), 0);
    EXPECT_TRUE(kt_memory_back_to(&before));
}

/* Readers on every CPU cache a translation, the main thread replaces what
 * it maps, and each reader must then see the new page: without a shootdown
 * a reader on another CPU would still read the old one. */
static struct {
    uint64_t va;
    int ready; /* atomic */
    int go;    /* atomic */
    uint64_t seen[KT_MAX_THREADS];
} probe;

static void probe_reader(uint64_t index)
{
    bool saw_old = true;
    for (int i = 0; i < 1000; i++)
        saw_old &= *word(probe.va) == 100;
    __atomic_fetch_add(&probe.ready, 1, __ATOMIC_RELEASE);
    while (!__atomic_load_n(&probe.go, __ATOMIC_ACQUIRE))
        cairn_yield(); /* a yield keeps this address space loaded: no flush */
    probe.seen[index] = saw_old ? *word(probe.va) : 0;
    kt_thread_done();
}

KTEST(remap_is_seen_on_every_cpu, KTEST_QUICK)
{
    uint64_t va = region(15);
    long old = filled_object(PAGE, va, 100), new = filled_object(PAGE, va, 200);
    unsigned readers = kt_cpus() < KT_MAX_THREADS ? kt_cpus() : KT_MAX_THREADS;
    probe.va = va;
    probe.ready = 0;
    probe.go = 0;
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, old, 0, va, PAGE, RO), va);
    for (unsigned i = 0; i < readers; i++)
        EXPECT_TRUE(kt_spawn(probe_reader, i, i) > 0);
    while (__atomic_load_n(&probe.ready, __ATOMIC_ACQUIRE) < (int)readers)
        cairn_sleep(1000000);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, PAGE), 0);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, new, 0, va, PAGE, RO), va);
    __atomic_store_n(&probe.go, 1, __ATOMIC_RELEASE);
    kt_join((int)readers);
    for (unsigned i = 0; i < readers; i++)
        EXPECT_EQ(probe.seen[i], 200);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, PAGE), 0);
    cairn_handle_close(old);
    cairn_handle_close(new);
}

static void one_memory_round(uint64_t va)
{
    long h = cairn_memory_create(3 * PAGE);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va, 3 * PAGE, RW), va);
    *word(va + 2 * PAGE) = 42;
    EXPECT_EQ(cairn_vm_protect(CAIRN_PROCESS_SELF, va + PAGE, PAGE, RO), 0); /* three records */
    EXPECT_EQ(*word(va + 2 * PAGE), 42);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, 3 * PAGE), 0);
    EXPECT_EQ(cairn_handle_close(h), 0);
}

static void memory_rounds_leave_no_trace(int rounds)
{
    struct cairn_system_info before;
    quiet_snapshot(&before);
    for (int i = 0; i < rounds; i++)
        one_memory_round(region(16) + (uint64_t)(i % 4) * (1ull << 30));
    EXPECT_TRUE(kt_memory_back_to(&before));
}

KTEST(memory_rounds_leak_nothing, KTEST_QUICK)
{
    memory_rounds_leave_no_trace(100);
}

KTEST(memory_1000_rounds_leak_nothing, KTEST_FULL)
{
    memory_rounds_leave_no_trace(1000);
}

KTEST(memory_quota_exhaustion_fails_cleanly, KTEST_QUICK)
{
    enum { MAX_OBJECTS = 512 };
    static long objects[MAX_OBJECTS];
    struct cairn_system_info before;
    int made = 0, big = 0;
    long err = 0;
    quiet_snapshot(&before);
    /* Megabytes until the quota refuses, then single pages to fill it up. */
    while (made < MAX_OBJECTS && (err = cairn_memory_create(MIB)) > 0)
        objects[made++] = err;
    EXPECT_ERR(err, CAIRN_E_QUOTA);
    big = made;
    EXPECT_TRUE(big >= 8 && big <= 16);
    while (made < MAX_OBJECTS && (err = cairn_memory_create(PAGE)) > 0)
        objects[made++] = err;
    EXPECT_ERR(err, CAIRN_E_QUOTA);
    EXPECT_TRUE(made > big);
    /* A mapping in an empty gigabyte needs three new page tables: no room. */
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, objects[0], 0, region(20), PAGE, RO),
               CAIRN_E_QUOTA);
    /* The process carries on, and everything comes back. */
    EXPECT_EQ(cairn_null(), 0);
    for (int i = 0; i < made; i++)
        cairn_handle_close(objects[i]);
    EXPECT_TRUE(kt_memory_back_to(&before));
    long h = cairn_memory_create(MIB);
    EXPECT_TRUE(h > 0);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, region(20), MIB, RW), region(20));
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, region(20), MIB), 0);
    cairn_handle_close(h);
}
