/*
 * heap_baseline.c - the program's heap and the kernel's memory before a
 * test that must give all of it back (see leak.h).
 */
#include "ktest.h"
#include "leak.h"

void kt_baseline_take(struct kt_baseline *b)
{
    malloc_trim(0);
    malloc_stats_get(&b->heap);
    cairn_system_info(&b->kernel);
}

bool kt_baseline_back(const struct kt_baseline *b)
{
    struct malloc_stats now;
    malloc_trim(0);
    malloc_stats_get(&now);
    EXPECT_EQ(now.blocks, b->heap.blocks);
    EXPECT_EQ(now.in_use, b->heap.in_use);
    EXPECT_EQ(now.mapped, b->heap.mapped);
    return now.mapped == b->heap.mapped && kt_memory_back_to(&b->kernel);
}
