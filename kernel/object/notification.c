/*
 * notification.c - notification objects, their binding to threads, and
 * their system calls.
 */
#include <cairn/error.h>
#include <core/process.h>
#include <core/sched.h>
#include <core/syscall_table.h>
#include <mm/kmalloc.h>
#include <object/cap.h>
#include <object/endpoint.h>
#include <object/notification.h>
#include <object/quota.h>
#include <object/wait.h>

#define NOTIFICATION_RIGHTS                                                                        \
    (CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_WAIT | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER |        \
     CAIRN_RIGHT_REVOKE)

/* Serialises binding and unbinding (thread->bound_notification, and with
 * each notification's lock, notification->bound). Taken before any
 * notification lock. */
static struct spinlock bind_lock = SPINLOCK_INIT;

void notification_signal(struct notification *n, uint64_t bits)
{
    bool irq = spin_lock(&n->lock);
    n->bits |= bits;
    if (!list_empty(&n->waiters)) {
        struct thread *t = list_first_entry(&n->waiters, struct thread, wait_link);
        wait_complete(t, 0, n->bits);
        n->bits = 0;
    } else if (n->receiving_on && endpoint_wake_receiver(n->receiving_on, n->bound, n->bits)) {
        n->bits = 0;
        n->receiving_on = NULL;
    }
    spin_unlock(&n->lock, irq);
}

uint64_t notification_take_bits(struct notification *n)
{
    uint64_t bits = n->bits;
    n->bits = 0;
    return bits;
}

struct notification *notification_bound_get(struct thread *t)
{
    if (!__atomic_load_n(&t->bound_notification, __ATOMIC_RELAXED))
        return NULL;
    bool irq = spin_lock(&bind_lock);
    struct notification *n = t->bound_notification;
    if (n)
        kobject_retain(&n->obj);
    spin_unlock(&bind_lock, irq);
    return n;
}

void notification_receiving(struct notification *n, struct thread *t, struct endpoint *ep)
{
    if (n->bound == t)
        n->receiving_on = ep;
}

void notification_receive_done(struct notification *n, struct thread *t, struct endpoint *ep)
{
    bool irq = spin_lock(&n->lock);
    /* ep lives only while t's receive holds it: no pointer to it may stay. */
    if (n->bound == t && n->receiving_on == ep)
        n->receiving_on = NULL;
    spin_unlock(&n->lock, irq);
    kobject_release(&n->obj);
}

/* Undoes the binding of n and t; the caller drops the binding's reference
 * to n afterwards. bind_lock held. */
static void unbind_locked(struct notification *n, struct thread *t)
{
    spin_acquire(&n->lock);
    n->bound = NULL;
    n->receiving_on = NULL;
    spin_release(&n->lock);
    __atomic_store_n(&t->bound_notification, NULL, __ATOMIC_RELAXED);
}

void notification_thread_exit(struct thread *t)
{
    bool irq = spin_lock(&bind_lock);
    struct notification *n = t->bound_notification;
    t->bind_closed = true;
    if (n)
        unbind_locked(n, t);
    spin_unlock(&bind_lock, irq);
    if (n)
        kobject_release(&n->obj);
}

/* Binds n to t: errors BUSY (either is bound already), PEER_DEAD (t has
 * ended). On success the binding takes a reference to n. */
static enum cairn_error bind_to(struct notification *n, struct thread *t)
{
    enum cairn_error err = CAIRN_OK;
    bool irq = spin_lock(&bind_lock);
    if (t->bind_closed)
        err = CAIRN_E_PEER_DEAD;
    else if (n->bound || t->bound_notification)
        err = CAIRN_E_BUSY;
    if (err == CAIRN_OK) {
        kobject_retain(&n->obj);
        spin_acquire(&n->lock);
        n->bound = t;
        spin_release(&n->lock);
        __atomic_store_n(&t->bound_notification, n, __ATOMIC_RELAXED);
    }
    spin_unlock(&bind_lock, irq);
    return err;
}

void notification_destroy_object(struct kobject *o)
{
    quota_uncharge_object(o);
    kfree(o);
}

SYSCALL_DEFINE(notification_create)
{
    struct process *p = sched_current()->process;
    struct notification *n = kzalloc(sizeof(*n));
    if (!n)
        return -CAIRN_E_NO_MEMORY;
    kobject_init(&n->obj, CAIRN_OBJ_NOTIFICATION);
    list_init(&n->waiters);
    enum cairn_error err = quota_charge_object(p->quota, &n->obj, sizeof(*n));
    cairn_handle_t h = CAIRN_HANDLE_NONE;
    if (err == CAIRN_OK)
        err = cap_install(p, &n->obj, NOTIFICATION_RIGHTS, 0, &h);
    if (err != CAIRN_OK) {
        kobject_release(&n->obj);
        return -(int64_t)err;
    }
    return h;
}

