/*
 * arena.c - the heap allocator's core (see arena.h for the layout, the
 * checks and the locking rule).
 *
 * A chunk's head word holds its size (a multiple of 16) in bits 4-47, the
 * flags below in bits 0-3, and a tag in bits 48-63 that tells an allocated
 * chunk from a free one and from the end marker: a pointer that does not
 * land on a tagged header is caught before anything is written.
 */
#include "arena.h"

#include <string.h>

#define HDR          16ull
#define MIN_CHUNK    32ull
#define REGION_HDR   32ull
#define REGION_MAGIC 0x43616972e7e61f00ull

#define TAG_SHIFT 48
#define TAG_USED  0xa110ull
#define TAG_FREE  0xf4eeull
#define TAG_END   0xe4d0ull

#define F_PREV_USED 1ull /* the chunk before is allocated (or this one is first) */
#define F_FIRST     2ull /* the first chunk of an ordinary region */
#define F_DIRECT    4ull /* the only chunk of a region of its own */
#define FLAG_MASK   15ull
#define SIZE_MASK   (((1ull << TAG_SHIFT) - 1) & ~FLAG_MASK)

#define EXACT_BINS 64 /* bins 0-63: one size each (16 * i); above, one per power of two */

struct arena_chunk {
    uint64_t prev_size; /* the previous chunk's size while that one is free;
                         * in a direct chunk, the offset of the chunk in its region */
    uint64_t head;
    struct arena_chunk *next, *prev; /* a free chunk's bin links */
};

struct arena_region {
    uint64_t size; /* bytes, as the source gave them */
    uint64_t magic;
    uint64_t unused[2];
};

_Static_assert(sizeof(struct arena_region) == REGION_HDR, "region header keeps chunks aligned");
_Static_assert(ARENA_DIRECT_MIN <= ARENA_REGION_SIZE - REGION_HDR - HDR, "ordinary chunks fit");

static size_t chunk_size(const struct arena_chunk *c)
{
    return c->head & SIZE_MASK;
}

static unsigned chunk_tag(const struct arena_chunk *c)
{
    return (unsigned)(c->head >> TAG_SHIFT);
}

static struct arena_chunk *chunk_at(void *base, size_t offset)
{
    return (struct arena_chunk *)((char *)base + offset);
}

static struct arena_chunk *chunk_next(struct arena_chunk *c)
{
    return chunk_at(c, chunk_size(c));
}

static void chunk_set(struct arena_chunk *c, size_t size, uint64_t flags, uint64_t tag)
{
    c->head = size | flags | tag << TAG_SHIFT;
}

static void *chunk_payload(struct arena_chunk *c)
{
    return (char *)c + HDR;
}

/* --- bins ------------------------------------------------------------------ */

static unsigned bin_index(size_t size)
{
    if (size / ARENA_ALIGN < EXACT_BINS)
        return (unsigned)(size / ARENA_ALIGN);
    unsigned log2 = 63u - (unsigned)__builtin_clzll(size);
    return EXACT_BINS + log2 - 10; /* 1024 (bin 64) is the first power of two past them */
}

static void bin_insert(struct arena *a, struct arena_chunk *c)
{
    unsigned i = bin_index(chunk_size(c));
    c->prev = NULL;
    c->next = a->bins[i];
    if (c->next)
        c->next->prev = c;
    a->bins[i] = c;
    a->nonempty[i / 64] |= 1ull << (i % 64);
}

static void bin_remove(struct arena *a, struct arena_chunk *c)
{
    unsigned i = bin_index(chunk_size(c));
    if (c->prev)
        c->prev->next = c->next;
    else
        a->bins[i] = c->next;
    if (c->next)
        c->next->prev = c->prev;
    if (!a->bins[i])
        a->nonempty[i / 64] &= ~(1ull << (i % 64));
}

/* The first non-empty bin above i, or ARENA_BINS. */
static unsigned bin_next_nonempty(const struct arena *a, unsigned i)
{
    for (unsigned j = i + 1; j < ARENA_BINS;) {
        uint64_t bits = a->nonempty[j / 64] >> (j % 64);
        if (bits)
            return j + (unsigned)__builtin_ctzll(bits);
        j = (j / 64 + 1) * 64;
    }
    return ARENA_BINS;
}

