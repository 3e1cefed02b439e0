/*
 * malloc.h - the allocator's extensions beyond ISO C (glibc's names where
 * glibc has one). Thread-safe, like the rest of the allocator.
 */
#ifndef CAIRN_LIBC_MALLOC_H
#define CAIRN_LIBC_MALLOC_H

#include <stddef.h>
#include <stdlib.h>

/* The bytes usable at ptr, a live block from malloc: at least its size. */
size_t malloc_usable_size(void *ptr);

/* Returns the heap's cached empty region to the kernel; 1 if there was
 * one, else 0. pad is ignored. */
int malloc_trim(size_t pad);

struct malloc_stats {
    size_t mapped;  /* bytes of pages the heap holds from the kernel */
    size_t regions; /* mappings they are in */
    size_t in_use;  /* bytes of allocated blocks, headers included */
    size_t blocks;  /* blocks allocated and not freed */
};

/* A snapshot of the heap's counters (taken under its lock). */
void malloc_stats_get(struct malloc_stats *out);

#endif
