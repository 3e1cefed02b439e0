/*
 * exhaustion.c - a full handle table (NO_HANDLES) and a spent kernel-memory
 * quota (QUOTA) for every call that can meet them: each fails cleanly,
 * leaves nothing behind (no object, no thread that runs, no memory) and
 * works again once handles or memory are given back.
 */
#include "ktest.h"
#include "leak.h"
#include <cairn/error.h>
#include <cairn/system.h>
#include <cairn/vm.h>
#include <rt/ipc.h>

#define PAGE CAIRN_PAGE_SIZE
#define MIB  (1ull << 20)
#define MS   1000000ull
#define RO   CAIRN_PROT_READ
#define RW   (CAIRN_PROT_READ | CAIRN_PROT_WRITE)

#define MAX_HANDLES 4200 /* more than a table holds (4096) */

void kt_signal_and_exit(void);
void kt_call_and_exit(void);

static uint8_t stub_stack[256] __attribute__((aligned(16)));
#define STUB_RSP ((uint64_t)(stub_stack + sizeof(stub_stack) - 16))

static long filler[MAX_HANDLES];
static int filled;

/* This file's mappings live in their own gigabyte. */
#define EXHAUST_VA 0x530000000000ull

/* Duplicates src until the table is full; the last result must be
 * NO_HANDLES. */
static void fill_handle_table(long src)
{
    long h = 0;
    filled = 0;
    while (filled < MAX_HANDLES && (h = cairn_handle_duplicate(src, CAIRN_RIGHT_SIGNAL)) > 0)
        filler[filled++] = h;
    EXPECT_ERR(h, CAIRN_E_NO_HANDLES);
}

static void drain_handle_table(void)
{
    for (int i = 0; i < filled; i++)
        EXPECT_EQ(cairn_handle_close(filler[i]), 0);
    filled = 0;
}

KTEST(handle_table_full_refuses_duplicate, KTEST_QUICK)
{
    long n = cairn_notification_create();
    fill_handle_table(n);
    EXPECT_TRUE(filled > 3000);
    EXPECT_ERR(cairn_handle_duplicate(n, 0), CAIRN_E_NO_HANDLES);
    EXPECT_EQ(cairn_notification_signal(filler[filled - 1], 1), 0); /* the last one works */
    drain_handle_table();
    EXPECT_EQ(cairn_notification_wait(n, 0), 1);
    cairn_handle_close(n);
}

KTEST(handle_table_full_refuses_mint, KTEST_QUICK)
{
    long e = cairn_endpoint_create();
    fill_handle_table(e);
    EXPECT_ERR(cairn_handle_mint(e, CAIRN_RIGHT_SIGNAL, 5), CAIRN_E_NO_HANDLES);
    drain_handle_table();
    long badged = cairn_handle_mint(e, CAIRN_RIGHT_SIGNAL, 5);
    EXPECT_TRUE(badged > 0);
    cairn_handle_close(badged);
    cairn_handle_close(e);
}

/* Fills the table, checks that create() fails with NO_HANDLES and leaves
 * kernel memory as it was, then that it works once handles are back. */
static void full_table_refuses(long (*create)(void))
{
    struct cairn_system_info before;
    long n = cairn_notification_create();
    long warm = create(); /* the heap has a slab for the object */
    cairn_handle_close(warm);
    fill_handle_table(n);
    cairn_system_info(&before);
    EXPECT_ERR(create(), CAIRN_E_NO_HANDLES);
    EXPECT_ERR(create(), CAIRN_E_NO_HANDLES);
    EXPECT_TRUE(kt_memory_back_to(&before));
    drain_handle_table();
    long h = create();
    EXPECT_TRUE(h > 0);
    cairn_handle_close(h);
    cairn_handle_close(n);
}

static long create_notification(void)
{
    return cairn_notification_create();
}

static long create_endpoint(void)
{
    return cairn_endpoint_create();
}

static long create_memory(void)
{
    return cairn_memory_create(16 * PAGE);
}

KTEST(handle_table_full_refuses_notification_create, KTEST_QUICK)
{
    full_table_refuses(create_notification);
}

KTEST(handle_table_full_refuses_endpoint_create, KTEST_QUICK)
{
    full_table_refuses(create_endpoint);
}

KTEST(handle_table_full_refuses_memory_create, KTEST_QUICK)
{
    full_table_refuses(create_memory);
}

