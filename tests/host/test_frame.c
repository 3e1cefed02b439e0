/*
 * test_frame.c - the frame bitmap: alignment, limits, fragmentation,
 * exhaustion, error cases, and a randomized run against a bool-array model.
 */
#include <mm/frame_bitmap.h>

#include <stdbool.h>
#include <stdlib.h>

#include "check.h"

#define NFRAMES 1000 /* deliberately not a multiple of 64 */

static uint64_t words[FRAME_WORDS(NFRAMES)];

static bool frame_is_used(const struct frame_bitmap *fb, size_t f)
{
    return (fb->words[f / 64] >> (f % 64)) & 1;
}

static size_t count_clear(const struct frame_bitmap *fb)
{
    size_t n = 0;

    for (size_t f = 0; f < fb->nframes; f++)
        n += !frame_is_used(fb, f);
    return n;
}

static void test_init_release_reserve(void)
{
    struct frame_bitmap fb;
    size_t first;

    frame_bitmap_init(&fb, words, NFRAMES);
    CHECK_EQ(frame_bitmap_free_count(&fb), 0);
    CHECK(!frame_bitmap_alloc(&fb, 1, 1, NFRAMES, &first));

    frame_bitmap_release(&fb, 10, 20);
    CHECK_EQ(frame_bitmap_free_count(&fb), 20);
    /* Overlapping release must not count frames twice. */
    frame_bitmap_release(&fb, 0, 15);
    CHECK_EQ(frame_bitmap_free_count(&fb), 30);
    frame_bitmap_reserve(&fb, 25, 10);
    CHECK_EQ(frame_bitmap_free_count(&fb), 25);
    frame_bitmap_reserve(&fb, 25, 10);
    CHECK_EQ(frame_bitmap_free_count(&fb), 25);
    CHECK(frame_is_used(&fb, 25));
    CHECK(!frame_is_used(&fb, 24));

    /* Clipped to the bitmap, including huge counts that would wrap. */
    frame_bitmap_release(&fb, 990, 100);
    CHECK_EQ(frame_bitmap_free_count(&fb), 35);
    frame_bitmap_release(&fb, 995, SIZE_MAX);
    CHECK_EQ(frame_bitmap_free_count(&fb), 35);
    frame_bitmap_release(&fb, NFRAMES, 10);
    frame_bitmap_release(&fb, SIZE_MAX, SIZE_MAX);
    CHECK_EQ(frame_bitmap_free_count(&fb), 35);
    /* Bits past nframes stay set. */
    CHECK_EQ(words[FRAME_WORDS(NFRAMES) - 1] >> (NFRAMES % 64), ~(uint64_t)0 >> (NFRAMES % 64));
    frame_bitmap_reserve(&fb, 0, SIZE_MAX);
    CHECK_EQ(frame_bitmap_free_count(&fb), 0);
    CHECK_EQ(count_clear(&fb), 0);
}

static void test_alignment_and_limit(void)
{
    struct frame_bitmap fb;
    size_t first = 12345;

    frame_bitmap_init(&fb, words, NFRAMES);
    frame_bitmap_release(&fb, 1, NFRAMES - 1);

    CHECK(frame_bitmap_alloc(&fb, 1, 1, NFRAMES, &first));
    CHECK_EQ(first, 1);
    CHECK(frame_bitmap_alloc(&fb, 1, 8, NFRAMES, &first));
    CHECK_EQ(first, 8);
    CHECK(frame_bitmap_alloc(&fb, 1, 128, NFRAMES, &first));
    CHECK_EQ(first, 128);
    CHECK(frame_bitmap_alloc(&fb, 3, 16, NFRAMES, &first));
    CHECK_EQ(first, 16);
    CHECK(frame_bitmap_alloc(&fb, 256, 512, NFRAMES, &first));
    CHECK_EQ(first, 512);
    /* The next 512-aligned start, 1024, lies past the bitmap. */
    CHECK(!frame_bitmap_alloc(&fb, 256, 512, NFRAMES, &first));
    CHECK(!frame_bitmap_alloc(&fb, 2, 1024, NFRAMES, &first));
    /* Bad arguments. */
    CHECK(!frame_bitmap_alloc(&fb, 0, 1, NFRAMES, &first));
    CHECK(!frame_bitmap_alloc(&fb, 1, 0, NFRAMES, &first));
    CHECK(!frame_bitmap_alloc(&fb, 1, 3, NFRAMES, &first));
    CHECK(!frame_bitmap_alloc(&fb, 1, 1, 0, &first));

    /* Limit: of frames 0..8 only 2..7 are free, and 4..9 crosses the limit. */
    CHECK(!frame_bitmap_alloc(&fb, 6, 4, 9, &first));
    CHECK(frame_bitmap_alloc(&fb, 6, 1, 8, &first));
    CHECK_EQ(first, 2);
    CHECK(!frame_bitmap_alloc(&fb, 1, 1, 9, &first));
    CHECK(frame_bitmap_alloc(&fb, 1, 1, 10, &first));
    CHECK_EQ(first, 9);
    /* A run must end at or below the limit, not just start below it. */
    CHECK(!frame_bitmap_alloc(&fb, 4, 1, 13, &first));
    CHECK(frame_bitmap_alloc(&fb, 4, 1, 14, &first));
    CHECK_EQ(first, 10);
    /* Limit beyond the bitmap is clipped. */
    CHECK(frame_bitmap_alloc(&fb, 1, 1, SIZE_MAX, &first));
    CHECK(first < NFRAMES);
    CHECK_EQ(fb.nfree, count_clear(&fb));
}

