/*
 * notification.c - notification objects and their system calls.
 */
#include <cairn/error.h>
#include <core/process.h>
#include <core/sched.h>
#include <core/syscall_table.h>
#include <mm/kmalloc.h>
#include <object/cap.h>
#include <object/notification.h>
#include <object/quota.h>
#include <object/wait.h>

#define NOTIFICATION_RIGHTS                                                                        \
    (CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_WAIT | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER |        \
     CAIRN_RIGHT_REVOKE)

void notification_signal(struct notification *n, uint64_t bits)
{
    bool irq = spin_lock(&n->lock);
    n->bits |= bits;
    if (!list_empty(&n->waiters)) {
        struct thread *t = list_first_entry(&n->waiters, struct thread, wait_link);
        wait_complete(t, 0, n->bits);
        n->bits = 0;
    }
    spin_unlock(&n->lock, irq);
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
