/*
 * test_arena.c - host tests for lib/c/arena.c, the heap allocator's core,
 * on a fake page source (host pages, counted; corruption reports caught).
 */
#include "../../lib/c/arena.h"

#include <setjmp.h>
#include <stdlib.h>

#include "check.h"

/* --- the fake page source ---------------------------------------------------- */

struct fake {
    size_t live;     /* regions handed out and not returned */
    size_t limit;    /* bytes the source may hand out at once */
    size_t handed;   /* bytes handed out and not returned */
    const char *why; /* the last corruption report */
    jmp_buf caught;
    void *bases[4096]; /* what is handed out, to drop after a corruption test */
};

static void fake_track(struct fake *f, void *base, void *with)
{
    for (size_t i = 0; i < sizeof(f->bases) / sizeof(f->bases[0]); i++) {
        if (f->bases[i] == base) {
            f->bases[i] = with;
            return;
        }
    }
    CHECK(!"fake source: region table full or region unknown");
}

static void *fake_get(void *ctx, size_t size)
{
    struct fake *f = ctx;
    CHECK(size % ARENA_PAGE == 0 && size > 0);
    if (f->handed + size > f->limit)
        return NULL;
    void *p = aligned_alloc(ARENA_PAGE, size);
    if (!p)
        return NULL;
    memset(p, 0xdb, size); /* not zeroed: the arena must not rely on it */
    fake_track(f, NULL, p);
    f->live++;
    f->handed += size;
    return p;
}

static void fake_put(void *ctx, void *base, size_t size)
{
    struct fake *f = ctx;
    CHECK((uintptr_t)base % ARENA_PAGE == 0);
    f->live--;
    f->handed -= size;
    fake_track(f, base, NULL);
    free(base);
}

static void fake_fail(void *ctx, const char *what, const void *ptr)
{
    struct fake *f = ctx;
    (void)ptr;
    f->why = what;
    longjmp(f->caught, 1);
}

static struct fake fake;
static const struct arena_source source = {fake_get, fake_put, fake_fail, &fake};

static void fresh(struct arena *a, size_t limit)
{
    memset(&fake, 0, sizeof(fake));
    fake.limit = limit;
    arena_init(a, &source);
}

/* Whether everything went back once the kept region is trimmed. */
static int all_returned(struct arena *a)
{
    arena_trim(a);
    if (getenv("ARENA_DEBUG"))
        fprintf(stderr, "in_use %zu blocks %zu mapped %zu regions %zu live %zu\n", a->stats.in_use,
                a->stats.blocks, a->stats.mapped, a->stats.regions, fake.live);
    return a->stats.in_use == 0 && a->stats.blocks == 0 && a->stats.mapped == 0 &&
           a->stats.regions == 0 && fake.live == 0 && fake.handed == 0;
}

/* --- tests ----------------------------------------------------------------- */

static void test_basic_and_alignment(void)
{
    struct arena a;
    fresh(&a, 1 << 30);
    void *p[64];
    for (int i = 0; i < 64; i++) {
        p[i] = arena_alloc(&a, (size_t)i * 7);
        CHECK(p[i] != NULL);
        CHECK((uintptr_t)p[i] % ARENA_ALIGN == 0);
        CHECK(arena_usable_size(&a, p[i]) >= (size_t)i * 7);
        memset(p[i], i, (size_t)i * 7);
    }
    for (int i = 0; i < 64; i++) {
        for (int j = i + 1; j < 64; j++)
            CHECK(p[i] != p[j]);
    }
    CHECK_EQ(a.stats.blocks, 64);
    CHECK_EQ(a.stats.regions, 1);
    for (int i = 0; i < 64; i++) {
        int ok = 1;
        for (size_t k = 0; k < (size_t)i * 7; k++)
            ok &= ((unsigned char *)p[i])[k] == i;
        CHECK(ok);
        arena_free(&a, p[i]);
    }
    arena_free(&a, NULL);
    CHECK(all_returned(&a));
}

static void test_reuse_and_coalescing(void)
{
    struct arena a;
    fresh(&a, 1 << 30);
    void *x = arena_alloc(&a, 100);
    void *y = arena_alloc(&a, 100);
    void *z = arena_alloc(&a, 100);
    arena_free(&a, y);
    CHECK(arena_alloc(&a, 100) == y); /* the hole is reused */
    arena_free(&a, x);
    arena_free(&a, y);
    /* x and y merged: a block of their combined size fits where x was. */
    void *xy = arena_alloc(&a, 200);
    CHECK(xy == x);
    arena_free(&a, xy);
    arena_free(&a, z);
    /* All free again: one chunk spans the region, so a block of nearly
     * the region's size fits without a second region. */
    CHECK_EQ(a.stats.regions, 1);
    void *big = arena_alloc(&a, ARENA_DIRECT_MIN - 64);
    CHECK(big == x);
    CHECK_EQ(a.stats.regions, 1);
    arena_free(&a, big);
    CHECK(all_returned(&a));
}