KTEST(handle_table_full_refuses_thread_create_and_no_thread_runs, KTEST_QUICK)
{
    struct cairn_system_info before;
    long n = cairn_notification_create();
    fill_handle_table(n);
    cairn_system_info(&before);
    EXPECT_ERR(
        kt_thread_create((uint64_t)kt_signal_and_exit, STUB_RSP, (uint64_t)n, 1, RT_AFFINITY_ANY),
        CAIRN_E_NO_HANDLES);
    EXPECT_TRUE(kt_memory_back_to(&before));
    drain_handle_table();
    EXPECT_ERR(cairn_notification_wait(n, 10 * MS), CAIRN_E_TIMED_OUT);
    long t =
        kt_thread_create((uint64_t)kt_signal_and_exit, STUB_RSP, (uint64_t)n, 1, RT_AFFINITY_ANY);
    EXPECT_TRUE(t > 0);
    EXPECT_EQ(cairn_notification_wait(n, UINT64_MAX), 1);
    cairn_handle_close(t);
    cairn_handle_close(n);
}

KTEST(handle_table_holds_as_many_after_draining, KTEST_QUICK)
{
    long n = cairn_notification_create();
    fill_handle_table(n);
    int first = filled;
    drain_handle_table();
    fill_handle_table(n);
    EXPECT_EQ(filled, first);
    drain_handle_table();
    cairn_handle_close(n);
}

/* --- the quota ------------------------------------------------------------- */

static long spent[1024];
static int nspent;
static long record_filler;

/* A mapping whose records take the quota's last bytes (see spend_quota). */
#define FILLER_VA    (EXHAUST_VA + 0x100000000ull)
#define FILLER_PAGES 256

static uint64_t filler_next_page; /* the next page of the filler to protect */

/* Splits the record filler once more; false once the quota refuses. */
static bool spend_on_records(void)
{
    if (filler_next_page >= FILLER_PAGES - 1)
        return false;
    long r = cairn_vm_protect(CAIRN_PROCESS_SELF, FILLER_VA + filler_next_page * PAGE, PAGE, RO);
    EXPECT_TRUE(r == 0 || r == -CAIRN_E_QUOTA);
    if (r == 0)
        filler_next_page += 2;
    return r == 0;
}

/* Creates one object with create() and keeps it; false once refused. */
static bool spend_on(long (*create)(void))
{
    long h = nspent < 1024 ? create() : -CAIRN_E_QUOTA;
    EXPECT_TRUE(h > 0 || h == -CAIRN_E_QUOTA);
    if (h > 0)
        spent[nspent++] = h;
    return h > 0;
}

static long one_page(void)
{
    return cairn_memory_create(PAGE);
}

/* Spends the process's quota until nothing small fits any more: big
 * objects first, then pages, notifications, endpoints and mapping records
 * (protecting every other page of a long mapping splits it twice each
 * time) in turn until none of them fits, so that every creating or
 * splitting call is refused whatever each of those costs. */
static void spend_quota(void)
{
    long h = 0;
    nspent = 0;
    record_filler = cairn_memory_create(FILLER_PAGES * PAGE);
    EXPECT_EQ(
        cairn_vm_map(CAIRN_PROCESS_SELF, record_filler, 0, FILLER_VA, FILLER_PAGES * PAGE, RW),
        FILLER_VA);
    while (nspent < 1024 && (h = cairn_memory_create(MIB)) > 0)
        spent[nspent++] = h;
    EXPECT_ERR(h, CAIRN_E_QUOTA);
    filler_next_page = 1;
    while (spend_on(one_page) || spend_on(cairn_notification_create) ||
           spend_on(cairn_endpoint_create) || spend_on_records())
        ;
}

static void give_quota_back(void)
{
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, FILLER_VA, FILLER_PAGES * PAGE), 0);
    EXPECT_EQ(cairn_handle_close(record_filler), 0);
    for (int i = 0; i < nspent; i++)
        EXPECT_EQ(cairn_handle_close(spent[i]), 0);
    nspent = 0;
}

/* A snapshot once the heap has a slab of each size class used here. */
static void quota_snapshot(struct cairn_system_info *before)
{
    spend_quota();
    give_quota_back();
    cairn_sleep(2 * MS);
    cairn_system_info(before);
}

KTEST(quota_spent_refuses_notification_and_endpoint_create, KTEST_QUICK)
{
    struct cairn_system_info before;
    quota_snapshot(&before);
    spend_quota();
    EXPECT_ERR(cairn_notification_create(), CAIRN_E_QUOTA);
    EXPECT_ERR(cairn_endpoint_create(), CAIRN_E_QUOTA);
    EXPECT_EQ(cairn_null(), 0);
    give_quota_back();
    EXPECT_TRUE(kt_memory_back_to(&before));
}

KTEST(quota_spent_refuses_memory_create_of_one_page, KTEST_QUICK)
{
    struct cairn_system_info before;
    quota_snapshot(&before);
    spend_quota();
    EXPECT_ERR(cairn_memory_create(PAGE), CAIRN_E_QUOTA);
    give_quota_back();
    EXPECT_TRUE(kt_memory_back_to(&before));
    long h = cairn_memory_create(8 * MIB);
    EXPECT_TRUE(h > 0);
    cairn_handle_close(h);
}