/* A free chunk of at least need bytes, or NULL. An exact bin holds chunks
 * of one size; a power-of-two bin is searched first fit; every chunk in a
 * higher bin is big enough. */
static struct arena_chunk *bin_find(struct arena *a, size_t need)
{
    unsigned i = bin_index(need);
    for (struct arena_chunk *c = a->bins[i]; c; c = c->next) {
        if (chunk_size(c) >= need)
            return c;
    }
    unsigned j = bin_next_nonempty(a, i);
    return j < ARENA_BINS ? a->bins[j] : NULL;
}

/* --- regions ----------------------------------------------------------------- */

static void *region_get(struct arena *a, size_t size)
{
    struct arena_region *r = a->source->get(a->source->ctx, size);
    if (!r)
        return NULL;
    r->size = size;
    r->magic = REGION_MAGIC;
    a->stats.mapped += size;
    a->stats.regions++;
    return r;
}

static void region_put(struct arena *a, struct arena_region *r)
{
    size_t size = r->size;
    r->magic = 0;
    a->stats.mapped -= size;
    a->stats.regions--;
    a->source->put(a->source->ctx, r, size);
}

/* A new ordinary region as one free chunk in the bins; false without pages. */
static bool region_add(struct arena *a)
{
    struct arena_region *r = region_get(a, ARENA_REGION_SIZE);
    if (!r)
        return false;
    size_t size = ARENA_REGION_SIZE - REGION_HDR - HDR;
    struct arena_chunk *c = chunk_at(r, REGION_HDR);
    chunk_set(c, size, F_PREV_USED | F_FIRST, TAG_FREE);
    struct arena_chunk *end = chunk_next(c);
    end->prev_size = size;
    chunk_set(end, 0, 0, TAG_END);
    bin_insert(a, c);
    return true;
}

/* --- chunks -------------------------------------------------------------- */

static __attribute__((noreturn)) void arena_fail(struct arena *a, const char *what, const void *ptr)
{
    a->source->fail(a->source->ctx, what, ptr);
    __builtin_unreachable();
}