static void test_direct_blocks(void)
{
    struct arena a;
    fresh(&a, 1 << 30);
    void *p = arena_alloc(&a, 1 << 20);
    CHECK(p != NULL);
    CHECK_EQ(a.stats.regions, 1);
    CHECK(a.stats.mapped >= 1 << 20);
    memset(p, 1, 1 << 20);
    arena_free(&a, p);
    CHECK_EQ(a.stats.mapped, 0); /* a large block goes back at once */
    CHECK(all_returned(&a));
}

static void test_aligned(void)
{
    struct arena a;
    fresh(&a, 1 << 30);
    void *small = arena_alloc(&a, 24);
    size_t aligns[] = {1, 2, 8, 16, 32, 64, 256, 4096, 8192, 1 << 16, 1 << 20};
    for (size_t i = 0; i < sizeof(aligns) / sizeof(aligns[0]); i++) {
        for (size_t size = 1; size < 70000; size = size * 5 + 3) {
            void *p = arena_alloc_aligned(&a, aligns[i], size);
            CHECK(p != NULL);
            CHECK((uintptr_t)p % aligns[i] == 0);
            CHECK(arena_usable_size(&a, p) >= size);
            memset(p, 0x5a, size);
            arena_free(&a, p);
        }
    }
    CHECK(arena_alloc_aligned(&a, 0, 8) == NULL);
    CHECK(arena_alloc_aligned(&a, 48, 8) == NULL);
    CHECK(arena_alloc_aligned(&a, ARENA_MAX_ALIGN * 2, 8) == NULL);
    arena_free(&a, small);
    CHECK(all_returned(&a));
}

static void test_realloc(void)
{
    struct arena a;
    fresh(&a, 1 << 30);
    unsigned char *p = arena_realloc(&a, NULL, 10);
    CHECK(p != NULL);
    for (int i = 0; i < 10; i++)
        p[i] = (unsigned char)i;
    /* Growth in steps, through the direct threshold and back down. */
    size_t sizes[] = {20, 100, 1000, 5000, 40000, 200000, 30000, 500, 5};
    size_t kept = 10;
    for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
        p = arena_realloc(&a, p, sizes[s]);
        CHECK(p != NULL);
        int ok = 1;
        for (size_t i = 0; i < kept && i < sizes[s]; i++)
            ok &= p[i] == (unsigned char)(i * 31 + 7 * (i >= 10));
        if (s == 0) {
            ok = 1;
            for (int i = 0; i < 10; i++)
                ok &= p[i] == i;
        }
        CHECK(ok);
        for (size_t i = 0; i < sizes[s]; i++)
            p[i] = (unsigned char)(i * 31 + 7 * (i >= 10));
        kept = sizes[s];
    }
    /* Shrinking keeps the block; growing into a free neighbour too. */
    void *q = arena_realloc(&a, p, 4);
    CHECK(q == p);
    void *r = arena_alloc(&a, 64);
    arena_free(&a, r); /* a free chunk right after q */
    CHECK(arena_realloc(&a, q, 60) == q);
    /* Too large: NULL, and the block is untouched. */
    CHECK(arena_realloc(&a, q, (size_t)-1) == NULL);
    CHECK(arena_realloc(&a, q, (size_t)1 << 41) == NULL);
    CHECK(arena_usable_size(&a, q) >= 60);
    arena_free(&a, q);
    CHECK(all_returned(&a));
}

static void test_out_of_memory(void)
{
    struct arena a;
    fresh(&a, ARENA_REGION_SIZE + 64 * 1024);
    CHECK(arena_alloc(&a, (size_t)-1) == NULL);
    CHECK(arena_alloc(&a, ARENA_MAX_REQUEST + 1) == NULL);
    CHECK(arena_alloc(&a, 1 << 20) == NULL); /* the source refuses */
    void *keep[4096];
    int n = 0;
    while (n < 4096 && (keep[n] = arena_alloc(&a, 1000)) != NULL)
        n++;
    CHECK(n > 100 && n < 4096); /* the source ran dry, cleanly */
    for (int i = 0; i < n; i++)
        arena_free(&a, keep[i]);
    CHECK(all_returned(&a));
}

