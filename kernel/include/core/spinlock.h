/*
 * spinlock.h - ticket spinlocks that also disable interrupts on the holder's
 * CPU, so an interrupt handler can never spin on a lock its own CPU holds.
 */
#ifndef CAIRN_CORE_SPINLOCK_H
#define CAIRN_CORE_SPINLOCK_H

#include <arch/cpu.h>
#include <stdbool.h>
#include <stdint.h>

struct spinlock {
    volatile uint32_t next;
    volatile uint32_t serving;
};

#define SPINLOCK_INIT                                                                              \
    {                                                                                              \
        0, 0                                                                                       \
    }

/* Returns the caller's previous interrupt state for spin_unlock(). */
static inline bool spin_lock(struct spinlock *l)
{
    bool irq = irq_save();
    uint32_t ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
    while (__atomic_load_n(&l->serving, __ATOMIC_ACQUIRE) != ticket)
        cpu_relax();
    return irq;
}

/* Only the holder writes `serving`, so a plain read-modify-write is
 * enough: one ADD to memory, a release store on x86 (the "memory" clobber
 * keeps the compiler from moving accesses past it). */
static inline void spin_release(struct spinlock *l)
{
    __asm__ volatile("addl $1, %0" : "+m"(l->serving) : : "memory");
}

static inline void spin_unlock(struct spinlock *l, bool irq)
{
    spin_release(l);
    irq_restore(irq);
}

/* The same without touching the interrupt flag, for callers that already
 * run with interrupts off (the scheduler, interrupt handlers). */
static inline void spin_acquire(struct spinlock *l)
{
    uint32_t ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
    while (__atomic_load_n(&l->serving, __ATOMIC_ACQUIRE) != ticket)
        cpu_relax();
}

/* Takes the lock only if nobody holds or waits for it. */
static inline bool spin_try_acquire(struct spinlock *l)
{
    /* Free when next == serving: take ticket `serving`. LOCK CMPXCHG by
     * hand, on l's fields as memory operands (the builtin makes the
     * compiler keep &l->next in a register besides l). */
    uint32_t expected = l->serving;
    bool taken;
    __asm__ volatile("lock cmpxchgl %3, %1"
                     : "+a"(expected), "+m"(l->next), "=@ccz"(taken)
                     : "r"(expected + 1)
                     : "memory");
    return taken;
}

#endif
