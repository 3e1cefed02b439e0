/*
 * tlb.h - keeping every CPU's TLB in step with user page tables.
 *
 * After the kernel removes a user translation or takes permissions away,
 * any CPU that has the address space loaded may still hold the old entry
 * (and cached upper-level entries). tlb_shootdown() flushes the range on
 * the calling CPU and sends VECTOR_TLB to every other online CPU,
 * then waits until each has acknowledged: a CPU whose CR3 is the root
 * flushes the range (invlpg, or a CR3 reload for large ranges); any other
 * has nothing cached for it, because every root uses PCID 0 and loading
 * CR3 drops all non-global entries of PCID 0.
 *
 * Only when tlb_shootdown() returns may the caller free the frames and page
 * tables the old entries pointed at.
 */
#ifndef CAIRN_ARCH_TLB_H
#define CAIRN_ARCH_TLB_H

#include <stdint.h>

/*
 * Flushes [va, va+len) of root on every CPU. Any context with no spinlock
 * held (another CPU spinning on it with interrupts off would never
 * acknowledge). Interrupts may be off: while it waits for its turn, the
 * caller serves requests addressed to its own CPU, so two CPUs shooting
 * down at once cannot deadlock.
 */
void tlb_shootdown(uint64_t root, uint64_t va, uint64_t len);

/* The same for every user address space at once: each CPU drops every
 * non-global translation (a CR3 reload). For changes that reach pages in
 * several address spaces, such as a copy-on-write clone or copy. */
void tlb_shootdown_all(void);

/* The VECTOR_TLB handler (before its EOI). */
void tlb_shootdown_interrupt(void);

#endif
