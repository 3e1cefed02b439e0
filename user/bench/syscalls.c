/*
 * syscalls.c - the cost of the simplest system calls: entering and leaving
 * the kernel, reading the clock.
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

BENCH(clock_read, BENCH_ITERATIONS, BENCH_WARMUP)
{
    uint64_t start = bench_now();
    cairn_clock_get();
    return bench_now() - start;
}
