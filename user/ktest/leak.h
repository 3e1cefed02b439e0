/*
 * leak.h - checking that kernel memory (resources.c) and the program's
 * heap (heap_baseline.c) are back where they were: compare snapshots taken
 * while the system is otherwise quiet.
 */
#ifndef CAIRN_KTEST_LEAK_H
#define CAIRN_KTEST_LEAK_H

#include <cairn/system.h>
#include <malloc.h>
#include <stdbool.h>

/* Whether two snapshots show the same frames in use and heap bytes. */
bool kt_same_memory(const struct cairn_system_info *a, const struct cairn_system_info *b);

/* Waits up to about 200 ms (dead threads and objects are reaped a moment
 * later) for memory to be as in before; false if it never is. */
bool kt_memory_back_to(const struct cairn_system_info *before);

/* The heap and kernel memory before a test that must give all of it
 * back. */
struct kt_baseline {
    struct malloc_stats heap;
    struct cairn_system_info kernel;
};

/* Trims the heap and takes both snapshots. */
void kt_baseline_take(struct kt_baseline *b);

/* Whether the heap holds nothing more than at b (each difference is a
 * failed expectation) and kernel memory is back as kt_memory_back_to
 * says. */
bool kt_baseline_back(const struct kt_baseline *b);

#endif