SYSCALL_DEFINE(notification_signal)
{
    struct kobject *o;
    if (a1 == 0 || (a1 & ~NOTIFICATION_BITS_MASK))
        return -CAIRN_E_INVALID_ARGUMENT;
    if (a0 > UINT32_MAX)
        return -CAIRN_E_BAD_HANDLE;
    enum cairn_error err = cap_lookup(sched_current()->process, (cairn_handle_t)a0,
                                      CAIRN_OBJ_NOTIFICATION, CAIRN_RIGHT_SIGNAL, &o, NULL);
    if (err != CAIRN_OK)
        return -(int64_t)err;
    notification_signal((struct notification *)o, a1);
    kobject_release(o);
    return 0;
}

SYSCALL_DEFINE(notification_wait)
{
    struct kobject *o;
    struct thread *self = sched_current();
    if (a0 > UINT32_MAX)
        return -CAIRN_E_BAD_HANDLE;
    enum cairn_error err = cap_lookup(self->process, (cairn_handle_t)a0, CAIRN_OBJ_NOTIFICATION,
                                      CAIRN_RIGHT_WAIT, &o, NULL);
    if (err != CAIRN_OK)
        return -(int64_t)err;
    struct notification *n = (struct notification *)o;
    int64_t result;

    bool irq = spin_lock(&n->lock);
    if (n->bits) {
        result = (int64_t)n->bits;
        n->bits = 0;
    } else if (a1 == 0) {
        result = -CAIRN_E_WOULD_BLOCK;
    } else {
        result = wait_block(&n->lock, &n->waiters, self, wait_deadline(a1));
        if (result == 0)
            result = (int64_t)self->wait_value;
    }
    spin_unlock(&n->lock, irq);
    kobject_release(o);
    return result;
}

/* The thread a notification_bind names: a thread handle with MANAGE of a
 * thread of the caller's process, or CAIRN_HANDLE_NONE for the caller.
 * Returns it with a new reference. */
static enum cairn_error bind_target(uint64_t reg, struct thread **out)
{
    struct thread *self = sched_current();
    struct kobject *o;
    if (reg == CAIRN_HANDLE_NONE) {
        kobject_retain(&self->obj);
        *out = self;
        return CAIRN_OK;
    }
    if (reg > UINT32_MAX)
        return CAIRN_E_BAD_HANDLE;
    enum cairn_error err = cap_lookup(self->process, (cairn_handle_t)reg, CAIRN_OBJ_THREAD,
                                      CAIRN_RIGHT_MANAGE, &o, NULL);
    if (err != CAIRN_OK)
        return err;
    *out = (struct thread *)o;
    if ((*out)->process == self->process)
        return CAIRN_OK;
    kobject_release(o);
    return CAIRN_E_ACCESS_DENIED;
}

static enum cairn_error lookup_notification(uint64_t reg, uint32_t rights, struct notification **n)
{
    struct kobject *o;
    if (reg > UINT32_MAX)
        return CAIRN_E_BAD_HANDLE;
    enum cairn_error err = cap_lookup(sched_current()->process, (cairn_handle_t)reg,
                                      CAIRN_OBJ_NOTIFICATION, rights, &o, NULL);
    *n = (struct notification *)o;
    return err;
}

SYSCALL_DEFINE(notification_bind)
{
    struct notification *n;
    struct thread *t;
    enum cairn_error err = lookup_notification(a0, CAIRN_RIGHT_WAIT, &n);
    if (err != CAIRN_OK)
        return -(int64_t)err;
    err = bind_target(a1, &t);
    if (err == CAIRN_OK) {
        err = bind_to(n, t);
        kobject_release(&t->obj);
    }
    kobject_release(&n->obj);
    return -(int64_t)err;
}

/* Undoes the binding of the notification a0 names, or with 0 the calling
 * thread's. Returns the notification that was bound (its binding's
 * reference is the caller's to drop), or NULL. bind_lock held. */
static struct notification *unbind_named(struct notification *named)
{
    struct thread *self = sched_current();
    struct notification *n = named ? named : self->bound_notification;
    struct thread *t = n ? n->bound : NULL;
    if (!t)
        return NULL;
    unbind_locked(n, t);
    return n;
}

SYSCALL_DEFINE(notification_unbind)
{
    struct notification *named = NULL;
    if (a0 != CAIRN_HANDLE_NONE) {
        enum cairn_error err = lookup_notification(a0, CAIRN_RIGHT_WAIT, &named);
        if (err != CAIRN_OK)
            return -(int64_t)err;
    }
    bool irq = spin_lock(&bind_lock);
    struct notification *n = unbind_named(named);
    spin_unlock(&bind_lock, irq);
    if (n)
        kobject_release(&n->obj); /* the binding's reference */
    if (named)
        kobject_release(&named->obj);
    return n ? 0 : -CAIRN_E_NOT_FOUND;
}
