/*
 * pages.h - the heap's page source in a Cairn program: memory objects
 * from the kernel, mapped into the program's own address space in the
 * heap's reserved range [PAGES_BASE, PAGES_END) (docs/runtime.md).
 *
 * Not locked: the heap calls these with its mutex held, and nothing else
 * may. The calls match struct arena_source (arena.h).
 */
#ifndef CAIRN_LIB_C_PAGES_H
#define CAIRN_LIB_C_PAGES_H

#include <stddef.h>

#define PAGES_BASE 0x600000000000ull
#define PAGES_END  0x700000000000ull

/* size bytes (a multiple of 4096, at most 1 GiB), zeroed, readable and
 * writable; NULL when the kernel refuses (quota, memory) or the range is
 * used up. ctx is unused. */
void *pages_get(void *ctx, size_t size);

/* Unmaps what pages_get returned; the kernel frees the pages. */
void pages_put(void *ctx, void *base, size_t size);

#endif
