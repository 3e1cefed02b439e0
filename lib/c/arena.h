/*
 * arena.h - the heap allocator's core: boundary-tag chunks in regions of
 * pages, segregated free lists, coalescing. It makes no system calls: the
 * pages come from a page source (lib/c/pages.c in a program, a fake one in
 * the host test tests/host/test_arena.c), and it takes no lock: the caller
 * serialises every call on one arena (malloc.c holds its mutex).
 *
 * Layout. A region is [header][chunk][chunk]...[end marker]; a chunk is a
 * 16-byte header (the previous chunk's size when that one is free, then
 * this chunk's size, flags and tag) and its payload, 16-byte aligned. Free
 * chunks sit in size-class bins; freeing merges a chunk with its free
 * neighbours at once, so no two free chunks are ever adjacent. A request
 * of ARENA_DIRECT_MIN bytes or more gets a region of its own, returned to
 * the source when it is freed; a region of ordinary chunks that becomes
 * empty is returned too, except one kept for reuse (arena_trim drops it).
 *
 * Checks. free and realloc abort through the source's fail callback on a
 * pointer that is not 16-byte aligned, a chunk already free (double free),
 * a header whose tag is wrong (a wild pointer or an overrun from below) and
 * a neighbour whose header disagrees (an overrun past the end).
 */
#ifndef CAIRN_LIB_C_ARENA_H
#define CAIRN_LIB_C_ARENA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARENA_ALIGN       16
#define ARENA_PAGE        4096
#define ARENA_REGION_SIZE (128 * 1024) /* an ordinary region */
#define ARENA_DIRECT_MIN  (32 * 1024)  /* a chunk this big gets a region of its own */
#define ARENA_MAX_REQUEST (1ull << 40) /* larger requests fail at once */
#define ARENA_MAX_ALIGN   (1ull << 28) /* larger alignments fail */
#define ARENA_BINS        128

struct arena_chunk;

/* Where an arena's pages come from. get returns size bytes (a multiple of
 * ARENA_PAGE), page-aligned, readable and writable, or NULL; put gives
 * back what one get returned; fail reports heap corruption found at ptr
 * and does not return. ctx is passed to each. */
struct arena_source {
    void *(*get)(void *ctx, size_t size);
    void (*put)(void *ctx, void *base, size_t size);
    void (*fail)(void *ctx, const char *what, const void *ptr);
    void *ctx;
};

/* Counters for tests and monitoring. */
struct arena_stats {
    size_t mapped;  /* bytes the source has given and not taken back */
    size_t regions; /* regions held, direct ones included */
    size_t in_use;  /* bytes of chunks allocated (headers included) */
    size_t blocks;  /* allocations not yet freed */
};

struct arena {
    const struct arena_source *source;
    struct arena_chunk *bins[ARENA_BINS]; /* free chunks by size class */
    uint64_t nonempty[ARENA_BINS / 64];   /* bit i: bins[i] has a chunk */
    struct arena_chunk *spare;            /* the whole free chunk of the kept empty region */
    struct arena_stats stats;
};

/* Prepares an empty arena drawing on source (which must outlive it). */
void arena_init(struct arena *a, const struct arena_source *source);

/* size bytes, 16-byte aligned; NULL when size is too large or the source
 * has no more pages. size 0 gives a unique minimal block. */
void *arena_alloc(struct arena *a, size_t size);

/* size bytes at a multiple of align (a power of two); NULL as arena_alloc
 * or when align is not a power of two. */
void *arena_alloc_aligned(struct arena *a, size_t align, size_t size);

/* Frees ptr (NULL does nothing); fails on the corruption listed above. */
void arena_free(struct arena *a, void *ptr);

/* Resizes ptr's block to size, in place when it can, keeping the contents
 * up to the smaller size; NULL (ptr untouched) when no memory is left.
 * ptr NULL is arena_alloc; size 0 still returns a minimal block. */
void *arena_realloc(struct arena *a, void *ptr, size_t size);

/* The bytes usable at ptr (at least what was asked for). */
size_t arena_usable_size(struct arena *a, const void *ptr);

/* Returns the kept empty region to the source. */
void arena_trim(struct arena *a);

#endif
