/*
 * malloc.c - the C allocator: one arena (arena.c) per process on the
 * kernel's pages (pages.c), behind one mutex, so any thread may call any
 * of these at any time.
 */
#include <errno.h>
#include <malloc.h>
#include <rt/mutex.h>
#include <rt/rt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "pages.h"

static __attribute__((noreturn)) void heap_fail(void *ctx, const char *what, const void *ptr);

static const struct arena_source heap_source = {pages_get, pages_put, heap_fail, NULL};

static struct rt_mutex heap_lock = RT_MUTEX_INIT;
static struct arena heap = {.source = &heap_source}; /* heap_lock; zero is an empty arena */

static __attribute__((noreturn)) void heap_fail(void *ctx, const char *what, const void *ptr)
{
    (void)ctx;
    fprintf(stderr, "%s: malloc: %s (block %p)\n", rt_program_name(), what, ptr);
    abort();
}

void *malloc(size_t size)
{
    rt_mutex_lock(&heap_lock);
    void *p = arena_alloc(&heap, size);
    rt_mutex_unlock(&heap_lock);
    if (!p)
        errno = ENOMEM;
    return p;
}

void *calloc(size_t n, size_t size)
{
    size_t total;
    if (__builtin_mul_overflow(n, size, &total)) {
        errno = ENOMEM;
        return NULL;
    }
    void *p = malloc(total);
    if (p)
        memset(p, 0, total);
    return p;
}

void *realloc(void *ptr, size_t size)
{
    if (ptr && size == 0) {
        free(ptr);
        return NULL;
    }
    rt_mutex_lock(&heap_lock);
    void *p = arena_realloc(&heap, ptr, size);
    rt_mutex_unlock(&heap_lock);
    if (!p)
        errno = ENOMEM;
    return p;
}

void free(void *ptr)
{
    if (!ptr)
        return;
    rt_mutex_lock(&heap_lock);
    arena_free(&heap, ptr);
    rt_mutex_unlock(&heap_lock);
}

int posix_memalign(void **out, size_t align, size_t size)
{
    if (align == 0 || (align & (align - 1)) || align > ARENA_MAX_ALIGN)
        return EINVAL;
    rt_mutex_lock(&heap_lock);
    void *p = arena_alloc_aligned(&heap, align, size);
    rt_mutex_unlock(&heap_lock);
    if (!p)
        return ENOMEM;
    *out = p;
    return 0;
}

void *aligned_alloc(size_t align, size_t size)
{
    void *p = NULL;
    int err = posix_memalign(&p, align, size);
    if (err)
        errno = err;
    return p;
}

size_t malloc_usable_size(void *ptr)
{
    if (!ptr)
        return 0;
    rt_mutex_lock(&heap_lock);
    size_t n = arena_usable_size(&heap, ptr);
    rt_mutex_unlock(&heap_lock);
    return n;
}

int malloc_trim(size_t pad)
{
    (void)pad;
    rt_mutex_lock(&heap_lock);
    size_t before = heap.stats.regions;
    arena_trim(&heap);
    int trimmed = heap.stats.regions != before;
    rt_mutex_unlock(&heap_lock);
    return trimmed;
}

void malloc_stats_get(struct malloc_stats *out)
{
    rt_mutex_lock(&heap_lock);
    *out = (struct malloc_stats){
        .mapped = heap.stats.mapped,
        .regions = heap.stats.regions,
        .in_use = heap.stats.in_use,
        .blocks = heap.stats.blocks,
    };
    rt_mutex_unlock(&heap_lock);
}
