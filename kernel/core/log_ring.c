/*
 * log_ring.c - the kernel's recent log lines (see log_ring.h).
 */
#include <arch/cpu.h>
#include <arch/timer.h>
#include <core/log_ring.h>
#include <core/panic.h>
#include <core/spinlock.h>
#include <lib/logbuf.h>

extern uint64_t boot_entry_tsc;

static struct spinlock ring_lock = SPINLOCK_INIT;
static struct logbuf ring; /* ring_lock */

/* Nanoseconds since boot of a TSC stamp (0 for lines logged before the
 * TSC was calibrated or before boot_entry_tsc). */
static uint64_t stamp_to_ns(uint64_t tsc)
{
    return tsc > boot_entry_tsc ? tsc_to_ns(tsc - boot_entry_tsc) : 0;
}

void log_ring_append(unsigned level, const char *text, size_t len)
{
    if (panic_in_progress)
        return;
    uint64_t tsc = rdtsc();
    bool irq = spin_lock(&ring_lock);
    logbuf_put(&ring, tsc, level, text, len);
    spin_unlock(&ring_lock, irq);
}

uint64_t log_ring_next(void)
{
    bool irq = spin_lock(&ring_lock);
    uint64_t next = ring.next;
    spin_unlock(&ring_lock, irq);
    return next;
}

size_t log_ring_copy(uint64_t seq, void *buf, size_t len, struct cairn_log_position *pos)
{
    bool irq = spin_lock(&ring_lock);
    size_t used = logbuf_copy(&ring, seq, buf, len, pos, stamp_to_ns);
    spin_unlock(&ring_lock, irq);
    return used;
}
