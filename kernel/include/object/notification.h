/*
 * notification.h - asynchronous signals: a word of bits. signal ORs bits
 * in; wait returns the bits and clears them, blocking while there are none.
 * Interrupts and timers will deliver through notifications.
 *
 * A notification may be bound to one thread of the process (and a thread
 * has at most one bound notification, seL4 style): the thread's receives
 * on any endpoint then also end when bits are signalled, returning them
 * with the descriptor flag CAIRN_MSGINFO_NOTIFIED. The binding holds a
 * reference to the notification (thread->bound_notification) until it is
 * undone or the thread ends; notification->bound is a plain pointer,
 * cleared at the same moments. Both change under one global bind lock and
 * the notification's lock.
 */
#ifndef CAIRN_OBJECT_NOTIFICATION_H
#define CAIRN_OBJECT_NOTIFICATION_H

#include <core/spinlock.h>
#include <object/kobject.h>

/* Bit 63 is reserved: a wait returns the bits in RAX, where a negative
 * value means an error. */
#define NOTIFICATION_BITS_MASK 0x7fffffffffffffffull

struct endpoint;
struct thread;

struct notification {
    struct kobject obj;
    struct spinlock lock;
    uint64_t bits;                 /* lock */
    struct list waiters;           /* lock: threads blocked in notification_wait */
    struct thread *bound;          /* lock and bind lock: the bound thread, or NULL */
    struct endpoint *receiving_on; /* lock: where `bound` is blocked receiving, or NULL */
};

/* ORs bits in and, when a thread waits (in notification_wait, or the
 * bound thread in a receive), hands it every pending bit. */
void notification_signal(struct notification *n, uint64_t bits);

/* t's bound notification with a new reference, or NULL. */
struct notification *notification_bound_get(struct thread *t);

/* Returns and clears the pending bits (0: none). n->lock held. */
uint64_t notification_take_bits(struct notification *n);

/* The bound thread t is about to block receiving on ep (n->lock and then
 * ep->lock held): a signal now ends that receive. */
void notification_receiving(struct notification *n, struct thread *t, struct endpoint *ep);

/* t's receive on ep is over; drops the reference notification_bound_get
 * gave. No lock held. */
void notification_receive_done(struct notification *n, struct thread *t, struct endpoint *ep);

/* A thread ends: its binding goes, and none can be made any more. */
void notification_thread_exit(struct thread *t);

#endif
