/*
 * endpoint.h - synchronous IPC endpoints: call, receive, reply.
 *
 * A caller blocks until a receiver takes its message, then until that
 * receiver replies; the receiver sees the badge of the caller's handle.
 * Each thread can owe one reply (thread->reply_to). Locking: an endpoint's
 * lock protects its queues and the IPC phase of every thread blocked on it.
 */
#ifndef CAIRN_OBJECT_ENDPOINT_H
#define CAIRN_OBJECT_ENDPOINT_H

#include <core/spinlock.h>
#include <core/thread.h>
#include <object/kobject.h>

struct endpoint {
    struct kobject obj;
    struct spinlock lock;
    struct list senders;   /* lock: callers whose message nobody took yet */
    struct list receivers; /* lock: threads blocked in receive */
};

/* A dying thread that owes a reply wakes its caller with PEER_DEAD. */
void endpoint_thread_exit(struct thread *t);

#endif
