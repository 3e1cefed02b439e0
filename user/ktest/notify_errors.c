/*
 * notify_errors.c - notification_create, _signal and _wait: every
 * documented error with stale, wrong-type and oversized handles, timeouts
 * at their extremes, one waiter woken per signal, and waiters that keep
 * waiting while their handle is closed or revoked under them.
 */
#include "ktest.h"
#include "threads.h"
#include <cairn/error.h>

#define MS 1000000ull

KTEST(notification_signal_rejects_a_closed_handle, KTEST_QUICK)
{
    long n = cairn_notification_create();
    EXPECT_EQ(cairn_handle_close(n), 0);
    EXPECT_ERR(cairn_notification_signal(n, 1), CAIRN_E_BAD_HANDLE);
}

static void exit_at_once(uint64_t arg)
{
    (void)arg;
    kt_thread_done();
}

KTEST(notification_calls_reject_memory_and_thread_handles, KTEST_QUICK)
{
    long m = cairn_memory_create(4096);
    long t = kt_spawn(exit_at_once, 0, RT_AFFINITY_ANY);
    EXPECT_TRUE(m > 0 && t > 0);
    kt_join(1);
    EXPECT_ERR(cairn_notification_signal(m, 1), CAIRN_E_WRONG_TYPE);
    EXPECT_ERR(cairn_notification_wait(m, 0), CAIRN_E_WRONG_TYPE);
    EXPECT_ERR(cairn_notification_signal(t, 1), CAIRN_E_WRONG_TYPE);
    EXPECT_ERR(cairn_notification_wait(t, 0), CAIRN_E_WRONG_TYPE);
    cairn_handle_close(m);
    cairn_handle_close(t);
}

KTEST(notification_signal_accepts_bit_62, KTEST_QUICK)
{
    long n = cairn_notification_create();
    EXPECT_EQ(cairn_notification_signal(n, 1ull << 62), 0);
    EXPECT_EQ(cairn_notification_signal(n, 1), 0);
    EXPECT_EQ(cairn_notification_wait(n, 0), (1ull << 62) | 1);
    EXPECT_EQ(cairn_notification_signal(n, (1ull << 63) - 1), 0);
    EXPECT_EQ(cairn_notification_wait(n, 0), (1ull << 63) - 1);
    cairn_handle_close(n);
}

KTEST(notification_signal_with_bad_bits_sets_nothing, KTEST_QUICK)
{
    long n = cairn_notification_create();
    EXPECT_ERR(cairn_notification_signal(n, (1ull << 63) | 2), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_notification_signal(n, ~0ull), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_notification_wait(n, 0), CAIRN_E_WOULD_BLOCK);
    cairn_handle_close(n);
}

