/*
 * test_heap.c - the slab heap over a counting page source built on
 * aligned_alloc: class boundaries, alignment, error detection, statistics and
 * a randomized soak checked against a list of live blocks.
 */
#include <mm/heap.h>

#include <stdbool.h>
#include <stdlib.h>

#include "check.h"

/*
 * Freed pages wait in a quarantine before going back to libc, so a test may
 * still read a header the heap gave back (the late double-free check) without
 * AddressSanitizer calling it a use after free. Pages still held are tracked
 * so source_drain() can release the heap's spares and LeakSanitizer stays
 * quiet.
 */
#define QUARANTINE 64
#define MAX_HELD   4096

struct test_source {
    size_t pages_out;
    size_t calls;
    bool fail;
    bool misalign; /* hand out pages 16 bytes off the page boundary */
    void *held[MAX_HELD];
    size_t nheld;
    void *quarantine[QUARANTINE];
    size_t qnext;
};

static void *page_base(void *p)
{
    return (void *)((uintptr_t)p & ~(uintptr_t)(HEAP_PAGE_SIZE - 1));
}

static void *source_alloc(size_t npages, void *ctx)
{
    struct test_source *ts = ctx;
    char *p;

    ts->calls++;
    if (ts->fail)
        return NULL;
    p = aligned_alloc(HEAP_PAGE_SIZE, (npages + ts->misalign) * HEAP_PAGE_SIZE);
    if (!p || ts->nheld == MAX_HELD) {
        free(p);
        return NULL;
    }
    ts->held[ts->nheld++] = p;
    ts->pages_out += npages;
    return ts->misalign ? p + 16 : p;
}

static void source_free(void *pages, size_t npages, void *ctx)
{
    struct test_source *ts = ctx;

    for (size_t i = 0; i < ts->nheld; i++) {
        if (ts->held[i] == page_base(pages)) {
            ts->held[i] = ts->held[--ts->nheld];
            break;
        }
    }
    ts->pages_out -= npages;
    free(ts->quarantine[ts->qnext]);
    ts->quarantine[ts->qnext] = page_base(pages);
    ts->qnext = (ts->qnext + 1) % QUARANTINE;
}

static void source_drain(struct test_source *ts)
{
    for (size_t i = 0; i < QUARANTINE; i++) {
        free(ts->quarantine[i]);
        ts->quarantine[i] = NULL;
    }
    for (size_t i = 0; i < ts->nheld; i++)
        free(ts->held[i]);
    ts->nheld = 0;
}

static void setup(struct heap *h, struct test_source *ts)
{
    struct heap_page_source src = {source_alloc, source_free, ts};

    *ts = (struct test_source){0};
    heap_init(h, &src);
}

static bool all_bytes(const unsigned char *p, size_t n, unsigned char v)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != v)
            return false;
    return true;
}

static void test_sizes(void)
{
    static const struct {
        size_t size, usable, pages;
    } cases[] = {
        {1, 16, 1},
        {16, 16, 1},
        {17, 32, 1},
        {100, 128, 1},
        {1024, 1024, 1},
        {1025, 2048, 1},
        {2048, 2048, 1},
        {2049, 4096 - 64, 1},
        {4032, 4096 - 64, 1},
        {4033, 2 * 4096 - 64, 2},
        {4096, 2 * 4096 - 64, 2},
        {1u << 20, 257 * 4096 - 64, 257},
        {HEAP_MAX_ALLOC, 4097 * 4096 - 64, 4097},
    };
    struct heap h;
    struct test_source ts;
    struct heap_stats st;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        setup(&h, &ts);
        unsigned char *p = heap_alloc(&h, cases[i].size);

        CHECK(p != NULL);
        if (!p)
            continue;
        CHECK_EQ((uintptr_t)p % HEAP_ALIGN, 0);
        CHECK_EQ(heap_usable_size(p), cases[i].usable);
        CHECK_EQ(ts.pages_out, cases[i].pages);
        heap_get_stats(&h, &st);
        CHECK_EQ(st.bytes_in_use, cases[i].usable);
        CHECK_EQ(st.allocations, 1);
        CHECK_EQ(st.pages_held, cases[i].pages);
        /* Every usable byte is writable; ASan flags a block past its pages. */
        memset(p, 0xA5, heap_usable_size(p));
        CHECK(all_bytes(p, heap_usable_size(p), 0xA5));
        CHECK_EQ(heap_free(&h, p), HEAP_OK);
        heap_get_stats(&h, &st);
        CHECK_EQ(st.bytes_in_use, 0);
        CHECK_EQ(st.allocations, 0);
        /* An emptied slab stays as its class's spare; large pages go back. */
        CHECK_EQ(st.pages_held, cases[i].size <= HEAP_MAX_CLASS ? 1 : 0);
        CHECK_EQ(ts.pages_out, st.pages_held);
        source_drain(&ts);
    }
    setup(&h, &ts);
    CHECK(heap_alloc(&h, 0) == NULL);
    CHECK(heap_alloc(&h, HEAP_MAX_ALLOC + 1) == NULL);
    CHECK(heap_alloc(&h, SIZE_MAX) == NULL);
    CHECK_EQ(heap_usable_size(NULL), 0);
    CHECK_EQ(ts.calls, 0);
}