KTEST(quota_spent_refuses_thread_create, KTEST_QUICK)
{
    struct cairn_system_info before;
    long n = cairn_notification_create();
    quota_snapshot(&before);
    spend_quota();
    EXPECT_ERR(
        kt_thread_create((uint64_t)kt_signal_and_exit, STUB_RSP, (uint64_t)n, 1, RT_AFFINITY_ANY),
        CAIRN_E_QUOTA);
    give_quota_back();
    EXPECT_TRUE(kt_memory_back_to(&before));
    EXPECT_ERR(cairn_notification_wait(n, 0), CAIRN_E_WOULD_BLOCK); /* it never ran */
    cairn_handle_close(n);
}

/* Whether the kernel can read the last byte of va's page (a newline). */
static bool kernel_can_read(uint64_t va)
{
    return cairn_debug_write((const void *)(va + PAGE - 1), 1) == 1;
}

/* Whether the kernel can write a system_info report at va. */
static bool kernel_can_write(uint64_t va)
{
    return cairn_system_info((struct cairn_system_info *)va) == 0;
}

/* Three pages mapped read-write at EXHAUST_VA, each ending in a newline. */
static long map_three_pages(void)
{
    long h = cairn_memory_create(3 * PAGE);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, EXHAUST_VA, 3 * PAGE, RW), EXHAUST_VA);
    for (int i = 1; i <= 3; i++)
        *(volatile char *)(EXHAUST_VA + i * PAGE - 1) = '\n';
    return h;
}

KTEST(quota_spent_refuses_an_unmap_that_splits, KTEST_QUICK)
{
    struct cairn_system_info before;
    quota_snapshot(&before);
    long h = map_three_pages();
    spend_quota();
    EXPECT_ERR(cairn_vm_unmap(CAIRN_PROCESS_SELF, EXHAUST_VA + PAGE, PAGE), CAIRN_E_QUOTA);
    for (int i = 0; i < 3; i++)
        EXPECT_TRUE(kernel_can_read(EXHAUST_VA + i * PAGE)); /* nothing was unmapped */
    give_quota_back();
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, EXHAUST_VA + PAGE, PAGE), 0);
    EXPECT_TRUE(!kernel_can_read(EXHAUST_VA + PAGE));
    EXPECT_TRUE(kernel_can_read(EXHAUST_VA + 2 * PAGE));
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, EXHAUST_VA, PAGE), 0);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, EXHAUST_VA + 2 * PAGE, PAGE), 0);
    cairn_handle_close(h);
    EXPECT_TRUE(kt_memory_back_to(&before));
}

KTEST(quota_spent_refuses_a_protect_that_splits, KTEST_QUICK)
{
    struct cairn_system_info before;
    quota_snapshot(&before);
    long h = map_three_pages();
    spend_quota();
    EXPECT_ERR(cairn_vm_protect(CAIRN_PROCESS_SELF, EXHAUST_VA + PAGE, PAGE, RO), CAIRN_E_QUOTA);
    EXPECT_TRUE(kernel_can_write(EXHAUST_VA + PAGE)); /* still writable */
    give_quota_back();
    EXPECT_EQ(cairn_vm_protect(CAIRN_PROCESS_SELF, EXHAUST_VA + PAGE, PAGE, RO), 0);
    EXPECT_TRUE(!kernel_can_write(EXHAUST_VA + PAGE));
    EXPECT_TRUE(kernel_can_write(EXHAUST_VA + 2 * PAGE));
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, EXHAUST_VA, 3 * PAGE), 0);
    cairn_handle_close(h);
    EXPECT_TRUE(kt_memory_back_to(&before));
}

KTEST(quota_spent_still_allows_whole_unmaps_and_protects, KTEST_QUICK)
{
    struct cairn_system_info before;
    quota_snapshot(&before);
    long h = map_three_pages();
    spend_quota();
    EXPECT_EQ(cairn_vm_protect(CAIRN_PROCESS_SELF, EXHAUST_VA, 3 * PAGE, RO), 0);
    EXPECT_TRUE(!kernel_can_write(EXHAUST_VA));
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, EXHAUST_VA, 3 * PAGE), 0);
    EXPECT_TRUE(!kernel_can_read(EXHAUST_VA));
    give_quota_back();
    cairn_handle_close(h);
    EXPECT_TRUE(kt_memory_back_to(&before));
}

KTEST(handle_table_fill_and_drain_20_times_leaks_nothing, KTEST_FULL)
{
    struct cairn_system_info before;
    long n = cairn_notification_create();
    fill_handle_table(n); /* the table's chunks stay once allocated */
    int first = filled;
    drain_handle_table();
    cairn_system_info(&before);
    for (int round = 0; round < 20; round++) {
        fill_handle_table(n);
        EXPECT_EQ(filled, first);
        drain_handle_table();
    }
    EXPECT_TRUE(kt_memory_back_to(&before));
    cairn_handle_close(n);
}

