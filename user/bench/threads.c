/*
 * threads.c - the life of a thread: created pinned to the measuring
 * thread's CPU at its priority, run, ended, and its handle closed.
 *
 * The thread is a stub that signals a notification and calls thread_exit
 * without touching its stack: the measuring thread wakes from the signal
 * while the stub may still be between the two system calls, so with a
 * stack the next thread could not safely reuse it. All of them share one.
 */
#include "bench.h"

#define THREAD_ITERATIONS 2000u
#define THREAD_WARMUP     200u

#define STRINGIFY(x) #x
#define STRING_OF(x) STRINGIFY(x)

/* RDI = a notification: signals bit 0 on it, then ends the thread. */
void bench_signal_and_exit(uint64_t notification);
// clang-format off
__asm__(".text\n"
        ".type bench_signal_and_exit, @function\n"
        "bench_signal_and_exit:\n"
        "    mov $" STRING_OF(SYS_NOTIFICATION_SIGNAL) ", %eax\n"
        "    mov $1, %esi\n"
        "    syscall\n"
        "    mov $" STRING_OF(SYS_THREAD_EXIT) ", %eax\n"
        "    syscall\n"
        "    ud2\n"
        ".size bench_signal_and_exit, . - bench_signal_and_exit\n");
// clang-format on

/* Never written: the stub uses no stack, but thread_create wants one. */
static uint8_t shared_stack[64] __attribute__((aligned(16)));
static long ran; /* the notification each thread signals */

static bool notification_start(void)
{
    ran = cairn_notification_create();
    if (ran < 0) {
        bench_fail("cairn_notification_create()", ran);
        return false;
    }
    return true;
}

static void notification_stop(void)
{
    cairn_handle_close(ran);
}

static const struct bench_fixture thread_fixture = {
    .cpus = 1, .start = notification_start, .stop = notification_stop};

BENCH_WITH(thread_create_exit, THREAD_ITERATIONS, THREAD_WARMUP, &thread_fixture)
{
    struct cairn_thread_params params = {
        .entry = (uint64_t)bench_signal_and_exit,
        .stack = (uint64_t)(shared_stack + sizeof(shared_stack)),
        .arg = (uint64_t)ran,
        .priority = BENCH_PRIORITY,
        .affinity = BENCH_CPU,
    };
    uint64_t start = bench_now();
    long thread = cairn_thread_create(CAIRN_PROCESS_SELF, &params);
    long got = thread < 0 ? thread : cairn_notification_wait(ran, UINT64_MAX);
    long closed = thread < 0 ? 0 : cairn_handle_close(thread);
    uint64_t cost = bench_now() - start;
    if (thread < 0)
        bench_fail("cairn_thread_create()", thread);
    else if (got != 1)
        bench_fail("cairn_notification_wait()", got);
    else if (closed != 0)
        bench_fail("cairn_handle_close()", closed);
    return cost;
}
