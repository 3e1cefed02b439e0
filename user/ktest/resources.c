/*
 * resources.c - kernel memory: creating and destroying every object type,
 * and processes with threads, leaves free frames and heap use exactly as
 * they were; the quota stops a process that asks for too much, cleanly;
 * bad thread arguments fail.
 */
#include "child.h"
#include "ktest.h"
#include "leak.h"
#include <cairn/error.h>
#include <cairn/irq.h>
#include <cairn/ioport.h>
#include <cairn/startup.h>
#include <cairn/vm.h>
#include <cairn/process.h>
#include <cairn/system.h>
#include <rt/ipc.h>

void kt_signal_and_exit(void);
void kt_wait_and_exit(void);
void kt_call_and_exit(void);

/* The stub threads never touch their stack; they still need a valid RSP. */
static uint8_t shared_stack[256] __attribute__((aligned(16)));
#define SHARED_RSP ((uint64_t)(shared_stack + sizeof(shared_stack) - 8))

/* The heap keeps an empty slab per size class for reuse, so free frames
 * alone move with its caching: a frame leak shows in the frames neither
 * free nor held by the heap, a heap leak in the heap's bytes in use. */
bool kt_same_memory(const struct cairn_system_info *a, const struct cairn_system_info *b)
{
    return a->frames_free + a->heap_pages == b->frames_free + b->heap_pages &&
           a->heap_bytes == b->heap_bytes;
}

bool kt_memory_back_to(const struct cairn_system_info *before)
{
    /* Dead threads are reaped by the next thread on their CPU: allow a
     * moment for that before calling it a leak. */
    for (int tries = 0; tries < 200; tries++) {
        struct cairn_system_info now;
        cairn_system_info(&now);
        if (kt_same_memory(&now, before))
            return true;
        cairn_sleep(1000000);
    }
    return false;
}

#define ROUND_VA      0x540000000000ull /* two pages no other test maps */
#define QUIET_ISA_IRQ 3                 /* COM2: no device raises it here */
#define POST_PORT     0x80

/* A memory object mapped, cloned copy-on-write, the clone mapped and
 * written (so a frame is copied), then all of it undone. */
static void one_round_of_memory(void)
{
    const uint64_t rw = CAIRN_PROT_READ | CAIRN_PROT_WRITE;
    long m = cairn_memory_create(4096);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, m, 0, ROUND_VA, 4096, rw), ROUND_VA);
    *(volatile uint64_t *)ROUND_VA = 1;
    long clone = cairn_memory_clone(m, 0, 4096);
    EXPECT_TRUE(clone > 0);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, clone, 0, ROUND_VA + 4096, 4096, rw),
              ROUND_VA + 4096);
    *(volatile uint64_t *)(ROUND_VA + 4096) = 2;
    EXPECT_EQ(*(volatile uint64_t *)ROUND_VA, 1);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, ROUND_VA, 2 * 4096), 0);
    cairn_handle_close(clone);
    cairn_handle_close(m);
}

/* An irq object on a line nothing raises, and an io-port range opened in
 * this process's I/O bitmap, from the boot program's controls. */
static void one_round_of_devices(long n)
{
    long irq = cairn_irq_create(rt_startup_handle(CAIRN_AT_IRQ_CONTROL), QUIET_ISA_IRQ,
                                CAIRN_IRQ_ISA, n, 1);
    long io = cairn_ioport_create(rt_startup_handle(CAIRN_AT_IOPORT_CONTROL), POST_PORT, 1);
    EXPECT_TRUE(irq > 0 && io > 0);
    EXPECT_EQ(cairn_ioport_enable(io), 0);
    cairn_handle_close(io);
    cairn_handle_close(irq);
}

/* A reply object: a stub thread calls e, and the reply this thread then
 * owes is detached and given through the reply handle. */
static void one_round_of_reply(long e)
{
    struct cairn_msg m = {0};
    long t = kt_thread_create((uint64_t)kt_call_and_exit, SHARED_RSP, (uint64_t)e, 32, 0xffffffff);
    EXPECT_TRUE(t > 0);
    EXPECT_EQ(rt_ipc_recv(e, 5000000000ull, &m), 0);
    long r = rt_ipc_reply_detach();
    EXPECT_TRUE(r > 0);
    EXPECT_EQ(rt_ipc_reply_to(r, &m), 0);
    cairn_handle_close(t);
}

static void one_round_of_every_object(void)
{
    long n = cairn_notification_create();
    long e = cairn_endpoint_create();
    long dup = cairn_handle_duplicate(n, CAIRN_RIGHT_SIGNAL);
    long minted = cairn_handle_mint(e, CAIRN_RIGHT_SIGNAL, 42);
    long t =
        kt_thread_create((uint64_t)kt_signal_and_exit, SHARED_RSP, (uint64_t)n, 32, 0xffffffff);
    EXPECT_TRUE(n > 0 && e > 0 && dup > 0 && minted > 0 && t > 0);
    EXPECT_EQ(cairn_notification_wait(n, UINT64_MAX), 1);
    one_round_of_memory();
    one_round_of_devices(n);
    one_round_of_reply(e);
    EXPECT_EQ(cairn_handle_revoke(n), 0);
    cairn_handle_close(dup);
    cairn_handle_close(minted);
    cairn_handle_close(t);
    cairn_handle_close(e);
    cairn_handle_close(n);
}