/* Fills a whole slab of each class; objects are disjoint and the next one
 * takes a second page. */
static void test_slab_fill(void)
{
    struct heap h;
    struct test_source ts;
    static unsigned char *objs[253];

    setup(&h, &ts);
    for (unsigned shift = 4; shift <= 11; shift++) {
        size_t size = (size_t)1 << shift, cap = (4096 - 64) / size;
        size_t base = ts.pages_out;

        for (size_t i = 0; i < cap; i++) {
            objs[i] = heap_alloc(&h, size);
            CHECK(objs[i] != NULL);
            memset(objs[i], (int)i, size);
        }
        CHECK_EQ(ts.pages_out, base + 1);
        for (size_t i = 0; i < cap; i++)
            CHECK(all_bytes(objs[i], size, (unsigned char)i));
        objs[cap] = heap_alloc(&h, size);
        CHECK_EQ(ts.pages_out, base + 2);
        for (size_t i = 0; i <= cap; i++)
            CHECK_EQ(heap_free(&h, objs[i]), HEAP_OK);
        /* One empty slab returned, one kept as the spare. */
        CHECK_EQ(ts.pages_out, base + 1);
        /* The spare serves the next allocation without a new page. */
        size_t calls = ts.calls;
        void *again = heap_alloc(&h, size);

        CHECK_EQ(ts.calls, calls);
        CHECK_EQ(heap_free(&h, again), HEAP_OK);
    }
    CHECK_EQ(ts.pages_out, 8);
    CHECK_EQ(h.pages_held, 8);
    source_drain(&ts);
}

static void test_errors(void)
{
    struct heap h, other;
    struct test_source ts, ots;
    struct heap_stats before, after;

    setup(&h, &ts);
    setup(&other, &ots);
    char *a = heap_alloc(&h, 32), *b = heap_alloc(&h, 32);
    char *big = heap_alloc(&h, 10000);
    char *solo = heap_alloc(&h, 2048);
    char *foreign = heap_alloc(&other, 32);
    unsigned char *plain = aligned_alloc(HEAP_PAGE_SIZE, HEAP_PAGE_SIZE);

    memset(plain, 0, HEAP_PAGE_SIZE);
    CHECK(a && b && big && solo && foreign);
    heap_get_stats(&h, &before);

    CHECK_EQ(heap_free(&h, NULL), HEAP_OK);
    CHECK_EQ(heap_free(&h, a + 8), HEAP_ERR_INVALID);        /* not 16-aligned */
    CHECK_EQ(heap_free(&h, a + 16), HEAP_ERR_INVALID);       /* inside a 32-byte object */
    CHECK_EQ(heap_free(&h, page_base(a)), HEAP_ERR_INVALID); /* the slab header */
    CHECK_EQ(heap_free(&h, solo + 2048), HEAP_ERR_INVALID);  /* past the class-2048 capacity */
    CHECK_EQ(heap_free(&h, big + 16), HEAP_ERR_INVALID);
    CHECK_EQ(heap_free(&h, big + 4096), HEAP_ERR_INVALID); /* second page holds user data */
    CHECK_EQ(heap_free(&h, foreign), HEAP_ERR_INVALID);
    CHECK_EQ(heap_free(&h, plain + 64), HEAP_ERR_INVALID);
    CHECK_EQ(heap_usable_size(plain + 64), 0);
    heap_get_stats(&h, &after);
    CHECK_EQ(after.bytes_in_use, before.bytes_in_use);
    CHECK_EQ(after.allocations, before.allocations);

    CHECK_EQ(heap_free(&h, a), HEAP_OK);
    CHECK_EQ(heap_free(&h, a), HEAP_ERR_DOUBLE_FREE);
    CHECK_EQ(heap_free(&h, big), HEAP_OK);
    CHECK_EQ(heap_free(&h, big), HEAP_ERR_DOUBLE_FREE);
    /* solo's slab becomes the spare; b's slab stays partial. */
    CHECK_EQ(heap_free(&h, solo), HEAP_OK);
    CHECK_EQ(heap_free(&h, solo), HEAP_ERR_DOUBLE_FREE);
    CHECK_EQ(heap_free(&h, b), HEAP_OK);
    CHECK_EQ(heap_free(&h, b), HEAP_ERR_DOUBLE_FREE);
    heap_get_stats(&h, &after);
    CHECK_EQ(after.bytes_in_use, 0);
    CHECK_EQ(after.allocations, 0);
    CHECK_EQ(after.pages_held, 2);

    /* A third 2048 slab emptied while the spare exists goes back to the
     * source, and a second free of it still reads as a double free. */
    char *x = heap_alloc(&h, 2048), *y = heap_alloc(&h, 2048);

    CHECK_EQ(ts.pages_out, 3);
    CHECK_EQ(heap_free(&h, x), HEAP_OK);
    CHECK_EQ(heap_free(&h, y), HEAP_OK);
    CHECK_EQ(ts.pages_out, 2);
    CHECK_EQ(heap_free(&h, x) == HEAP_ERR_DOUBLE_FREE || heap_free(&h, y) == HEAP_ERR_DOUBLE_FREE,
             1);

    CHECK_STR(heap_strerror(HEAP_OK), "success");
    CHECK_STR(heap_strerror(HEAP_ERR_INVALID), "pointer not allocated by this heap");
    CHECK_STR(heap_strerror(HEAP_ERR_DOUBLE_FREE), "block already freed (double free)");
    CHECK_STR(heap_strerror((enum heap_error)42), "unknown heap error");
    CHECK_EQ(heap_free(&other, foreign), HEAP_OK);
    free(plain);
    source_drain(&ts);
    source_drain(&ots);
}

