/*
 * frame_bitmap.h - the physical frame allocator's core: one bit per 4 KiB
 * frame, set while the frame is in use.
 *
 * Pure and lock-free: the caller serialises every call on one bitmap (the
 * kernel wraps it in its frame allocator lock). Frames are named by index;
 * the caller converts to and from physical addresses.
 *
 * Invariant: nfree equals the number of clear bits among the first nframes.
 * Bits past nframes in the last word stay set forever, so scans never see them
 * as free.
 */
#ifndef CAIRN_MM_FRAME_BITMAP_H
#define CAIRN_MM_FRAME_BITMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAME_SIZE      4096u
#define FRAME_WORD_BITS 64u
#define FRAME_WORDS(n)  (((n) + FRAME_WORD_BITS - 1) / FRAME_WORD_BITS)

enum frame_error {
    FRAME_OK = 0,
    FRAME_ERR_RANGE,       /* empty run, outside the bitmap, or first + count wraps */
    FRAME_ERR_DOUBLE_FREE, /* some frame of the run is already free */
};

struct frame_bitmap {
    uint64_t *words; /* FRAME_WORDS(nframes) entries, owned by the caller */
    size_t nframes;
    size_t nfree;
    size_t hint; /* where the next single-frame search starts; only a heuristic */
};

/*
 * Takes over `words` (FRAME_WORDS(nframes) entries) and marks every frame in
 * use; boot code then releases what the memory map says is usable.
 */
void frame_bitmap_init(struct frame_bitmap *fb, uint64_t *words, size_t nframes);

/* Boot time: marks [first, first + count) free, clipped to the bitmap. Frames
 * already free are left alone and not counted twice. */
void frame_bitmap_release(struct frame_bitmap *fb, size_t first, size_t count);

/* Boot time: marks [first, first + count) in use, clipped to the bitmap.
 * Frames already in use are left alone and not counted twice. */
void frame_bitmap_reserve(struct frame_bitmap *fb, size_t first, size_t count);

/*
 * Finds `count` contiguous free frames starting at a multiple of `align` (a
 * power of two, at least 1) and ending at or below `limit` (clipped to
 * nframes), marks them in use and stores the first index in *first. Returns
 * false, changing nothing, when count is 0, align is not a power of two or no
 * such run exists. Single frames take a fast path that scans 64 frames at a
 * time from the hint.
 */
bool frame_bitmap_alloc(struct frame_bitmap *fb, size_t count, size_t align, size_t limit,
                        size_t *first);

/*
 * Marks [first, first + count) free. Returns FRAME_ERR_RANGE for an empty,
 * out-of-bitmap or wrapping run and FRAME_ERR_DOUBLE_FREE when any frame of it
 * is already free; on error nothing changes.
 */
enum frame_error frame_bitmap_free(struct frame_bitmap *fb, size_t first, size_t count);

size_t frame_bitmap_free_count(const struct frame_bitmap *fb);

/* A short human-readable reason for err; never NULL. */
const char *frame_strerror(enum frame_error err);

#endif
