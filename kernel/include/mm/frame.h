/*
 * frame.h - the kernel's physical frame allocator (4 KiB frames).
 *
 * A locked wrapper around mm/frame_bitmap.h, filled from the boot memory
 * map with the kernel image, the boot modules and everything below 1 MiB
 * held back. Physical address 0 is never handed out, so 0 means failure.
 * Safe from any context.
 */
#ifndef CAIRN_MM_FRAME_H
#define CAIRN_MM_FRAME_H

#include <core/boot_info.h>
#include <stddef.h>
#include <stdint.h>

/* Builds the allocator. Boot CPU, before anything allocates. */
void frame_init(const struct boot_info *bi);

/* One zeroed frame, or 0 when memory is exhausted. */
uint64_t frame_alloc(void);

/* count contiguous zeroed frames starting at a multiple of align frames,
 * ending at or below limit (0: no limit), or 0. */
uint64_t frame_alloc_run(size_t count, size_t align, uint64_t limit);

/* Returns frames; freeing a frame that is not allocated panics (a kernel bug). */
void frame_free(uint64_t phys);
void frame_free_run(uint64_t phys, size_t count);

size_t frame_free_count(void);
size_t frame_total_count(void);

/* One more than the highest frame number (physical address / 4096) the
 * allocator can hand out. */
size_t frame_index_limit(void);

#endif