static void test_source_failure(void)
{
    struct heap h;
    struct test_source ts;

    setup(&h, &ts);
    ts.fail = true;
    CHECK(heap_alloc(&h, 64) == NULL);
    CHECK(heap_alloc(&h, 100000) == NULL);
    CHECK_EQ(h.pages_held, 0);
    CHECK_EQ(h.allocations, 0);
    CHECK_EQ(h.bytes_in_use, 0);
    ts.fail = false;
    void *p = heap_alloc(&h, 64);

    CHECK(p != NULL);
    CHECK_EQ(heap_free(&h, p), HEAP_OK);
    source_drain(&ts);

    /* Misaligned pages break the contract: refused and given back. */
    setup(&h, &ts);
    ts.misalign = true;
    CHECK(heap_alloc(&h, 64) == NULL);
    CHECK(heap_alloc(&h, 9000) == NULL);
    CHECK_EQ(ts.calls, 2);
    CHECK_EQ(ts.pages_out, 0);
    CHECK_EQ(h.pages_held, 0);
    source_drain(&ts);
}

struct live {
    unsigned char *p;
    size_t size;
    unsigned char fill;
};

static size_t random_size(void)
{
    int r = rand() % 100;

    if (r < 80)
        return 1 + (size_t)rand() % HEAP_MAX_CLASS;
    if (r < 98)
        return HEAP_MAX_CLASS + 1 + (size_t)rand() % 20000;
    return 1 + (size_t)rand() % (1u << 20);
}

static void test_soak(void)
{
    enum { SLOTS = 512, ROUNDS = 30000 };
    static struct live live[SLOTS];
    struct heap h;
    struct test_source ts;
    struct heap_stats base, st;
    size_t bad = 0, nlive = 0, bytes = 0;

    setup(&h, &ts);
    /* Warm every class so each holds its spare before the baseline. */
    for (unsigned shift = 4; shift <= 11; shift++)
        CHECK_EQ(heap_free(&h, heap_alloc(&h, (size_t)1 << shift)), HEAP_OK);
    heap_get_stats(&h, &base);
    CHECK_EQ(base.pages_held, 8);

    srand(777);
    for (int round = 0; round < ROUNDS; round++) {
        struct live *l = &live[rand() % SLOTS];

        if (l->p) {
            bad += !all_bytes(l->p, l->size, l->fill);
            bytes -= heap_usable_size(l->p);
            bad += heap_free(&h, l->p) != HEAP_OK;
            l->p = NULL;
            nlive--;
        } else {
            l->size = random_size();
            l->fill = (unsigned char)(round | 1);
            l->p = heap_alloc(&h, l->size);
            if (!l->p) {
                bad++;
                continue;
            }
            bad += (uintptr_t)l->p % HEAP_ALIGN != 0;
            bad += heap_usable_size(l->p) < l->size;
            memset(l->p, l->fill, l->size);
            bytes += heap_usable_size(l->p);
            nlive++;
        }
        heap_get_stats(&h, &st);
        bad += st.allocations != nlive;
        bad += st.bytes_in_use != bytes;
        bad += st.pages_held != ts.pages_out;
    }
    for (size_t i = 0; i < SLOTS; i++) {
        if (!live[i].p)
            continue;
        bad += !all_bytes(live[i].p, live[i].size, live[i].fill);
        bad += heap_free(&h, live[i].p) != HEAP_OK;
        live[i].p = NULL;
    }
    CHECK_EQ(bad, 0);
    heap_get_stats(&h, &st);
    CHECK_EQ(st.allocations, 0);
    CHECK_EQ(st.bytes_in_use, 0);
    CHECK_EQ(st.pages_held, base.pages_held);
    CHECK_EQ(ts.pages_out, base.pages_held);
    source_drain(&ts);
}

int main(void)
{
    test_sizes();
    test_slab_fill();
    test_errors();
    test_source_failure();
    test_soak();
    return CHECK_DONE("heap");
}
