/*
 * syscalls.c - the cost of the simplest system calls: entering and leaving
 * the kernel, yielding, reading the clock.
 */
#include "bench.h"

BENCH(null_syscall, BENCH_ITERATIONS, BENCH_WARMUP)
{
    uint64_t start = bench_now();
    long got = cairn_null();
    uint64_t cost = bench_now() - start;
    if (got != 0)
        bench_fail("cairn_null()", got);
    return cost;
}

/*
 * Despite its name (a contract with outside checks), this measures yield's
 * no-switch path: a boot program is the only thread of its process and user
 * space cannot create threads yet, so the CPU has nothing else runnable and
 * cairn_yield() returns to the caller. Once user space can start a second
 * thread on the same CPU, this becomes the ping-pong of two yielding threads.
 */
BENCH(yield_switch, BENCH_ITERATIONS, BENCH_WARMUP)
{
    uint64_t start = bench_now();
    long got = cairn_yield();
    uint64_t cost = bench_now() - start;
    if (got != 0)
        bench_fail("cairn_yield()", got);
    return cost;
}

BENCH(clock_read, BENCH_ITERATIONS, BENCH_WARMUP)
{
    uint64_t start = bench_now();
    cairn_clock_get();
    return bench_now() - start;
}
