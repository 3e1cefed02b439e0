/*
 * sort.c - heapsort of the samples (see sort.h). Heapsort rather than
 * quicksort: its worst case is O(n log n) and it needs no stack, which
 * matters with 64 KiB of stack and samples that are often all equal.
 */
#include "sort.h"

/* Moves values[root] down until the subtree under it, within
 * values[0..count), is a max-heap again. */
static void sift_down(uint64_t *values, size_t root, size_t count)
{
    uint64_t moving = values[root];
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= count)
            break;
        if (child + 1 < count && values[child + 1] > values[child])
            child++;
        if (values[child] <= moving)
            break;
        values[root] = values[child];
        root = child;
    }
    values[root] = moving;
}

void bench_sort_u64(uint64_t *values, size_t count)
{
    if (count < 2)
        return;
    for (size_t i = count / 2; i-- > 0;)
        sift_down(values, i, count);
    for (size_t end = count - 1; end > 0; end--) {
        uint64_t largest = values[0];
        values[0] = values[end];
        values[end] = largest;
        sift_down(values, 0, end);
    }
}
