/*
 * iopb.c - loading I/O permission bitmaps into the TSS, and making a
 * changed bitmap reach every CPU (see iopb.h).
 */
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/iopb.h>
#include <arch/tlb.h>
#include <arch/trap.h>
#include <core/process.h>
#include <core/thread.h>
#include <lib/string.h>

_Static_assert(IOPB_TSS_LIMIT < 0xffff, "the I/O map offset is 16 bits");

static uint64_t next_seq = 1; /* atomic */

/* One sync is in flight at a time: its sender owns `busy` until `pending`
 * (one bit per CPU yet to acknowledge) is empty again. */
static bool busy;        /* atomic */
static uint64_t pending; /* atomic */

_Static_assert(MAX_CPUS <= 64, "pending has one bit per CPU");

void iopb_init(struct iopb *b)
{
    b->lock = (struct spinlock)SPINLOCK_INIT;
    b->bytes = 0;
    memset(b->map, 0xff, sizeof(b->map));
    b->seq = __atomic_fetch_add(&next_seq, 1, __ATOMIC_RELAXED);
}

void iopb_reset(struct iopb *b)
{
    memset(b->map, 0xff, b->bytes);
    b->bytes = 0;
}

void iopb_open(struct iopb *b, uint32_t base, uint32_t count)
{
    uint32_t port = base, last = base + count;
    for (; port < last && port % 8; port++)
        b->map[port / 8] &= (uint8_t) ~(1u << (port % 8));
    if (last - port >= 8) {
        memset(b->map + port / 8, 0, (last - port) / 8);
        port += (last - port) & ~7u;
    }
    for (; port < last; port++)
        b->map[port / 8] &= (uint8_t) ~(1u << (port % 8));
    uint32_t end = (last + 7) / 8;
    if (end > b->bytes)
        b->bytes = end;
}

void iopb_publish(struct iopb *b)
{
    b->seq = __atomic_fetch_add(&next_seq, 1, __ATOMIC_RELAXED);
}

/* Copies b into this CPU's TSS unless that version is there already. */
static void iopb_load(struct cpu *c, const struct iopb *b)
{
    spin_acquire((struct spinlock *)&b->lock);
    if (c->iopb_loaded != b || c->iopb_seq != b->seq) {
        memcpy(c->io_bitmap, b->map, b->bytes);
        if (c->iopb_bytes > b->bytes)
            memset(c->io_bitmap + b->bytes, 0xff, c->iopb_bytes - b->bytes);
        c->iopb_bytes = b->bytes;
        c->iopb_loaded = b;
        c->iopb_seq = b->seq;
    }
    spin_release((struct spinlock *)&b->lock);
}

void iopb_switch_slow(struct iopb *next)
{
    struct cpu *c = this_cpu();
    c->iopb_current = next;
    if (!next) {
        c->tss.iomap_base = IOPB_OFFSET_INVALID;
        return;
    }
    iopb_load(c, next);
    c->tss.iomap_base = IOPB_OFFSET_VALID;
}

/* The bitmap of the running thread's process, which may have got its
 * first one since the switch. The process is alive while its thread
 * runs, and so is the bitmap. */
static struct iopb *running_iopb(void)
{
    struct thread *t = this_cpu()->thread;
    return t && t->process ? __atomic_load_n(&t->process->iopb, __ATOMIC_ACQUIRE) : NULL;
}

/* Reloads the running process's bitmap if this CPU has a request. */
static void serve_request(void)
{
    uint64_t bit = 1ull << this_cpu()->index;
    if (!(__atomic_load_n(&pending, __ATOMIC_ACQUIRE) & bit))
        return;
    iopb_switch_slow(running_iopb());
    __atomic_fetch_and(&pending, ~bit, __ATOMIC_RELEASE);
}

void iopb_sync_interrupt(void)
{
    serve_request();
}

/* While it waits, a CPU serves the requests addressed to it, of this kind
 * and TLB shootdowns, so two CPUs waiting on each other make progress. */
static void wait_serving(void)
{
    serve_request();
    tlb_shootdown_interrupt();
    cpu_relax();
}

void iopb_sync(void)
{
    bool irq = irq_save();
    struct cpu *c = this_cpu();
    iopb_switch_slow(running_iopb());
    if (cpu_count > 1) {
        while (__atomic_load_n(&busy, __ATOMIC_RELAXED) ||
               __atomic_exchange_n(&busy, true, __ATOMIC_ACQUIRE))
            wait_serving();
        uint64_t targets = 0;
        for (unsigned i = 0; i < cpu_count; i++) {
            if (i != c->index)
                targets |= 1ull << i;
        }
        __atomic_store_n(&pending, targets, __ATOMIC_RELEASE);
        for (unsigned i = 0; i < cpu_count; i++) {
            if (i != c->index)
                lapic_send_ipi(cpus[i].apic_id, VECTOR_IOPB);
        }
        while (__atomic_load_n(&pending, __ATOMIC_ACQUIRE))
            wait_serving();
        __atomic_store_n(&busy, false, __ATOMIC_RELEASE);
    }
    irq_restore(irq);
}