KTEST(quota_spend_and_return_20_times_leaks_nothing, KTEST_FULL)
{
    struct cairn_system_info before;
    quota_snapshot(&before);
    int first = 0;
    for (int round = 0; round < 20; round++) {
        spend_quota();
        if (round == 0)
            first = nspent;
        EXPECT_EQ(nspent, first);
        give_quota_back();
    }
    EXPECT_TRUE(kt_memory_back_to(&before));
}

/* Spends the quota and gives it back: how many objects it held, and how
 * many of them were memory objects. */
static void quota_capacity(int *objects, int *memory_objects)
{
    struct cairn_handle_info info;
    spend_quota();
    *objects = nspent;
    *memory_objects = 0;
    for (int i = 0; i < nspent; i++)
        *memory_objects += cairn_handle_info(spent[i], &info) == 0 && info.type == CAIRN_OBJ_MEMORY;
    give_quota_back();
}

/* Page tables a mapping added are charged to the quota, and the charge
 * comes back when they are freed: after many maps and unmaps in fresh
 * regions the process can spend exactly as much as before. */
KTEST(quota_page_table_charges_come_back, KTEST_QUICK)
{
    struct cairn_system_info before;
    int objects_before, memory_before, objects_after, memory_after;
    quota_snapshot(&before);
    quota_capacity(&objects_before, &memory_before);
    long h = cairn_memory_create(PAGE);
    for (uint64_t i = 0; i < 32; i++) {
        uint64_t va = EXHAUST_VA + (i + 1) * (1ull << 39); /* a new top-level entry each */
        EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va, PAGE, RO), va);
        EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, PAGE), 0);
    }
    cairn_handle_close(h);
    quota_capacity(&objects_after, &memory_after);
    EXPECT_EQ(objects_after, objects_before);
    EXPECT_EQ(memory_after, memory_before);
    EXPECT_TRUE(kt_memory_back_to(&before));
}

/* --- ipc_reply_detach ------------------------------------------------------ */

#define CALLERS   3
#define RECV_WAIT (5000 * MS)

/* A stub thread that calls ep once (kt_call_and_exit): each call received
 * here is a reply owed, to detach. */
static long start_caller(long ep)
{
    long t = kt_thread_create((uint64_t)kt_call_and_exit, STUB_RSP, (uint64_t)ep, 32, 0xffffffff);
    EXPECT_TRUE(t > 0);
    return t;
}

KTEST(handle_table_full_refuses_ipc_reply_detach, KTEST_QUICK)
{
    struct cairn_msg m = {0};
    long ep = cairn_endpoint_create();
    long t = start_caller(ep);
    EXPECT_EQ(rt_ipc_recv(ep, RECV_WAIT, &m), 0);
    fill_handle_table(ep);
    EXPECT_ERR(rt_ipc_reply_detach(), CAIRN_E_NO_HANDLES);
    drain_handle_table();
    EXPECT_EQ(rt_ipc_reply(&m), 0); /* still owed, by this thread */
    cairn_handle_close(t);
    cairn_handle_close(ep);
}

/* The quota's last bytes may still hold a reply object: those that fit
 * are made, until the refusal, which leaves the reply owed. */
KTEST(quota_spent_refuses_ipc_reply_detach, KTEST_QUICK)
{
    struct cairn_system_info before;
    struct cairn_msg m = {0};
    long callers[CALLERS], replies[CALLERS];
    int answered = 0, nreplies = 0;
    long refused = 0;
    quota_snapshot(&before);
    long ep = cairn_endpoint_create();
    for (int i = 0; i < CALLERS; i++)
        callers[i] = start_caller(ep);
    spend_quota();
    while (!refused && answered < CALLERS && rt_ipc_recv(ep, RECV_WAIT, &m) == 0) {
        long r = rt_ipc_reply_detach();
        if (r > 0)
            replies[nreplies++] = r;
        else
            refused = r;
        answered++;
    }
    EXPECT_ERR(refused, CAIRN_E_QUOTA);
    EXPECT_EQ(rt_ipc_reply(&m), 0);
    for (int i = 0; i < nreplies; i++)
        EXPECT_EQ(rt_ipc_reply_to(replies[i], &m), 0);
    for (; answered < CALLERS; answered++) {
        EXPECT_EQ(rt_ipc_recv(ep, RECV_WAIT, &m), 0);
        EXPECT_EQ(rt_ipc_reply(&m), 0);
    }
    give_quota_back();
    for (int i = 0; i < CALLERS; i++)
        cairn_handle_close(callers[i]);
    cairn_handle_close(ep);
    EXPECT_TRUE(kt_memory_back_to(&before));
}
