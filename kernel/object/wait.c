/*
 * wait.c - object wait queues with timeouts (see wait.h).
 */
#include <arch/cpu.h>
#include <arch/timer.h>
#include <cairn/error.h>
#include <core/sched.h>
#include <object/wait.h>

uint64_t wait_deadline(uint64_t timeout_ns)
{
    return timeout_ns == UINT64_MAX ? 0 : tsc_after_ns(rdtsc(), timeout_ns);
}

int64_t wait_block(struct spinlock *lock, struct list *queue, struct thread *self,
                   uint64_t deadline)
{
    return wait_block_handoff(lock, queue, self, deadline, NULL);
}

int64_t wait_block_handoff(struct spinlock *lock, struct list *queue, struct thread *self,
                           uint64_t deadline, struct thread *next)
{
    self->wait_done = false;
    self->wait_status = 0;
    list_push_back(queue, &self->wait_link);
    self->state = THREAD_BLOCKED;
    spin_release(lock);
    if (next)
        sched_handoff(next, deadline);
    else
        sched_block(deadline);
    spin_acquire(lock);
    if (self->wait_done)
        return self->wait_status;
    list_remove(&self->wait_link);
    return -CAIRN_E_TIMED_OUT;
}

void wait_fill(struct thread *t, int64_t status, uint64_t value)
{
    list_remove(&t->wait_link);
    t->wait_status = status;
    t->wait_value = value;
    t->wait_done = true;
}

void wait_complete(struct thread *t, int64_t status, uint64_t value)
{
    wait_fill(t, status, value);
    sched_wake(t, WAKE_SIGNALLED);
}
