/*
 * heap.h - the kernel object heap: a slab allocator over a page source.
 *
 * Requests up to HEAP_MAX_CLASS bytes are rounded up to a power-of-two class
 * (16 .. 2048) and carved from one-page slabs; larger requests get whole pages.
 * Both kinds of page start with a header, so heap_free() finds it by masking
 * the pointer down to its page.
 *
 * Pure and lock-free: the caller serialises every call on one heap (the
 * kernel wraps it in its heap lock) and the page source is only called from
 * inside heap_alloc() and heap_free(). Every operation is O(1), or O(pages)
 * of a large allocation in the page source.
 */
#ifndef CAIRN_MM_HEAP_H
#define CAIRN_MM_HEAP_H

#include <stddef.h>
#include <stdint.h>

#define HEAP_PAGE_SIZE       4096u
#define HEAP_ALIGN           16u
#define HEAP_MIN_CLASS_SHIFT 4u
#define HEAP_MAX_CLASS_SHIFT 11u
#define HEAP_NCLASSES        (HEAP_MAX_CLASS_SHIFT - HEAP_MIN_CLASS_SHIFT + 1)
#define HEAP_MAX_CLASS       (1u << HEAP_MAX_CLASS_SHIFT)
#define HEAP_MAX_ALLOC       (16u << 20)

/* Page supply. alloc_pages returns npages contiguous, 4096-aligned pages or
 * NULL; free_pages takes back exactly what one alloc_pages call returned. */
struct heap_page_source {
    void *(*alloc_pages)(size_t npages, void *ctx);
    void (*free_pages)(void *pages, size_t npages, void *ctx);
    void *ctx;
};

struct heap_slab;

struct heap_class {
    struct heap_slab *partial; /* slabs with both used and free objects */
    struct heap_slab *spare;   /* at most one entirely free slab, kept for reuse */
};

struct heap {
    struct heap_class classes[HEAP_NCLASSES];
    struct heap_page_source src;
    size_t bytes_in_use; /* sum of heap_usable_size() over live allocations */
    size_t pages_held;   /* pages taken from src and not yet given back */
    size_t allocations;  /* live allocations */
};

enum heap_error {
    HEAP_OK = 0,
    HEAP_ERR_INVALID,     /* not a pointer this heap returned */
    HEAP_ERR_DOUBLE_FREE, /* a pointer this heap returned, already freed */
};

struct heap_stats {
    size_t bytes_in_use;
    size_t pages_held;
    size_t allocations;
};

/* An empty heap drawing pages from a copy of *src. */
void heap_init(struct heap *h, const struct heap_page_source *src);

/*
 * Returns a HEAP_ALIGN-aligned block of at least size bytes, or NULL for size
 * 0, size above HEAP_MAX_ALLOC or when the page source fails.
 */
void *heap_alloc(struct heap *h, size_t size);

/*
 * Frees ptr (NULL is a no-op returning HEAP_OK). Returns HEAP_ERR_INVALID when
 * ptr's page has no header of this heap or ptr is not the start of an object
 * on it, HEAP_ERR_DOUBLE_FREE when the object is already free. ptr's page must
 * be readable. A block whose page went back to the page source is recognised
 * as a double free only while that page still holds the freed header.
 */
enum heap_error heap_free(struct heap *h, void *ptr);

/* Bytes usable at ptr, a live allocation of any heap; 0 for NULL or a pointer
 * whose page holds no live header. */
size_t heap_usable_size(const void *ptr);

void heap_get_stats(const struct heap *h, struct heap_stats *out);

/* A short human-readable reason for err; never NULL. */
const char *heap_strerror(enum heap_error err);

#endif
