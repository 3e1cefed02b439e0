/*
 * wait.h - blocking a thread on a kernel object's wait queue with an
 * optional timeout, and handing it a result.
 *
 * The protocol: the waiter queues itself under the object's lock and calls
 * wait_block(); a waker dequeues it under the same lock and calls
 * wait_complete(). Whether the waiter got a result is decided by
 * wait_done under the object lock, never by the wake reason, so a result
 * that races with the timeout is kept.
 */
#ifndef CAIRN_OBJECT_WAIT_H
#define CAIRN_OBJECT_WAIT_H

#include <core/spinlock.h>
#include <core/thread.h>
#include <stdint.h>

/* timeout_ns: 0 means do not block, UINT64_MAX means no timeout. */
uint64_t wait_deadline(uint64_t timeout_ns);

/* Queues self on queue and blocks until woken or the deadline. Called and
 * returns with *lock held (it is dropped while blocked). Returns 0 with
 * self->wait_value set, or -CAIRN_E_TIMED_OUT (self no longer queued). */
int64_t wait_block(struct spinlock *lock, struct list *queue, struct thread *self,
                   uint64_t deadline);

/* The same, handing the CPU to `next` (which the caller completed with
 * wait_fill()) on the way; next may be NULL. */
int64_t wait_block_handoff(struct spinlock *lock, struct list *queue, struct thread *self,
                           uint64_t deadline, struct thread *next);

/* Takes t off its queue and wakes it with status and value. Caller holds
 * the object lock; t must be queued. */
void wait_complete(struct thread *t, int64_t status, uint64_t value);

/* Gives t its result and takes it off its queue without waking it: the
 * caller then hands the CPU to it (sched_handoff) or wakes it. */
void wait_fill(struct thread *t, int64_t status, uint64_t value);

#endif
