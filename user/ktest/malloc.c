/*
 * malloc.c - the C library's allocator in a real process: blocks from the
 * kernel's pages, several threads allocating at once, and every page and
 * kernel byte back once everything is freed. (The allocator's logic is
 * tested in detail on the host: tests/host/test_arena.c.)
 */
#include "ktest.h"
#include "leak.h"
#include "threads.h"

#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define WORKERS_MAX 8
#define SLOTS       64
#define ROUNDS      3000

KTEST(malloc_blocks_are_usable_and_return, KTEST_QUICK)
{
    struct kt_baseline b;
    kt_baseline_take(&b);
    char *small = malloc(100);
    char *zero = calloc(1000, 8);
    char *big = malloc(5 << 20); /* pages of its own */
    EXPECT_TRUE(small && zero && big);
    if (!small || !zero || !big)
        return;
    EXPECT_EQ((uintptr_t)small % 16, 0);
    bool zeroed = true;
    for (int i = 0; i < 8000; i++)
        zeroed &= zero[i] == 0;
    EXPECT_TRUE(zeroed);
    memset(small, 'a', 100);
    memset(big, 'b', 5 << 20);
    EXPECT_EQ(big[(5 << 20) - 1], 'b');
    small = realloc(small, 200000); /* moves to pages of its own, keeps the bytes */
    EXPECT_TRUE(small != NULL);
    EXPECT_EQ(small[0], 'a');
    EXPECT_EQ(small[99], 'a');
    void *aligned = aligned_alloc(4096, 100);
    EXPECT_EQ((uintptr_t)aligned % 4096, 0);
    EXPECT_TRUE(malloc_usable_size(aligned) >= 100);
    free(aligned);
    free(small);
    free(zero);
    free(big);
    EXPECT_TRUE(kt_baseline_back(&b));
}

KTEST(malloc_refuses_what_cannot_be, KTEST_QUICK)
{
    struct kt_baseline b;
    kt_baseline_take(&b);
    errno = 0;
    EXPECT_TRUE(malloc((size_t)2 << 30) == NULL); /* above the 1 GiB memory object */
    EXPECT_EQ(errno, ENOMEM);
    EXPECT_TRUE(malloc(SIZE_MAX) == NULL);
    EXPECT_TRUE(calloc(SIZE_MAX / 2, 3) == NULL); /* n * size overflows */
    EXPECT_TRUE(aligned_alloc(24, 8) == NULL);
    EXPECT_EQ(errno, EINVAL);
    void *p = malloc(10);
    EXPECT_TRUE(realloc(p, SIZE_MAX) == NULL);
    free(p); /* still valid after the failed realloc */
    EXPECT_TRUE(realloc(malloc(10), 0) == NULL);
    EXPECT_TRUE(kt_baseline_back(&b));
}

static volatile int corrupted;

/* One worker: random sizes in its own slots, each block filled with a
 * pattern of its worker and slot and checked before it is freed. */
static void malloc_worker(uint64_t id)
{
    unsigned char *slot[SLOTS] = {0};
    size_t len[SLOTS] = {0};
    uint64_t x = 0x9e3779b97f4a7c15ull * (id + 1);
    int bad = 0;
    for (int round = 0; round < ROUNDS; round++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        unsigned i = (unsigned)(x % SLOTS);
        unsigned char mark = (unsigned char)(id * SLOTS + i);
        for (size_t k = 0; slot[i] && k < len[i]; k++)
            bad += slot[i][k] != mark;
        size_t size = (x >> 8) % 16 == 0 ? (x >> 16) % 70000 : (x >> 16) % 500;
        if ((x >> 40) % 3 == 0) {
            unsigned char *p = realloc(slot[i], size + 1);
            if (!p) {
                bad++;
                continue;
            }
            slot[i] = p;
        } else {
            free(slot[i]);
            slot[i] = malloc(size + 1);
            if (!slot[i]) {
                bad++;
                continue;
            }
        }
        len[i] = size + 1;
        memset(slot[i], mark, len[i]);
    }
    for (unsigned i = 0; i < SLOTS; i++) {
        for (size_t k = 0; slot[i] && k < len[i]; k++)
            bad += slot[i][k] != (unsigned char)(id * SLOTS + i);
        free(slot[i]);
    }
    if (bad)
        __atomic_store_n(&corrupted, 1, __ATOMIC_RELAXED);
    kt_thread_done();
}

KTEST(malloc_from_several_threads_at_once, KTEST_QUICK)
{
    struct kt_baseline b;
    kt_baseline_take(&b);
    corrupted = 0;
    unsigned workers = 2 * kt_cpus();
    if (workers > WORKERS_MAX)
        workers = WORKERS_MAX;
    long threads[WORKERS_MAX];
    for (unsigned i = 0; i < workers; i++) {
        threads[i] = kt_spawn(malloc_worker, i, RT_AFFINITY_ANY);
        EXPECT_TRUE(threads[i] > 0);
    }
    kt_join((int)workers);
    EXPECT_EQ(corrupted, 0);
    for (unsigned i = 0; i < workers; i++)
        cairn_handle_close((cairn_handle_t)threads[i]); /* their structs count as kernel memory */
    EXPECT_TRUE(kt_baseline_back(&b));
}