KTEST(notification_wait_rejects_a_closed_handle, KTEST_QUICK)
{
    long n = cairn_notification_create();
    EXPECT_EQ(cairn_notification_signal(n, 1), 0);
    EXPECT_EQ(cairn_handle_close(n), 0);
    EXPECT_ERR(cairn_notification_wait(n, 0), CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(cairn_notification_wait(n, UINT64_MAX), CAIRN_E_BAD_HANDLE);
}

KTEST(notification_wait_rejects_values_above_32_bits, KTEST_QUICK)
{
    long n = cairn_notification_create();
    EXPECT_EQ(cairn_notification_signal(n, 1), 0);
    EXPECT_ERR(ktest_syscall(SYS_NOTIFICATION_WAIT, (1l << 32) | n, 0), CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(ktest_syscall(SYS_NOTIFICATION_WAIT, -1, 0), CAIRN_E_BAD_HANDLE);
    EXPECT_EQ(cairn_notification_wait(n, 0), 1); /* the bit is still there */
    cairn_handle_close(n);
}

KTEST(notification_revoked_handle_fails_and_bits_stay, KTEST_QUICK)
{
    long n = cairn_notification_create();
    long child = cairn_handle_duplicate(n, CAIRN_RIGHT_WAIT | CAIRN_RIGHT_SIGNAL);
    EXPECT_EQ(cairn_notification_signal(child, 2), 0);
    EXPECT_EQ(cairn_handle_revoke(n), 0);
    EXPECT_ERR(cairn_notification_wait(child, 0), CAIRN_E_REVOKED);
    EXPECT_ERR(cairn_notification_signal(child, 1), CAIRN_E_REVOKED);
    EXPECT_EQ(cairn_notification_wait(n, 0), 2); /* revoke took no bits */
    cairn_handle_close(child);
    cairn_handle_close(n);
}

KTEST(notification_wait_one_nanosecond_times_out, KTEST_QUICK)
{
    long n = cairn_notification_create();
    EXPECT_ERR(cairn_notification_wait(n, 1), CAIRN_E_TIMED_OUT);
    cairn_handle_close(n);
}

KTEST(notification_bits_set_earlier_satisfy_a_blocking_wait, KTEST_QUICK)
{
    long n = cairn_notification_create();
    EXPECT_EQ(cairn_notification_signal(n, 8), 0);
    EXPECT_EQ(cairn_notification_wait(n, UINT64_MAX), 8);
    EXPECT_EQ(cairn_notification_signal(n, 16), 0);
    EXPECT_EQ(cairn_notification_wait(n, 1), 16);
    cairn_handle_close(n);
}

struct waiter {
    long notification;
    uint64_t timeout;
    long result;
    int started; /* atomic: about to wait */
};

/* Returns once w's thread is about to block, and then a moment later. */
static void wait_until_started(struct waiter *w)
{
    while (!__atomic_load_n(&w->started, __ATOMIC_ACQUIRE))
        cairn_sleep(MS);
    cairn_sleep(5 * MS);
}

static void wait_once(uint64_t arg)
{
    struct waiter *w = (struct waiter *)arg;
    __atomic_store_n(&w->started, 1, __ATOMIC_RELEASE);
    w->result = cairn_notification_wait((cairn_handle_t)w->notification, w->timeout);
    kt_thread_done();
}

static void signal_after(uint64_t arg)
{
    struct waiter *w = (struct waiter *)arg;
    cairn_sleep(5 * MS);
    w->result = cairn_notification_signal((cairn_handle_t)w->notification, 0x30);
    kt_thread_done();
}

/* A timeout so large its deadline would wrap must still wait, and a
 * signal must still wake it. */
KTEST(notification_wait_with_huge_timeout_wakes_on_signal, KTEST_QUICK)
{
    long n = cairn_notification_create();
    struct waiter signaller = {n, 0, -1, 0};
    EXPECT_TRUE(kt_spawn(signal_after, (uint64_t)&signaller, RT_AFFINITY_ANY) > 0);
    EXPECT_EQ(cairn_notification_wait(n, UINT64_MAX - 1), 0x30);
    kt_join(1);
    EXPECT_EQ(signaller.result, 0);
    kt_reset();
    struct waiter again = {n, 0, -1, 0};
    EXPECT_TRUE(kt_spawn(signal_after, (uint64_t)&again, RT_AFFINITY_ANY) > 0);
    EXPECT_EQ(cairn_notification_wait(n, 1ull << 63), 0x30);
    kt_join(1);
    cairn_handle_close(n);
}

KTEST(notification_signal_wakes_one_waiter_with_every_bit, KTEST_QUICK)
{
    long n = cairn_notification_create();
    struct waiter a = {n, 100 * MS, 0, 0}, b = {n, 100 * MS, 0, 0};
    EXPECT_TRUE(kt_spawn(wait_once, (uint64_t)&a, RT_AFFINITY_ANY) > 0);
    EXPECT_TRUE(kt_spawn(wait_once, (uint64_t)&b, RT_AFFINITY_ANY) > 0);
    /* Both block (a late one would find the bits gone: the same outcome). */
    wait_until_started(&a);
    wait_until_started(&b);
    EXPECT_EQ(cairn_notification_signal(n, 5), 0);
    kt_join(2);
    /* One took both bits at once; the other found nothing and timed out. */
    EXPECT_EQ((a.result == 5) + (b.result == 5), 1);
    EXPECT_EQ((a.result == -CAIRN_E_TIMED_OUT) + (b.result == -CAIRN_E_TIMED_OUT), 1);
    EXPECT_ERR(cairn_notification_wait(n, 0), CAIRN_E_WOULD_BLOCK);
    cairn_handle_close(n);
}

/* A blocked waiter keeps the notification alive when its only handle is
 * closed (docs/syscalls.md, notification_wait). */
KTEST(notification_wait_survives_closing_its_handle, KTEST_QUICK)
{
    long n = cairn_notification_create();
    struct waiter w = {n, 50 * MS, 0, 0};
    EXPECT_TRUE(kt_spawn(wait_once, (uint64_t)&w, RT_AFFINITY_ANY) > 0);
    wait_until_started(&w);
    EXPECT_EQ(cairn_handle_close(n), 0);
    kt_join(1);
    EXPECT_ERR(w.result, CAIRN_E_TIMED_OUT);
}

struct revoked_waiter {
    long child;
    long first, second;
    int started; /* atomic */
};

static void wait_twice(uint64_t arg)
{
    struct revoked_waiter *w = (struct revoked_waiter *)arg;
    __atomic_store_n(&w->started, 1, __ATOMIC_RELEASE);
    w->first = cairn_notification_wait((cairn_handle_t)w->child, UINT64_MAX);
    w->second = cairn_notification_wait((cairn_handle_t)w->child, 0);
    kt_thread_done();
}

/* Revoking the handle a thread is blocked on does not strand it: the
 * object lives on, a signal through another handle still wakes it, and
 * only its next use of the revoked handle fails. */
KTEST(notification_wait_survives_revoke_of_its_handle, KTEST_QUICK)
{
    long n = cairn_notification_create();
    struct revoked_waiter w = {cairn_handle_duplicate(n, CAIRN_RIGHT_WAIT), 0, 0, 0};
    EXPECT_TRUE(w.child > 0);
    EXPECT_TRUE(kt_spawn(wait_twice, (uint64_t)&w, RT_AFFINITY_ANY) > 0);
    while (!__atomic_load_n(&w.started, __ATOMIC_ACQUIRE))
        cairn_sleep(MS);
    cairn_sleep(5 * MS);
    EXPECT_EQ(cairn_handle_revoke(n), 0);
    EXPECT_EQ(cairn_notification_signal(n, 0x100), 0);
    kt_join(1);
    EXPECT_EQ(w.first, 0x100);
    EXPECT_ERR(w.second, CAIRN_E_REVOKED);
    cairn_handle_close(w.child);
    cairn_handle_close(n);
}

KTEST(notification_timed_wait_woken_from_another_cpu, KTEST_QUICK)
{
    if (!kt_need_cpus(2))
        return;
    long n = cairn_notification_create();
    struct waiter w = {n, 5000 * MS, 0, 0};
    EXPECT_TRUE(kt_spawn(wait_once, (uint64_t)&w, 1) > 0);
    wait_until_started(&w);
    EXPECT_EQ(cairn_notification_signal(n, 0x7), 0);
    kt_join(1);
    EXPECT_EQ(w.result, 0x7);
    cairn_handle_close(n);
}

struct race {
    long notification;
    int rounds;
    int turn; /* atomic: rounds the main thread has asked for */
};

static void signal_on_turn(uint64_t arg)
{
    struct race *r = (struct race *)arg;
    for (int i = 1; i <= r->rounds; i++) {
        while (__atomic_load_n(&r->turn, __ATOMIC_ACQUIRE) < i)
            cairn_yield();
        cairn_notification_signal((cairn_handle_t)r->notification, 1);
    }
    kt_thread_done();
}

/* Waits whose timeouts (0 to 30 us; 0 polls) race a signal: each signal
 * is taken exactly once, by that wait or, when it timed out first, by the
 * next one. */
KTEST(notification_signal_racing_a_timeout_is_never_lost, KTEST_QUICK)
{
    struct race r = {cairn_notification_create(), 300, 0};
    int lost = 0;
    EXPECT_TRUE(kt_spawn(signal_on_turn, (uint64_t)&r, kt_other_cpu(0)) > 0);
    for (int i = 1; i <= r.rounds; i++) {
        __atomic_store_n(&r.turn, i, __ATOMIC_RELEASE);
        long bits = cairn_notification_wait(r.notification, (uint64_t)(i % 7) * 5000);
        if (bits == -CAIRN_E_TIMED_OUT || bits == -CAIRN_E_WOULD_BLOCK) {
            bits = cairn_notification_wait(r.notification, 5000 * MS);
        }
        lost += bits != 1;
    }
    EXPECT_EQ(lost, 0);
    kt_join(1);
    EXPECT_ERR(cairn_notification_wait(r.notification, 0), CAIRN_E_WOULD_BLOCK);
    cairn_handle_close(r.notification);
}