/* The chunk size for a request of size bytes, or 0 when it is too large. */
static size_t request_size(size_t size)
{
    if (size > ARENA_MAX_REQUEST)
        return 0;
    size_t need = (size + HDR + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    return need < MIN_CHUNK ? MIN_CHUNK : need;
}

/* The allocated chunk whose payload is ptr, after the cheap checks. */
static struct arena_chunk *chunk_of(struct arena *a, const void *ptr)
{
    if ((uintptr_t)ptr % ARENA_ALIGN)
        arena_fail(a, "pointer not from malloc (misaligned)", ptr);
    struct arena_chunk *c = (struct arena_chunk *)((uintptr_t)ptr - HDR);
    if (chunk_tag(c) == TAG_FREE)
        arena_fail(a, "double free", ptr);
    if (chunk_tag(c) != TAG_USED || chunk_size(c) < MIN_CHUNK)
        arena_fail(a, "corrupted block header or pointer not from malloc", ptr);
    if (c->head & F_DIRECT)
        return c;
    struct arena_chunk *next = chunk_next(c);
    unsigned tag = chunk_tag(next);
    if ((tag != TAG_USED && tag != TAG_FREE && tag != TAG_END) || !(next->head & F_PREV_USED))
        arena_fail(a, "heap overrun past the end of a block", ptr);
    return c;
}

/* Marks c (free, out of the bins) allocated with size need, putting any
 * usable rest back in the bins. */
static void *chunk_take(struct arena *a, struct arena_chunk *c, size_t need)
{
    if (c == a->spare)
        a->spare = NULL;
    size_t size = chunk_size(c);
    uint64_t flags = c->head & (F_PREV_USED | F_FIRST);
    if (size - need >= MIN_CHUNK) {
        struct arena_chunk *rest = chunk_at(c, need);
        chunk_set(rest, size - need, F_PREV_USED, TAG_FREE);
        chunk_next(rest)->prev_size = size - need;
        bin_insert(a, rest);
        size = need;
    } else {
        chunk_next(c)->head |= F_PREV_USED;
    }
    chunk_set(c, size, flags, TAG_USED);
    a->stats.in_use += size;
    a->stats.blocks++;
    return chunk_payload(c);
}

/* Returns allocated chunk c (already taken out of the stats) to the free
 * bins, merged with its free neighbours; gives an emptied region back to
 * the source unless it becomes the one kept. */
static void chunk_release(struct arena *a, struct arena_chunk *c)
{
    size_t size = chunk_size(c);
    struct arena_chunk *next = chunk_at(c, size);
    if (!(c->head & F_PREV_USED)) {
        struct arena_chunk *prev = (struct arena_chunk *)((uintptr_t)c - c->prev_size);
        if (chunk_tag(prev) != TAG_FREE || chunk_size(prev) != c->prev_size)
            arena_fail(a, "corrupted heap: the block before has a bad header", chunk_payload(c));
        bin_remove(a, prev);
        size += chunk_size(prev);
        c = prev;
    }
    if (chunk_tag(next) == TAG_FREE) {
        bin_remove(a, next);
        size += chunk_size(next);
        next = chunk_at(c, size);
    }
    chunk_set(c, size, c->head & (F_PREV_USED | F_FIRST), TAG_FREE);
    next->prev_size = size;
    next->head &= ~F_PREV_USED;
    bool empty = (c->head & F_FIRST) && chunk_tag(next) == TAG_END;
    if (empty && a->spare) {
        region_put(a, (struct arena_region *)((char *)c - REGION_HDR));
        return;
    }
    if (empty)
        a->spare = c;
    bin_insert(a, c);
}

/* Cuts allocated chunk c down to need bytes when the rest makes a chunk. */
static void chunk_shrink(struct arena *a, struct arena_chunk *c, size_t need)
{
    size_t size = chunk_size(c);
    if (size - need < MIN_CHUNK)
        return;
    struct arena_chunk *rest = chunk_at(c, need);
    chunk_set(rest, size - need, F_PREV_USED, TAG_USED);
    chunk_set(c, need, c->head & (F_PREV_USED | F_FIRST), TAG_USED);
    a->stats.in_use -= size - need;
    chunk_release(a, rest);
}

/* --- direct chunks: a region each ---------------------------------------- */

static void *direct_alloc(struct arena *a, size_t need, size_t align)
{
    size_t slack = align > ARENA_ALIGN ? align : 0;
    size_t total = (REGION_HDR + slack + need + ARENA_PAGE - 1) & ~(size_t)(ARENA_PAGE - 1);
    char *base = region_get(a, total);
    if (!base)
        return NULL;
    uintptr_t p = (uintptr_t)base + REGION_HDR + HDR;
    if (slack)
        p = (p + slack - 1) & ~(uintptr_t)(slack - 1);
    struct arena_chunk *c = (struct arena_chunk *)(p - HDR);
    c->prev_size = (uint64_t)((char *)c - base);
    chunk_set(c, total - c->prev_size, F_DIRECT, TAG_USED);
    a->stats.in_use += chunk_size(c);
    a->stats.blocks++;
    return (void *)p;
}

static void direct_free(struct arena *a, struct arena_chunk *c)
{
    struct arena_region *r = (struct arena_region *)((char *)c - c->prev_size);
    if (c->prev_size % ARENA_ALIGN || c->prev_size < REGION_HDR || (uintptr_t)r % ARENA_PAGE ||
        r->magic != REGION_MAGIC || r->size != c->prev_size + chunk_size(c))
        arena_fail(a, "corrupted header of a large block", chunk_payload(c));
    a->stats.in_use -= chunk_size(c);
    c->head = 0;
    a->stats.blocks--;
    region_put(a, r);
}

/* --- the interface --------------------------------------------------------- */

void arena_init(struct arena *a, const struct arena_source *source)
{
    memset(a, 0, sizeof(*a));
    a->source = source;
}

void *arena_alloc(struct arena *a, size_t size)
{
    size_t need = request_size(size);
    if (!need)
        return NULL;
    if (need >= ARENA_DIRECT_MIN)
        return direct_alloc(a, need, ARENA_ALIGN);
    struct arena_chunk *c = bin_find(a, need);
    if (!c) {
        if (!region_add(a))
            return NULL;
        c = bin_find(a, need);
    }
    bin_remove(a, c);
    return chunk_take(a, c, need);
}

/* Moves the start of allocated chunk c forward to the first payload
 * aligned to align that leaves room for a chunk before it, and frees
 * that leading chunk; c must be big enough. Returns the new chunk. */
static struct arena_chunk *chunk_align(struct arena *a, struct arena_chunk *c, size_t align)
{
    uintptr_t start = (uintptr_t)c;
    uintptr_t p = (start + MIN_CHUNK + HDR + align - 1) & ~(uintptr_t)(align - 1);
    size_t lead = p - HDR - start, size = chunk_size(c);
    struct arena_chunk *moved = (struct arena_chunk *)(p - HDR);
    chunk_set(moved, size - lead, F_PREV_USED, TAG_USED);
    chunk_set(c, lead, c->head & (F_PREV_USED | F_FIRST), TAG_USED);
    a->stats.in_use -= lead;
    chunk_release(a, c);
    return moved;
}

void *arena_alloc_aligned(struct arena *a, size_t align, size_t size)
{
    if (align == 0 || (align & (align - 1)))
        return NULL;
    if (align <= ARENA_ALIGN)
        return arena_alloc(a, size);
    size_t need = request_size(size);
    if (!need || align > ARENA_MAX_ALIGN)
        return NULL;
    /* Room to move the start to an aligned payload with a chunk before it. */
    if (need + align + MIN_CHUNK + HDR >= ARENA_DIRECT_MIN)
        return direct_alloc(a, need, align);
    void *p = arena_alloc(a, need + align + MIN_CHUNK);
    if (!p)
        return NULL;
    struct arena_chunk *c = (struct arena_chunk *)((char *)p - HDR);
    if ((uintptr_t)p % align)
        c = chunk_align(a, c, align);
    chunk_shrink(a, c, need);
    return chunk_payload(c);
}

void arena_free(struct arena *a, void *ptr)
{
    if (!ptr)
        return;
    struct arena_chunk *c = chunk_of(a, ptr);
    if (c->head & F_DIRECT) {
        direct_free(a, c);
        return;
    }
    a->stats.in_use -= chunk_size(c);
    a->stats.blocks--;
    chunk_release(a, c);
}

/* Grows allocated ordinary chunk c in place to need by taking in the free
 * chunk after it; false when that is not enough. */
static bool chunk_grow(struct arena *a, struct arena_chunk *c, size_t need)
{
    struct arena_chunk *next = chunk_next(c);
    size_t size = chunk_size(c);
    if (chunk_tag(next) != TAG_FREE || size + chunk_size(next) < need)
        return false;
    bin_remove(a, next);
    size_t grown = size + chunk_size(next);
    chunk_set(c, grown, c->head & (F_PREV_USED | F_FIRST), TAG_USED);
    chunk_next(c)->head |= F_PREV_USED;
    a->stats.in_use += grown - size;
    chunk_shrink(a, c, need);
    return true;
}

void *arena_realloc(struct arena *a, void *ptr, size_t size)
{
    if (!ptr)
        return arena_alloc(a, size);
    struct arena_chunk *c = chunk_of(a, ptr);
    size_t need = request_size(size);
    if (!need)
        return NULL;
    size_t have = chunk_size(c);
    if (c->head & F_DIRECT) {
        /* Keep the region unless the block would waste most of it. */
        if (need <= have && need >= ARENA_DIRECT_MIN && need >= have / 2)
            return ptr;
    } else if (need <= have) {
        chunk_shrink(a, c, need);
        return ptr;
    } else if (need < ARENA_DIRECT_MIN && chunk_grow(a, c, need)) {
        return ptr;
    }
    void *moved = arena_alloc(a, size);
    if (!moved)
        return NULL;
    size_t keep = have - HDR < size ? have - HDR : size;
    memcpy(moved, ptr, keep);
    arena_free(a, ptr);
    return moved;
}

size_t arena_usable_size(struct arena *a, const void *ptr)
{
    return chunk_size(chunk_of(a, ptr)) - HDR;
}

void arena_trim(struct arena *a)
{
    struct arena_chunk *c = a->spare;
    if (!c)
        return;
    a->spare = NULL;
    bin_remove(a, c);
    region_put(a, (struct arena_region *)((char *)c - REGION_HDR));
}
