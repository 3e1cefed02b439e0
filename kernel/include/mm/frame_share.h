/*
 * frame_share.h - frames owned by more than one memory object, for
 * copy-on-write clones (object/memory.h).
 *
 * Every frame has an owner count, kept as "owners - 1" so that the table
 * starts all zero and a frame nobody shares needs no bookkeeping: a frame
 * from frame_alloc() has one owner. Each owner drops its ownership with
 * frame_share_put(), and the last one to do so frees the frame, exactly
 * once. Safe from any context; callers serialise nothing (atomics).
 */
#ifndef CAIRN_MM_FRAME_SHARE_H
#define CAIRN_MM_FRAME_SHARE_H

#include <stdbool.h>
#include <stdint.h>

/* Allocates the table. Boot CPU, after paging_init(). */
void frame_share_init(void);

/* Adds an owner to an allocated frame; the caller is an owner already, so
 * the frame cannot go meanwhile. */
void frame_share_get(uint64_t phys);

/* Drops one owner; frees the frame when it was the last. */
void frame_share_put(uint64_t phys);

/* Whether phys has more than one owner. Only an owner may ask, and the
 * answer can turn from true to false at any time (another owner dropping
 * out), never from false to true unless the asker adds an owner itself. */
bool frame_share_shared(uint64_t phys);

#endif