static void test_fragmentation_and_exhaustion(void)
{
    struct frame_bitmap fb;
    size_t first, n = 0;

    frame_bitmap_init(&fb, words, NFRAMES);
    frame_bitmap_release(&fb, 0, NFRAMES);
    while (frame_bitmap_alloc(&fb, 1, 1, NFRAMES, &first)) {
        CHECK(first < NFRAMES);
        n++;
    }
    CHECK_EQ(n, NFRAMES);
    CHECK_EQ(frame_bitmap_free_count(&fb), 0);

    /* Free every other frame: lots of free space, no run of two. */
    for (size_t f = 0; f < NFRAMES; f += 2)
        CHECK_EQ(frame_bitmap_free(&fb, f, 1), FRAME_OK);
    CHECK_EQ(frame_bitmap_free_count(&fb), NFRAMES / 2);
    CHECK(!frame_bitmap_alloc(&fb, 2, 1, NFRAMES, &first));
    /* Free one neighbour: exactly one run of three appears, at 702..704. */
    CHECK_EQ(frame_bitmap_free(&fb, 703, 1), FRAME_OK);
    CHECK(!frame_bitmap_alloc(&fb, 3, 4, NFRAMES, &first));
    CHECK(frame_bitmap_alloc(&fb, 3, 1, NFRAMES, &first));
    CHECK_EQ(first, 702);
    CHECK(!frame_bitmap_alloc(&fb, 2, 1, NFRAMES, &first));
    /* Drain the singles. */
    n = 0;
    while (frame_bitmap_alloc(&fb, 1, 1, NFRAMES, &first))
        n++;
    CHECK_EQ(n, NFRAMES / 2 - 2);
    CHECK_EQ(frame_bitmap_free_count(&fb), 0);
    CHECK_EQ(count_clear(&fb), 0);
}

static void test_free_errors(void)
{
    struct frame_bitmap fb;
    size_t first;

    frame_bitmap_init(&fb, words, NFRAMES);
    frame_bitmap_release(&fb, 0, 100);
    CHECK(frame_bitmap_alloc(&fb, 10, 1, NFRAMES, &first));
    CHECK_EQ(first, 0);

    CHECK_EQ(frame_bitmap_free(&fb, 0, 0), FRAME_ERR_RANGE);
    CHECK_EQ(frame_bitmap_free(&fb, NFRAMES, 1), FRAME_ERR_RANGE);
    CHECK_EQ(frame_bitmap_free(&fb, NFRAMES - 1, 2), FRAME_ERR_RANGE);
    CHECK_EQ(frame_bitmap_free(&fb, 5, SIZE_MAX), FRAME_ERR_RANGE);
    CHECK_EQ(frame_bitmap_free(&fb, SIZE_MAX, 2), FRAME_ERR_RANGE);

    /* A run overlapping a free frame changes nothing. */
    CHECK_EQ(frame_bitmap_free(&fb, 5, 6), FRAME_ERR_DOUBLE_FREE);
    CHECK_EQ(frame_bitmap_free_count(&fb), 90);
    CHECK(frame_is_used(&fb, 5));
    CHECK_EQ(frame_bitmap_free(&fb, 2, 3), FRAME_OK);
    CHECK_EQ(frame_bitmap_free(&fb, 3, 1), FRAME_ERR_DOUBLE_FREE);
    CHECK_EQ(frame_bitmap_free(&fb, 0, 10), FRAME_ERR_DOUBLE_FREE);
    CHECK_EQ(frame_bitmap_free_count(&fb), 93);
    CHECK_EQ(count_clear(&fb), 93);

    CHECK_STR(frame_strerror(FRAME_OK), "success");
    CHECK_STR(frame_strerror(FRAME_ERR_DOUBLE_FREE), "frame already free (double free)");
    CHECK_STR(frame_strerror(FRAME_ERR_RANGE), "frame range empty, outside the bitmap or wrapping");
    CHECK_STR(frame_strerror((enum frame_error)99), "unknown frame error");
}

