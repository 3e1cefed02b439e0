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

/* spin_release() and spin_try_acquire() of a lock named as an lvalue
 * (obj->lock) rather than through a pointer: the compiler then addresses
 * its fields from obj, where a pointer to the lock would cost it a
 * register and an instruction (the IPC fast path counts those). */
#define SPIN_RELEASE(lock) __asm__ volatile("addl $1, %0" : "+m"((lock).serving) : : "memory")

/* Free when next == serving: take ticket `serving`, by LOCK CMPXCHG on the
 * fields as memory operands. */
#define SPIN_TRY_ACQUIRE(lock)                                                                     \
    ({                                                                                             \
        uint32_t expected_ = (lock).serving;                                                       \
        bool taken_;                                                                               \
        __asm__ volatile("lock cmpxchgl %3, %1"                                                    \
                         : "+a"(expected_), "+m"((lock).next), "=@ccz"(taken_)                     \
                         : "r"(expected_ + 1)                                                      \
                         : "memory");                                                              \
        taken_;                                                                                    \
    })

/* Only the holder writes `serving`, so a plain read-modify-write is
 * enough: one ADD to memory, a release store on x86 (the "memory" clobber
 * keeps the compiler from moving accesses past it). */
static inline void spin_release(struct spinlock *l)
{
    SPIN_RELEASE(*l);
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
    return SPIN_TRY_ACQUIRE(*l);
}

#endif
