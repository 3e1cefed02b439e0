/*
 * malloc.c - the C library's allocator (lib/c): one sample is a malloc
 * and the free of that block, uncontended, in the measuring thread.
 *
 * malloc_free_64: a small block from a region the heap already holds (the
 * lock, a bin lookup, a split, and the merge back). malloc_free_64k: a
 * block large enough for pages of its own, so a sample includes
 * memory_create, vm_map, handle_close and vm_unmap with its TLB shootdown.
 */
#include "bench.h"

#include <stdlib.h>

static uint64_t malloc_free(size_t size)
{
    uint64_t t0 = bench_now();
    void *p = malloc(size);
    free(p);
    uint64_t t1 = bench_now();
    if (!p)
        bench_fail("malloc()", 0);
    return t1 - t0;
}

BENCH(malloc_free_64, BENCH_ITERATIONS, BENCH_WARMUP)
{
    return malloc_free(64);
}

BENCH(malloc_free_64k, 2000, 200)
{
    return malloc_free(64 * 1024);
}
