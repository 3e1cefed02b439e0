/*
 * endpoint.h - synchronous IPC endpoints: call, receive, reply.
 *
 * A caller blocks until a receiver takes its message, then until that
 * receiver replies; the receiver sees the badge of the caller's handle.
 * Each thread can owe one reply (thread->reply_to), which it may move
 * into a reply object (object/reply.h) to answer later. Locking: an
 * endpoint's lock protects its queues and the IPC phase of every thread
 * blocked on it.
 * Lock order: a bound notification's lock, the endpoint lock, the vm locks
 * of the two processes of a long message, the cap lock, run-queue locks.
 */
#ifndef CAIRN_OBJECT_ENDPOINT_H
#define CAIRN_OBJECT_ENDPOINT_H

#include <core/spinlock.h>
#include <core/thread.h>
#include <object/kobject.h>

struct reply;

struct endpoint {
    struct kobject obj;
    struct spinlock lock;
    struct list senders;   /* lock: callers whose message nobody took yet */
    struct list receivers; /* lock: threads blocked in receive */
    /* LIVE handle slots naming it (cap lock; read under lock). It never
     * rises from 0: only a handle can make another. At 0 the endpoint is
     * closed (endpoint_close.c): queued callers and receivers fail with
     * PEER_DEAD, later calls and receives at once. */
    uint32_t handles;
    struct list closing_link; /* on the closing queue until flushed */
    /* lock: once flushed, the only node on `senders`, for ever: it sends
     * both fast paths to the slow path, which checks `handles` first. */
    struct list closed_mark;
};

/* Whether ep's last handle has gone. ep->lock held: a thread that finds
 * it false may queue, as the flush that follows the drop takes the lock
 * after it and finds the thread queued. */
static inline bool endpoint_closed(const struct endpoint *ep)
{
    return __atomic_load_n(&ep->handles, __ATOMIC_ACQUIRE) == 0;
}

/* A handle slot now names endpoint o / a LIVE one naming it goes (closed,
 * revoked, its table destroyed; a move is neither). Cap lock held. The
 * last one queues the endpoint to be flushed by endpoint_reap_closed(). */
void endpoint_handle_added(struct kobject *o);
void endpoint_handle_dropped(struct kobject *o);

/* Fails every caller queued on each endpoint whose last handle went, and
 * wakes its receivers, with PEER_DEAD. Runs first in kobject_reap(): no
 * locks held, interrupts off. */
void endpoint_reap_closed(void);

/* A call the kernel makes on behalf of the calling thread (a page fault
 * sent to its pager, object/fault.h): msg goes out as if the thread had
 * called ipc_call with a handle badged `badge`, and on success the reply
 * replaces *msg. Blocks until the reply; returns 0, or -CAIRN_E_PEER_DEAD
 * when the receiver ended first or the thread's process is exiting.
 * Interrupts off, no locks held. */
int64_t endpoint_kernel_call(struct endpoint *ep, uint64_t badge, struct ipc_message *msg);

/* If t is blocked receiving on ep, ends its receive with the bits of its
 * bound notification (descriptor CAIRN_MSGINFO_NOTIFIED, badge = bits) and
 * returns true. Called under the notification's lock (which comes before
 * ep->lock), while t's receive holds a reference to ep. */
bool endpoint_wake_receiver(struct endpoint *ep, struct thread *t, uint64_t bits);

/* Moves the reply self owes (self->reply_to is set) into r, a reply
 * object for self->reply_ep (object/reply.h), and ends self's debt.
 * PEER_DEAD when the caller gave up meanwhile: the debt ends all the
 * same and r stays unlinked. Interrupts off, no locks held. */
enum cairn_error endpoint_reply_detach(struct thread *self, struct reply *r);

/* Checks the calling thread's outgoing reply `info` as ipc_reply does
 * (and loads its capability list, ipc_buffer.h) and fills *reply from
 * the registers of its frame. Errors: those of ipc_reply that are the
 * replier's own (INVALID_ARGUMENT, TOO_LARGE, BAD_ADDRESS and the handle
 * errors of the list). */
enum cairn_error endpoint_reply_load(struct thread *self, uint64_t info, struct ipc_message *reply);

/* A dying thread that owes a reply wakes its caller with PEER_DEAD. */
void endpoint_thread_exit(struct thread *t);

#endif