static void rounds_leave_no_trace(int rounds)
{
    struct cairn_system_info before;
    one_round_of_every_object(); /* warm the heap's size classes */
    cairn_sleep(2000000);
    cairn_system_info(&before);
    for (int i = 0; i < rounds; i++)
        one_round_of_every_object();
    EXPECT_TRUE(kt_memory_back_to(&before));
}

KTEST(create_destroy_every_object_leaks_nothing, KTEST_QUICK)
{
    rounds_leave_no_trace(100);
}

KTEST(create_destroy_1000_rounds_leaks_nothing, KTEST_FULL)
{
    rounds_leave_no_trace(1000);
}

/* A child process with two threads: one stopped before its first
 * instruction, one that calls exit, which ends the other too. */
static void one_process_round(void)
{
    struct child c;
    int64_t status = -1;
    if (kt_child_new(&c, CHILD_QUOTA)) {
        long stopped = kt_child_start(&c, kt_child_loop, 0, CAIRN_THREAD_SUSPENDED);
        EXPECT_TRUE(stopped > 0);
        EXPECT_TRUE(kt_child_start(&c, kt_child_exit, 3, 0) > 0);
        EXPECT_EQ(kt_child_wait(&c, &status), CAIRN_EXIT_STATUS);
        EXPECT_EQ(status, 3);
        cairn_handle_close(stopped);
    }
    kt_child_free(&c);
}

static void process_rounds_leave_no_trace(int rounds)
{
    struct cairn_system_info before;
    one_process_round(); /* warm the heap's size classes */
    cairn_sleep(2000000);
    cairn_system_info(&before);
    for (int i = 0; i < rounds; i++)
        one_process_round();
    EXPECT_TRUE(kt_memory_back_to(&before));
}

KTEST(process_rounds_leak_nothing, KTEST_QUICK)
{
    process_rounds_leave_no_trace(50);
}

KTEST(process_1000_rounds_leak_nothing, KTEST_FULL)
{
    process_rounds_leave_no_trace(1000);
}

/* Signals n until every waiter of it has ended and memory is as before. */
static bool release_waiters(long n, const struct cairn_system_info *before)
{
    for (int tries = 0; tries < 5000; tries++) {
        struct cairn_system_info now;
        cairn_system_info(&now);
        if (kt_same_memory(&now, before))
            return true;
        cairn_notification_signal(n, 1);
        cairn_sleep(200000);
    }
    struct cairn_system_info now;
    cairn_system_info(&now);
    rt_printf("ktest: memory not back: frames %lu -> %lu, heap %lu -> %lu\n",
              (unsigned long)before->frames_free, (unsigned long)now.frames_free,
              (unsigned long)before->heap_bytes, (unsigned long)now.heap_bytes);
    return false;
}

KTEST(quota_exhaustion_fails_cleanly, KTEST_QUICK)
{
    enum { MAX_THREADS = 3000 };
    static long threads[MAX_THREADS];
    struct cairn_system_info before;
    long n = cairn_notification_create();
    /* Grow the handle table first: its chunks stay once allocated. */
    for (int i = 0; i < MAX_THREADS; i++)
        threads[i] = cairn_handle_duplicate(n, CAIRN_RIGHT_SIGNAL);
    for (int i = 0; i < MAX_THREADS; i++)
        cairn_handle_close(threads[i]);
    /* And give the heap a cached slab of every size class a thread uses. */
    one_round_of_every_object();
    cairn_sleep(2000000);
    cairn_system_info(&before);
    int made = 0;
    long err = 0;
    while (made < MAX_THREADS) {
        long t =
            kt_thread_create((uint64_t)kt_wait_and_exit, SHARED_RSP, (uint64_t)n, 1, 0xffffffff);
        if (t < 0) {
            err = t;
            break;
        }
        threads[made++] = t;
    }
    EXPECT_ERR(err, CAIRN_E_QUOTA);
    EXPECT_TRUE(made > 100);
    /* The process still works, and everything comes back once they end. */
    EXPECT_EQ(cairn_null(), 0);
    for (int i = 0; i < made; i++)
        cairn_handle_close(threads[i]);
    EXPECT_TRUE(release_waiters(n, &before));
    cairn_handle_close(n);
}

KTEST(thread_create_rejects_bad_arguments, KTEST_QUICK)
{
    uint64_t entry = (uint64_t)kt_signal_and_exit;
    EXPECT_ERR(kt_thread_create(0xffff800000000000ul, SHARED_RSP, 0, 32, 0xffffffff),
               CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(kt_thread_create(entry, 0xffffffff80000000ul, 0, 32, 0xffffffff),
               CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(kt_thread_create(entry, SHARED_RSP, 0, 64, 0xffffffff), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(kt_thread_create(entry, SHARED_RSP, 0, 40, 0xffffffff), CAIRN_E_ACCESS_DENIED);
    EXPECT_ERR(kt_thread_create(entry, SHARED_RSP, 0, 32, 1000), CAIRN_E_INVALID_ARGUMENT);
}
