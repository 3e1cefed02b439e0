/*
 * yield.c - a switch between two threads of one process on one CPU: the
 * measuring thread and a partner, pinned to BENCH_CPU at the same priority,
 * both calling cairn_yield() in turn.
 *
 * One sample is one yield of the measuring thread: it switches to the
 * partner, whose own yield switches back. That is two switches, so the
 * figures are the sample halved (fixture ops = 2): the cost of one yield
 * that switches, system call included.
 */
#include "bench.h"
#include "helpers.h"

/* How long stopping waits for the partner to end: far longer than a
 * switch, and short enough that a lost partner fails the run. */
#define STOP_TIMEOUT_NS 1000000000ull

static long partner;
static long partner_done; /* notification the partner signals as it ends */
static bool partner_stop;
static uint64_t partner_turns; /* times the partner has run; only it writes */

/* Yields until told to stop, counting its turns. */
static void yield_partner(uint64_t done)
{
    while (!__atomic_load_n(&partner_stop, __ATOMIC_ACQUIRE)) {
        __atomic_store_n(&partner_turns, partner_turns + 1, __ATOMIC_RELAXED);
        cairn_yield();
    }
    cairn_notification_signal((long)done, 1);
    cairn_thread_exit();
}

static bool partner_start(void)
{
    partner_done = cairn_notification_create();
    if (partner_done < 0) {
        bench_fail("cairn_notification_create()", partner_done);
        return false;
    }
    __atomic_store_n(&partner_stop, false, __ATOMIC_RELAXED);
    partner = bench_helper_start(yield_partner, (uint64_t)partner_done, BENCH_CPU);
    if (partner < 0) {
        bench_fail("bench_helper_start()", partner);
        cairn_handle_close(partner_done);
        return false;
    }
    return true;
}

static void partner_stop_and_wait(void)
{
    __atomic_store_n(&partner_stop, true, __ATOMIC_RELEASE);
    long got = cairn_notification_wait(partner_done, STOP_TIMEOUT_NS);
    if (got != 1)
        bench_fail("waiting for the yield partner to end", got);
    cairn_handle_close(partner);
    cairn_handle_close(partner_done);
}

static const struct bench_fixture yield_partner_fixture = {
    .cpus = 1, .ops = 2, .start = partner_start, .stop = partner_stop_and_wait};

BENCH_WITH(yield_switch, BENCH_ITERATIONS, BENCH_WARMUP, &yield_partner_fixture)
{
    uint64_t turns = __atomic_load_n(&partner_turns, __ATOMIC_RELAXED);
    uint64_t start = bench_now();
    long got = cairn_yield();
    uint64_t cost = bench_now() - start;
    if (got != 0)
        bench_fail("cairn_yield()", got);
    else if (__atomic_load_n(&partner_turns, __ATOMIC_RELAXED) == turns)
        bench_fail("the partner's turn count around cairn_yield() (no switch)", (long)turns);
    return cost;
}
