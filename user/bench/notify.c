/*
 * notify.c - the round trip of a wake-up between CPUs through two
 * notifications: the measuring thread signals ping and waits on pong; a
 * waiter on the other CPU waits on ping and signals pong.
 */
#include "bench.h"
#include "helpers.h"

#define BIT_PING 1u
#define BIT_STOP 2u

/* How long stopping waits for the waiter's last answer: far longer than a
 * round trip, and short enough that a lost waiter fails the run. */
#define STOP_TIMEOUT_NS 1000000000ull

struct ping_pong {
    long ping, pong;
};

static struct ping_pong pp;
static long waiter;

/* Answers every wake-up on ping with one on pong, the last one too: the
 * one that carries BIT_STOP. */
static void pong_waiter(uint64_t arg)
{
    const struct ping_pong *p = (const struct ping_pong *)arg;
    long bits;
    do {
        bits = cairn_notification_wait(p->ping, UINT64_MAX);
        if (bits < 0 || cairn_notification_signal(p->pong, (uint64_t)bits) != 0)
            break;
    } while (!(bits & BIT_STOP));
    cairn_thread_exit();
}

static bool waiter_start(void)
{
    pp.ping = cairn_notification_create();
    pp.pong = cairn_notification_create();
    if (pp.ping < 0 || pp.pong < 0) {
        bench_fail("cairn_notification_create()", pp.ping < 0 ? pp.ping : pp.pong);
        goto fail;
    }
    waiter = bench_helper_start(pong_waiter, (uint64_t)&pp, BENCH_OTHER_CPU);
    if (waiter < 0) {
        bench_fail("bench_helper_start()", waiter);
        goto fail;
    }
    return true;
fail:
    if (pp.ping >= 0)
        cairn_handle_close(pp.ping);
    if (pp.pong >= 0)
        cairn_handle_close(pp.pong);
    return false;
}

static void waiter_stop(void)
{
    long got = cairn_notification_signal(pp.ping, BIT_STOP);
    if (got == 0)
        got = cairn_notification_wait(pp.pong, STOP_TIMEOUT_NS);
    if (got != BIT_STOP)
        bench_fail("stopping the waiter", got);
    cairn_handle_close(waiter);
    cairn_handle_close(pp.ping);
    cairn_handle_close(pp.pong);
}

static const struct bench_fixture other_cpu_waiter = {
    .cpus = 2, .start = waiter_start, .stop = waiter_stop};

BENCH_WITH(notify_wake_cross_cpu, BENCH_ITERATIONS, BENCH_WARMUP, &other_cpu_waiter)
{
    uint64_t start = bench_now();
    long got = cairn_notification_signal(pp.ping, BIT_PING);
    if (got == 0)
        got = cairn_notification_wait(pp.pong, UINT64_MAX);
    uint64_t cost = bench_now() - start;
    if (got != BIT_PING)
        bench_fail("the signal/wait round trip", got);
    return cost;
}
