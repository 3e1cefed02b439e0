/*
 * fuzz_arena.c - libFuzzer target for the heap allocator's core
 * (lib/c/arena.c): the input is a program of allocations, frees,
 * reallocations and aligned allocations on 32 slots, on a page source
 * with a small limit so that running out happens too.
 *
 * Every live block carries a pattern of its slot at both ends, checked
 * before it is freed or resized; the counters must match the blocks held;
 * after everything is freed and the arena trimmed, every page must be back.
 * Any corruption report is a failure: the program only frees what it got.
 */
#include "../../lib/c/arena.h"

#include <stdlib.h>
#include <string.h>

#define SLOTS 32
#define LIMIT (4u << 20) /* bytes the fake source hands out at once */

static size_t handed;

static void *fake_get(void *ctx, size_t size)
{
    (void)ctx;
    if (handed + size > LIMIT)
        return NULL;
    void *p = aligned_alloc(ARENA_PAGE, size);
    if (p)
        handed += size;
    return p;
}

static void fake_put(void *ctx, void *base, size_t size)
{
    (void)ctx;
    handed -= size;
    free(base);
}

static void fake_fail(void *ctx, const char *what, const void *ptr)
{
    (void)ctx;
    (void)what;
    (void)ptr;
    abort();
}

static const struct arena_source source = {fake_get, fake_put, fake_fail, NULL};

#define EDGE 128 /* bytes at each end of a block that carry the pattern */

/* Whether byte i of a len-byte block carries the pattern: its two ends,
 * where an overlap with a neighbour would show first. */
static int patterned(size_t i, size_t len)
{
    return i < EDGE || i >= len - EDGE;
}

static void fill(unsigned char *p, size_t len, unsigned slot)
{
    for (size_t i = 0; i < len; i = i == EDGE && len > 2 * EDGE ? len - EDGE : i + 1) {
        if (patterned(i, len))
            p[i] = (unsigned char)(slot * 7 + i);
    }
}

/* Checks the pattern fill(p, len, slot) left, in the first upto bytes. */
static void check(const unsigned char *p, size_t len, unsigned slot, size_t upto)
{
    for (size_t i = 0; i < len && i < upto; i = i == EDGE && len > 2 * EDGE ? len - EDGE : i + 1) {
        if (patterned(i, len) && p[i] != (unsigned char)(slot * 7 + i))
            abort();
    }
}

/* A size from two input bytes: mostly small, sometimes past the direct
 * threshold, sometimes absurd. */
static size_t size_from(uint8_t a, uint8_t b)
{
    size_t v = (size_t)a << 8 | b;
    switch (a >> 6) {
    case 0:
    case 1:
        return v % 600;
    case 2:
        return v * 4;
    default:
        return b == 0xff ? (size_t)-1 - v : v * 16;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena a;
    unsigned char *ptr[SLOTS] = {0};
    size_t len[SLOTS] = {0};
    arena_init(&a, &source);
    for (size_t i = 0; i + 4 <= size; i += 4) {
        unsigned op = data[i] & 3, slot = (data[i] >> 2) % SLOTS;
        size_t n = size_from(data[i + 1], data[i + 2]);
        if (ptr[slot])
            check(ptr[slot], len[slot], slot, len[slot]);
        if (op == 0) {
            arena_free(&a, ptr[slot]);
            ptr[slot] = NULL;
            continue;
        }
        size_t align = (size_t)1 << (data[i + 3] % 20);
        unsigned char *p = op == 1   ? arena_realloc(&a, ptr[slot], n)
                           : op == 2 ? arena_alloc(&a, n)
                                     : arena_alloc_aligned(&a, align, n);
        if (!p)
            continue; /* out of pages or absurd: a realloc leaves the old block */
        if (arena_usable_size(&a, p) < n || (op == 3 && (uintptr_t)p % align))
            abort();
        if (op == 1 && ptr[slot])
            check(p, len[slot], slot, n); /* the bytes kept */
        else
            arena_free(&a, ptr[slot]);
        ptr[slot] = p;
        len[slot] = n;
        fill(p, n, slot);
    }
    size_t blocks = 0;
    for (unsigned s = 0; s < SLOTS; s++)
        blocks += ptr[s] != NULL;
    if (a.stats.blocks != blocks)
        abort();
    for (unsigned s = 0; s < SLOTS; s++) {
        if (ptr[s])
            check(ptr[s], len[s], s, len[s]);
        arena_free(&a, ptr[s]);
    }
    arena_trim(&a);
    if (a.stats.in_use || a.stats.blocks || a.stats.mapped || a.stats.regions || handed)
        abort();
    return 0;
}
