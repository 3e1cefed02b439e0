/*
 * notification.h - asynchronous signals: a word of bits. signal ORs bits
 * in; wait returns the bits and clears them, blocking while there are none.
 * Interrupts and timers will deliver through notifications.
 */
#ifndef CAIRN_OBJECT_NOTIFICATION_H
#define CAIRN_OBJECT_NOTIFICATION_H

#include <core/spinlock.h>
#include <object/kobject.h>

/* Bit 63 is reserved: a wait returns the bits in RAX, where a negative
 * value means an error. */
#define NOTIFICATION_BITS_MASK 0x7fffffffffffffffull

struct notification {
    struct kobject obj;
    struct spinlock lock;
    uint64_t bits;       /* lock */
    struct list waiters; /* lock: threads blocked in notification_wait */
};

/* ORs bits in and, when a thread waits, hands it every pending bit. */
void notification_signal(struct notification *n, uint64_t bits);

#endif
