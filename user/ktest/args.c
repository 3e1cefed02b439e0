/*
 * args.c - the pointer arguments of debug_write (input), handle_info and
 * system_info (outputs): NULL, unmapped, kernel, non-canonical, wrapping
 * and straddling pointers fail with BAD_ADDRESS; outputs into read-only
 * memory fail the same way; misaligned pointers are fine. No pointer here
 * is ever dereferenced by the test itself where it would fault.
 */
#include "ktest.h"
#include <cairn/abi.h>
#include <cairn/error.h>
#include <cairn/system.h>
#include <cairn/vm.h>

#define PAGE      CAIRN_PAGE_SIZE
#define USER_TOP  0x00007fffffffe000ull /* kernel/arch/x86_64/include/arch/layout.h */
#define NON_CANON 0x0000800000000000ull
#define KERNEL    0xffff800000000000ull
#define RO        CAIRN_PROT_READ
#define RW        (CAIRN_PROT_READ | CAIRN_PROT_WRITE)

/* This file's mappings live in their own gigabyte. */
#define ARGS_VA 0x510000000000ull

/* A page of memory mapped read-write at ARGS_VA and read-only right after
 * it, then an unmapped page: *rw and *ro are the two views. */
static long map_views(uint64_t *rw, uint64_t *ro)
{
    long h = cairn_memory_create(PAGE);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, ARGS_VA, PAGE, RW), ARGS_VA);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, ARGS_VA + PAGE, PAGE, RO), ARGS_VA + PAGE);
    *rw = ARGS_VA;
    *ro = ARGS_VA + PAGE;
    return h;
}

static void unmap_views(long h)
{
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, ARGS_VA, 2 * PAGE), 0);
    cairn_handle_close(h);
}

static bool page_is_zero(uint64_t va)
{
    bool zero = true;
    for (uint64_t off = 0; off < PAGE; off += 8)
        zero &= *(volatile uint64_t *)(va + off) == 0;
    return zero;
}

KTEST(debug_write_accepts_the_maximum_length, KTEST_QUICK)
{
    static char text[CAIRN_DEBUG_WRITE_MAX];
    static const char line[] = "ktest: debug_write of 4096 bytes, 64 lines of 64 ..............\n";
    _Static_assert(sizeof(line) - 1 == 64, "a line is 64 bytes");
    for (unsigned i = 0; i < sizeof(text); i++)
        text[i] = line[i % 64];
    EXPECT_EQ(cairn_debug_write(text, sizeof(text)), CAIRN_DEBUG_WRITE_MAX);
}

KTEST(debug_write_rejects_null_with_a_length, KTEST_QUICK)
{
    EXPECT_ERR(cairn_debug_write(NULL, 1), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_debug_write(NULL, CAIRN_DEBUG_WRITE_MAX), CAIRN_E_BAD_ADDRESS);
    EXPECT_EQ(cairn_debug_write(NULL, 0), 0);
}

KTEST(debug_write_rejects_non_canonical_and_kernel_addresses, KTEST_QUICK)
{
    EXPECT_ERR(cairn_debug_write((void *)NON_CANON, 1), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_debug_write((void *)0x8000000000000000ull, 1), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_debug_write((void *)KERNEL, 1), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_debug_write((void *)(USER_TOP - 4), 8), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_debug_write((void *)(NON_CANON - 8), 16), CAIRN_E_BAD_ADDRESS);
}

KTEST(debug_write_rejects_a_buffer_running_into_an_unmapped_page, KTEST_QUICK)
{
    static const char text[] = "ktest: in-page\n";
    uint64_t rw, ro;
    long h = map_views(&rw, &ro);
    char *end = (char *)(ro + PAGE - (sizeof(text) - 1));
    for (unsigned i = 0; i < sizeof(text) - 1; i++)
        ((volatile char *)(rw + PAGE - (sizeof(text) - 1)))[i] = text[i];
    EXPECT_EQ(cairn_debug_write(end, sizeof(text) - 1), sizeof(text) - 1);
    EXPECT_ERR(cairn_debug_write(end, sizeof(text)), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_debug_write((void *)(ro + PAGE), 1), CAIRN_E_BAD_ADDRESS);
    unmap_views(h);
}

KTEST(debug_write_reads_read_only_memory, KTEST_QUICK)
{
    static const char text[] = "ktest: from a read-only mapping\n";
    uint64_t rw, ro;
    long h = map_views(&rw, &ro);
    for (unsigned i = 0; i < sizeof(text) - 1; i++)
        ((volatile char *)rw)[i] = text[i];
    EXPECT_EQ(cairn_debug_write((void *)ro, sizeof(text) - 1), sizeof(text) - 1);
    unmap_views(h);
}

KTEST(handle_info_rejects_a_null_pointer, KTEST_QUICK)
{
    long n = cairn_notification_create();
    EXPECT_ERR(cairn_handle_info(n, NULL), CAIRN_E_BAD_ADDRESS);
    cairn_handle_close(n);
}