/* Is there a run the allocator should have found? */
static bool model_has_run(const bool *used, size_t count, size_t align, size_t limit)
{
    for (size_t s = 0; s + count <= limit; s += align) {
        size_t i = 0;

        while (i < count && !used[s + i])
            i++;
        if (i == count)
            return true;
    }
    return false;
}

static size_t rand_below(size_t n)
{
    return (size_t)rand() % n;
}

static void test_randomized(void)
{
    static bool used[NFRAMES];
    struct frame_bitmap fb;
    size_t model_free = 0, mismatches = 0;

    srand(12345);
    frame_bitmap_init(&fb, words, NFRAMES);
    for (size_t f = 0; f < NFRAMES; f++)
        used[f] = true;

    for (int op = 0; op < 20000; op++) {
        size_t first = rand_below(NFRAMES + 20), count = 1 + rand_below(op % 7 == 0 ? 80 : 4);
        size_t end = first + count > NFRAMES ? NFRAMES : first + count;
        int kind = (int)rand_below(10);

        if (kind == 0 || kind == 1) {
            bool set = kind == 1;

            if (set)
                frame_bitmap_reserve(&fb, first, count);
            else
                frame_bitmap_release(&fb, first, count);
            for (size_t f = first; f < end; f++) {
                model_free += used[f] && !set;
                model_free -= !used[f] && set;
                used[f] = set;
            }
        } else if (kind <= 5) {
            size_t align = (size_t)1 << rand_below(8);
            size_t limit = rand_below(4) ? NFRAMES : rand_below(NFRAMES + 100);
            size_t lim = limit > NFRAMES ? NFRAMES : limit;
            size_t got;
            bool ok = frame_bitmap_alloc(&fb, count, align, limit, &got);

            if (ok != model_has_run(used, count, align, lim)) {
                mismatches++;
                continue;
            }
            if (!ok)
                continue;
            CHECK(got % align == 0 && got + count <= lim);
            for (size_t f = got; f < got + count; f++) {
                mismatches += used[f];
                used[f] = true;
            }
            model_free -= count;
        } else {
            enum frame_error want = FRAME_OK;

            if (first >= NFRAMES || first + count > NFRAMES) {
                want = FRAME_ERR_RANGE;
            } else {
                for (size_t f = first; f < end; f++)
                    if (!used[f])
                        want = FRAME_ERR_DOUBLE_FREE;
            }
            enum frame_error got = frame_bitmap_free(&fb, first, count);

            mismatches += got != want;
            if (want == FRAME_OK) {
                for (size_t f = first; f < end; f++)
                    used[f] = false;
                model_free += count;
            }
        }
        for (size_t f = 0; f < NFRAMES; f++)
            mismatches += used[f] != frame_is_used(&fb, f);
        mismatches += frame_bitmap_free_count(&fb) != model_free;
    }
    CHECK_EQ(mismatches, 0);
    CHECK_EQ(frame_bitmap_free_count(&fb), count_clear(&fb));
}

int main(void)
{
    test_init_release_reserve();
    test_alignment_and_limit();
    test_fragmentation_and_exhaustion();
    test_free_errors();
    test_randomized();
    return CHECK_DONE("frame");
}
