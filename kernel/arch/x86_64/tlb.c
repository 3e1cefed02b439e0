/*
 * tlb.c - TLB shootdown across CPUs (see tlb.h).
 */
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/layout.h>
#include <arch/paging.h>
#include <arch/percpu.h>
#include <arch/tlb.h>
#include <arch/trap.h>

/* Beyond this many pages one CR3 reload costs less than invlpg per page. */
#define TLB_INVLPG_MAX_PAGES 32

/* One request is in flight at a time: its sender owns `busy` from before it
 * writes `request` until `pending` is empty again. */
static bool busy; /* atomic */
static struct {
    uint64_t root, va, len;
} request;               /* written by the owner of busy, read by CPUs in pending */
static uint64_t pending; /* atomic: bit i set while cpus[i] has yet to flush request */

_Static_assert(MAX_CPUS <= 64, "pending has one bit per CPU");

/* root 0 (no address space has it) asks every CPU to flush everything. */
static void flush_local(uint64_t root, uint64_t va, uint64_t len)
{
    if (root && (read_cr3() & PTE_ADDR) != root)
        return;
    if (!root || len / PAGE_SIZE > TLB_INVLPG_MAX_PAGES) {
        paging_switch(read_cr3()); /* bit 63 clear: drops PCID 0's entries */
        return;
    }
    for (uint64_t off = 0; off < len; off += PAGE_SIZE)
        invlpg(va + off);
}

/* Flushes the current request if it is addressed to this CPU. An interrupt
 * that arrives after a poll already served its request finds nothing. */
static void serve_request(void)
{
    uint64_t bit = 1ull << this_cpu()->index;
    if (!(__atomic_load_n(&pending, __ATOMIC_ACQUIRE) & bit))
        return;
    flush_local(request.root, request.va, request.len);
    __atomic_fetch_and(&pending, ~bit, __ATOMIC_RELEASE);
}

void tlb_shootdown_interrupt(void)
{
    serve_request();
}

static void acquire_sender_slot(void)
{
    for (;;) {
        if (!__atomic_load_n(&busy, __ATOMIC_RELAXED) &&
            !__atomic_exchange_n(&busy, true, __ATOMIC_ACQUIRE))
            return;
        serve_request(); /* the current sender may be waiting for us */
        cpu_relax();
    }
}

void tlb_shootdown(uint64_t root, uint64_t va, uint64_t len)
{
    bool irq = irq_save();
    unsigned self = this_cpu()->index;
    flush_local(root, va, len);
    if (cpu_count > 1) {
        acquire_sender_slot();
        request.root = root;
        request.va = va;
        request.len = len;
        uint64_t targets = 0;
        for (unsigned i = 0; i < cpu_count; i++) {
            if (i != self)
                targets |= 1ull << i;
        }
        __atomic_store_n(&pending, targets, __ATOMIC_RELEASE);
        for (unsigned i = 0; i < cpu_count; i++) {
            if (i != self)
                lapic_send_ipi(cpus[i].apic_id, VECTOR_TLB);
        }
        while (__atomic_load_n(&pending, __ATOMIC_ACQUIRE))
            cpu_relax();
        __atomic_store_n(&busy, false, __ATOMIC_RELEASE);
    }
    irq_restore(irq);
}

void tlb_shootdown_all(void)
{
    tlb_shootdown(0, 0, 0);
}