static void test_regions_come_back(void)
{
    struct arena a;
    fresh(&a, 1 << 30);
    void *p[2000];
    for (int i = 0; i < 2000; i++)
        p[i] = arena_alloc(&a, 500);
    CHECK(a.stats.regions > 3);
    for (int i = 0; i < 2000; i++)
        arena_free(&a, p[i]);
    CHECK_EQ(a.stats.regions, 1); /* one empty region kept */
    CHECK_EQ(a.stats.blocks, 0);
    CHECK(all_returned(&a));
}

/* xorshift64*: a fixed-seed generator for the random round. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545f4914f6cdd1dull;
}

static void test_random(void)
{
    enum { SLOTS = 512, ROUNDS = 40000 };
    static unsigned char *ptr[SLOTS];
    static size_t len[SLOTS];
    struct arena a;
    fresh(&a, 1 << 30);
    int bad = 0;
    for (int round = 0; round < ROUNDS; round++) {
        int i = (int)(rnd() % SLOTS);
        if (ptr[i]) {
            for (size_t k = 0; k < len[i]; k++)
                bad += ptr[i][k] != (unsigned char)(i + k);
        }
        uint64_t op = rnd() % 4;
        size_t size = rnd() % 8 == 0 ? rnd() % 70000 : rnd() % 600;
        if (op == 0 && ptr[i]) {
            arena_free(&a, ptr[i]);
            ptr[i] = NULL;
            continue;
        }
        unsigned char *p;
        if (op == 1 && ptr[i])
            p = arena_realloc(&a, ptr[i], size);
        else if (op == 2)
            p = arena_alloc_aligned(&a, (size_t)1 << (rnd() % 13), size);
        else
            p = arena_alloc(&a, size);
        CHECK(p != NULL);
        if (op == 1 && ptr[i]) {
            for (size_t k = 0; k < len[i] && k < size; k++)
                bad += p[k] != (unsigned char)(i + k);
        } else if (ptr[i]) {
            arena_free(&a, ptr[i]);
        }
        ptr[i] = p;
        len[i] = size;
        for (size_t k = 0; k < size; k++)
            p[k] = (unsigned char)(i + k);
    }
    CHECK_EQ(bad, 0);
    for (int i = 0; i < SLOTS; i++)
        arena_free(&a, ptr[i]);
    CHECK(all_returned(&a));
}

/* Runs a corrupting step and checks it is caught with the given report. */
#define CHECK_CAUGHT(step, report)                                                                 \
    do {                                                                                           \
        fake.why = NULL;                                                                           \
        if (setjmp(fake.caught) == 0) {                                                            \
            step;                                                                                  \
        }                                                                                          \
        CHECK_STR(fake.why, report);                                                               \
    } while (0)

static void test_corruption_caught(void)
{
    struct arena a;
    fresh(&a, 1 << 30);
    char *p = arena_alloc(&a, 40);
    char *q = arena_alloc(&a, 40);
    arena_free(&a, p);
    CHECK_CAUGHT(arena_free(&a, p), "double free");
    CHECK_CAUGHT(arena_free(&a, q + 1), "pointer not from malloc (misaligned)");
    CHECK_CAUGHT(arena_free(&a, q + 16), "corrupted block header or pointer not from malloc");
    CHECK_CAUGHT(arena_realloc(&a, p, 10), "double free");
    /* An overrun of q into the next block's header. */
    char *r = arena_alloc(&a, 40);
    size_t room = arena_usable_size(&a, q);
    memset(q + room, 0, 16);
    CHECK_CAUGHT(arena_free(&a, q), "heap overrun past the end of a block");
    (void)r;
    char *big = arena_alloc(&a, 100000);
    ((uint64_t *)big)[-2] = 12345; /* the offset to its region */
    CHECK_CAUGHT(arena_free(&a, big), "corrupted header of a large block");
    for (size_t i = 0; i < sizeof(fake.bases) / sizeof(fake.bases[0]); i++)
        free(fake.bases[i]);
}

int main(void)
{
    test_basic_and_alignment();
    test_reuse_and_coalescing();
    test_direct_blocks();
    test_aligned();
    test_realloc();
    test_out_of_memory();
    test_regions_come_back();
    test_random();
    test_corruption_caught();
    return CHECK_DONE("arena");
}
