/*
 * endpoint_close.c - the end of an endpoint's last handle (see endpoint.h).
 *
 * The count changes under the cap lock, which comes after the endpoint
 * lock, so the queues are flushed later, from kobject_reap() (on the way
 * out of the system call that dropped the handle, or right after a revoke
 * step or a process's table teardown). The drop happens before the flush
 * takes ep->lock, so every call or receive either finds the count at 0
 * under that lock and fails at once, or was queued before the flush and
 * is failed by it. After the flush the sender queue holds closed_mark, so
 * neither fast path applies: a fast call hands over only to a waiting
 * receiver (none is ever queued again), a fast reply_recv queues its
 * receiver only while no sender is queued. Before the flush a fast call
 * may still hand its message to a waiting receiver: that call was received
 * before the close, and is answered as any other.
 */
#include <arch/percpu.h>
#include <cairn/error.h>
#include <core/spinlock.h>
#include <object/endpoint.h>
#include <object/wait.h>

static struct spinlock closing_lock = SPINLOCK_INIT;
static struct list closing_queue = LIST_INIT(closing_queue); /* closing_lock */

void endpoint_handle_added(struct kobject *o)
{
    struct endpoint *ep = (struct endpoint *)o;
    __atomic_store_n(&ep->handles, ep->handles + 1, __ATOMIC_RELAXED);
}

void endpoint_handle_dropped(struct kobject *o)
{
    struct endpoint *ep = (struct endpoint *)o;
    uint32_t left = ep->handles - 1;
    __atomic_store_n(&ep->handles, left, __ATOMIC_RELEASE);
    if (left != 0)
        return;
    /* The dropped handle's reference is still held: the flush keeps one. */
    kobject_retain(&ep->obj);
    bool irq = spin_lock(&closing_lock);
    list_push_back(&closing_queue, &ep->closing_link);
    spin_unlock(&closing_lock, irq);
    this_cpu()->exit_work = 1;
}

static void fail_queue(struct list *queue)
{
    while (!list_empty(queue)) {
        struct thread *t = list_first_entry(queue, struct thread, wait_link);
        t->ipc_phase = IPC_IDLE;
        wait_complete(t, -CAIRN_E_PEER_DEAD, 0);
    }
}

static void endpoint_flush(struct endpoint *ep)
{
    spin_acquire(&ep->lock);
    fail_queue(&ep->senders);
    fail_queue(&ep->receivers);
    list_push_back(&ep->senders, &ep->closed_mark);
    spin_release(&ep->lock);
    kobject_release(&ep->obj);
}

void endpoint_reap_closed(void)
{
    if (list_empty(&closing_queue)) /* a racy peek; a miss is caught next time */
        return;
    for (;;) {
        bool irq = spin_lock(&closing_lock);
        if (list_empty(&closing_queue)) {
            spin_unlock(&closing_lock, irq);
            return;
        }
        struct endpoint *ep = list_first_entry(&closing_queue, struct endpoint, closing_link);
        list_remove(&ep->closing_link);
        spin_unlock(&closing_lock, irq);
        endpoint_flush(ep);
    }
}