KTEST(handle_info_rejects_non_canonical_and_kernel_pointers, KTEST_QUICK)
{
    long n = cairn_notification_create();
    EXPECT_ERR(cairn_handle_info(n, (void *)NON_CANON), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_handle_info(n, (void *)0x8000000000000000ull), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_handle_info(n, (void *)0xffffffff80000000ull), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_handle_info(n, (void *)(USER_TOP - 8)), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_handle_info(n, (void *)~0ull), CAIRN_E_BAD_ADDRESS); /* wraps */
    cairn_handle_close(n);
}

KTEST(handle_info_rejects_read_only_memory, KTEST_QUICK)
{
    uint64_t rw, ro;
    long h = map_views(&rw, &ro);
    EXPECT_ERR(cairn_handle_info(h, (void *)ro), CAIRN_E_BAD_ADDRESS);
    EXPECT_TRUE(page_is_zero(rw));
    /* The program's own text is read-only too. */
    EXPECT_ERR(cairn_handle_info(h, (void *)(uint64_t)cairn_handle_info), CAIRN_E_BAD_ADDRESS);
    unmap_views(h);
}

KTEST(handle_info_rejects_a_struct_running_into_an_unmapped_page, KTEST_QUICK)
{
    uint64_t rw, ro;
    long h = map_views(&rw, &ro);
    (void)ro;
    EXPECT_ERR(cairn_handle_info(h, (void *)(rw + 2 * PAGE - 8)), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_handle_info(h, (void *)(rw + 2 * PAGE)), CAIRN_E_BAD_ADDRESS);
    /* The last whole struct of the writable page is fine. */
    void *last = (void *)(rw + PAGE - sizeof(struct cairn_handle_info));
    EXPECT_EQ(cairn_handle_info(h, last), 0);
    EXPECT_EQ(((struct cairn_handle_info *)last)->type, CAIRN_OBJ_MEMORY);
    unmap_views(h);
}

KTEST(handle_info_accepts_a_misaligned_pointer, KTEST_QUICK)
{
    static uint8_t buffer[sizeof(struct cairn_handle_info) + 8] __attribute__((aligned(8)));
    struct cairn_handle_info info;
    long n = cairn_notification_create();
    EXPECT_EQ(cairn_handle_info(n, (void *)(buffer + 3)), 0);
    __builtin_memcpy(&info, buffer + 3, sizeof(info));
    EXPECT_EQ(info.type, CAIRN_OBJ_NOTIFICATION);
    EXPECT_EQ(info.badge, 0);
    cairn_handle_close(n);
}

KTEST(system_info_reports_plausible_numbers, KTEST_QUICK)
{
    struct cairn_system_info info = {0};
    EXPECT_EQ(cairn_system_info(&info), 0);
    EXPECT_TRUE(info.cpus >= 1 && info.cpus <= 256);
    EXPECT_TRUE(info.frames_total > 0);
    EXPECT_TRUE(info.frames_free > 0 && info.frames_free <= info.frames_total);
    EXPECT_TRUE(info.heap_pages > 0);
    EXPECT_TRUE(info.heap_bytes > 0 && info.heap_bytes <= info.heap_pages * PAGE);
}

KTEST(system_info_rejects_null_and_kernel_pointers, KTEST_QUICK)
{
    EXPECT_ERR(cairn_system_info(NULL), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_system_info((void *)KERNEL), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_system_info((void *)NON_CANON), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_system_info((void *)(USER_TOP - 8)), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_system_info((void *)(~0ull - 16)), CAIRN_E_BAD_ADDRESS);
}

KTEST(system_info_rejects_read_only_memory, KTEST_QUICK)
{
    uint64_t rw, ro;
    long h = map_views(&rw, &ro);
    EXPECT_ERR(cairn_system_info((void *)ro), CAIRN_E_BAD_ADDRESS);
    EXPECT_TRUE(page_is_zero(rw));
    EXPECT_ERR(cairn_system_info((void *)(uint64_t)cairn_system_info), CAIRN_E_BAD_ADDRESS);
    EXPECT_EQ(cairn_system_info((void *)rw), 0);
    EXPECT_TRUE(((struct cairn_system_info *)rw)->cpus >= 1);
    unmap_views(h);
}

KTEST(system_info_rejects_a_struct_running_into_an_unmapped_page, KTEST_QUICK)
{
    uint64_t rw, ro;
    long h = map_views(&rw, &ro);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, ro, PAGE), 0);
    EXPECT_ERR(cairn_system_info((void *)(rw + PAGE - 8)), CAIRN_E_BAD_ADDRESS);
    EXPECT_EQ(cairn_system_info((void *)(rw + PAGE - sizeof(struct cairn_system_info))), 0);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, rw, PAGE), 0);
    cairn_handle_close(h);
}

KTEST(system_info_shows_the_frames_a_memory_object_takes, KTEST_QUICK)
{
    struct cairn_system_info before, during, after;
    cairn_sleep(2000000); /* let threads of earlier tests be reaped */
    cairn_system_info(&before);
    long h = cairn_memory_create(256 * PAGE);
    EXPECT_TRUE(h > 0);
    cairn_system_info(&during);
    EXPECT_TRUE((int64_t)(before.frames_free - during.frames_free) >= 256);
    EXPECT_EQ(cairn_handle_close(h), 0);
    cairn_system_info(&after);
    EXPECT_TRUE((int64_t)(after.frames_free - during.frames_free) >= 256);
}
