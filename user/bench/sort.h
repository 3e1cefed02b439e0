/*
 * sort.h - sorting the samples in place, without recursion or allocation.
 */
#ifndef CAIRN_BENCH_SORT_H
#define CAIRN_BENCH_SORT_H

#include <stddef.h>
#include <stdint.h>

/* Sorts values[0..count) into ascending order (heapsort: O(n log n) at
 * worst, constant stack). count may be 0. */
void bench_sort_u64(uint64_t *values, size_t count);

#endif
