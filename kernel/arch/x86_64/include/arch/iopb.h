/*
 * iopb.h - I/O permission bitmaps: which x86 I/O ports ring 3 may use.
 *
 * A process that was granted ports (object/ioport.h) has a struct iopb;
 * every CPU's TSS has room for one bitmap right after it (struct cpu's
 * io_bitmap). Switching to a thread whose process has a bitmap copies it
 * into the TSS unless that exact version is there already, and points
 * the TSS's I/O map base at it; switching to any other thread points the
 * base past the TSS limit, so every port faults (#GP). As with Linux's
 * TIF_IO_BITMAP, a switch between processes without ports costs two loads
 * and a compare.
 *
 * Changing a bitmap: take its lock, iopb_reset() and iopb_open() the
 * ranges, iopb_publish(), drop the lock, then iopb_sync(): when that
 * returns, no CPU runs ring 3 code with an older version of any bitmap.
 */
#ifndef CAIRN_ARCH_IOPB_H
#define CAIRN_ARCH_IOPB_H

#include <arch/percpu.h>
#include <core/spinlock.h>
#include <stdint.h>

#define IOPB_OFFSET_VALID   ((uint16_t)sizeof(struct tss))
#define IOPB_TSS_LIMIT      (sizeof(struct tss) + IOPB_BYTES + 1 - 1)
#define IOPB_OFFSET_INVALID ((uint16_t)(IOPB_TSS_LIMIT + 1))

struct iopb {
    struct spinlock lock; /* a leaf: taken under run-queue locks by the switch */
    uint64_t seq;         /* lock: the version, unique among every bitmap's versions */
    uint32_t bytes;       /* lock: map[bytes..] are all ones */
    uint8_t map[IOPB_BYTES];
};

/* A new bitmap with every port closed. */
void iopb_init(struct iopb *b);

/* Close every port; open [base, base+count) (count >= 1, base+count at
 * most 65536); make the change a new version. Caller holds b->lock. */
void iopb_reset(struct iopb *b);
void iopb_open(struct iopb *b, uint32_t base, uint32_t count);
void iopb_publish(struct iopb *b);

/* Makes every CPU that runs a thread whose process's bitmap changed load
 * the new version before it returns to ring 3 again (VECTOR_IOPB to every
 * other CPU, acknowledged before this returns). Any context with no
 * spinlock held; interrupts may be off. */
void iopb_sync(void);

/* The VECTOR_IOPB handler (before its EOI). */
void iopb_sync_interrupt(void);

/* Loads next's current version (or no bitmap) into this CPU's TSS,
 * whatever is loaded now. Interrupts off. */
void iopb_switch_slow(struct iopb *next);

/* At a thread switch, interrupts off: next is the bitmap of the next
 * thread's process, NULL for a process without ports or a kernel thread.
 * iopb_current always names the running thread's bitmap and every sync
 * reloads it where it runs, so an equal pointer means nothing to do: the
 * whole cost for processes without ports is one compare. */
static inline void iopb_switch(struct iopb *next)
{
    struct iopb *current;
    __asm__ volatile("mov %%gs:%c1, %0" : "=r"(current) : "i"(offsetof(struct cpu, iopb_current)));
    if (next != current)
        iopb_switch_slow(next);
}

#endif
