/*
 * notify.c - notifications: bits OR in, wait takes and clears them, poll,
 * timeouts, and wake-ups from another thread and another CPU.
 */
#include "ktest.h"
#include "threads.h"
#include <cairn/error.h>

#define MS 1000000ull

KTEST(notification_bits_or_and_clear, KTEST_QUICK)
{
    long n = cairn_notification_create();
    EXPECT_ERR(cairn_notification_wait(n, 0), CAIRN_E_WOULD_BLOCK);
    EXPECT_EQ(cairn_notification_signal(n, 1), 0);
    EXPECT_EQ(cairn_notification_signal(n, 0x40), 0);
    EXPECT_EQ(cairn_notification_wait(n, 0), 0x41);
    EXPECT_ERR(cairn_notification_wait(n, 0), CAIRN_E_WOULD_BLOCK);
    EXPECT_ERR(cairn_notification_signal(n, 0), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_notification_signal(n, 1ull << 63), CAIRN_E_INVALID_ARGUMENT);
    /* A value above 32 bits must not be truncated into a valid handle. */
    EXPECT_ERR(ktest_syscall(SYS_NOTIFICATION_SIGNAL, (1l << 32) | n, 1), CAIRN_E_BAD_HANDLE);
    cairn_handle_close(n);
}

KTEST(notification_wait_times_out, KTEST_QUICK)
{
    long n = cairn_notification_create();
    uint64_t start = cairn_clock_get();
    EXPECT_ERR(cairn_notification_wait(n, 5 * MS), CAIRN_E_TIMED_OUT);
    EXPECT_TRUE(cairn_clock_get() - start >= 5 * MS);
    cairn_handle_close(n);
}

struct ping_pong {
    long ping, pong;
    int rounds;
};

static void ponger(uint64_t arg)
{
    struct ping_pong *pp = (struct ping_pong *)arg;
    for (int i = 0; i < pp->rounds; i++) {
        long bits = cairn_notification_wait(pp->ping, UINT64_MAX);
        cairn_notification_signal(pp->pong, (uint64_t)bits << 1);
    }
    kt_thread_done();
}

static void ping_pong_on(uint32_t affinity)
{
    struct ping_pong pp = {cairn_notification_create(), cairn_notification_create(), 200};
    EXPECT_TRUE(kt_spawn(ponger, (uint64_t)&pp, affinity) > 0);
    for (int i = 0; i < pp.rounds; i++) {
        EXPECT_EQ(cairn_notification_signal(pp.ping, 3), 0);
        EXPECT_EQ(cairn_notification_wait(pp.pong, UINT64_MAX), 6);
    }
    kt_join(1);
    cairn_handle_close(pp.ping);
    cairn_handle_close(pp.pong);
}

KTEST(notification_wakes_another_thread, KTEST_QUICK)
{
    ping_pong_on(RT_AFFINITY_ANY);
}

KTEST(notification_wakes_across_cpus, KTEST_QUICK)
{
    ping_pong_on(kt_other_cpu(0));
}
