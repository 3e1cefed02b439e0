/*
 * log_ring.c - the kernel's recent log lines (see log_ring.h).
 */
#include <arch/cpu.h>
#include <arch/timer.h>
#include <core/log_ring.h>
#include <core/panic.h>
#include <core/spinlock.h>
#include <lib/string.h>

_Static_assert((LOG_RING_LINES & (LOG_RING_LINES - 1)) == 0, "the ring's size is a power of two");

struct log_line {
    uint64_t tsc;
    uint16_t length;
    uint8_t level;
    uint8_t flags;
    char text[CAIRN_LOG_TEXT_MAX];
};

extern uint64_t boot_entry_tsc;

static struct spinlock ring_lock = SPINLOCK_INIT;
static struct log_line ring[LOG_RING_LINES]; /* ring_lock; line s at s % LOG_RING_LINES */
static uint64_t ring_next;                   /* ring_lock: the next line's sequence number */

void log_ring_append(unsigned level, const char *text, size_t len)
{
    if (panic_in_progress)
        return;
    uint64_t tsc = rdtsc();
    bool irq = spin_lock(&ring_lock);
    struct log_line *l = &ring[ring_next++ % LOG_RING_LINES];
    l->tsc = tsc;
    l->level = (uint8_t)level;
    l->flags = len > CAIRN_LOG_TEXT_MAX ? CAIRN_LOG_CUT : 0;
    l->length = (uint16_t)(len > CAIRN_LOG_TEXT_MAX ? CAIRN_LOG_TEXT_MAX : len);
    memcpy(l->text, text, l->length);
    spin_unlock(&ring_lock, irq);
}

uint64_t log_ring_next(void)
{
    bool irq = spin_lock(&ring_lock);
    uint64_t next = ring_next;
    spin_unlock(&ring_lock, irq);
    return next;
}

/* Lays out line seq as a record at out. Caller holds ring_lock. */
static size_t record_put(uint64_t seq, char *out)
{
    const struct log_line *l = &ring[seq % LOG_RING_LINES];
    struct cairn_log_record r = {
        .seq = seq,
        .time_ns = l->tsc > boot_entry_tsc ? tsc_to_ns(l->tsc - boot_entry_tsc) : 0,
        .length = l->length,
        .level = l->level,
        .flags = l->flags,
    };
    size_t size = CAIRN_LOG_RECORD_SIZE(l->length);
    memset(out, 0, size);
    memcpy(out, &r, sizeof(r));
    memcpy(out + sizeof(r), l->text, l->length);
    return size;
}

size_t log_ring_copy(uint64_t seq, void *buf, size_t len, struct cairn_log_position *pos)
{
    size_t used = 0;
    bool irq = spin_lock(&ring_lock);
    uint64_t oldest = ring_next > LOG_RING_LINES ? ring_next - LOG_RING_LINES : 0;
    pos->lost = seq < oldest ? oldest - seq : 0;
    if (seq < oldest)
        seq = oldest;
    for (; seq < ring_next; seq++) {
        if (len - used < CAIRN_LOG_RECORD_SIZE(ring[seq % LOG_RING_LINES].length))
            break;
        used += record_put(seq, (char *)buf + used);
    }
    pos->next = seq;
    spin_unlock(&ring_lock, irq);
    return used;
}
