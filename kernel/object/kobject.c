/*
 * kobject.c - reference counting and deferred destruction of kernel objects.
 */
#include <arch/percpu.h>
#include <core/panic.h>
#include <core/spinlock.h>
#include <object/endpoint.h>
#include <object/kobject.h>

static struct spinlock reap_lock = SPINLOCK_INIT;
static struct list reap_queue = LIST_INIT(reap_queue); /* reap_lock */

static void (*const destructors[CAIRN_OBJ_TYPE_COUNT])(struct kobject *) = {
    [CAIRN_OBJ_THREAD] = thread_destroy_object,
    [CAIRN_OBJ_PROCESS] = process_destroy_object,
    [CAIRN_OBJ_QUOTA] = quota_destroy_object,
    [CAIRN_OBJ_NOTIFICATION] = notification_destroy_object,
    [CAIRN_OBJ_ENDPOINT] = endpoint_destroy_object,
    [CAIRN_OBJ_REPLY] = reply_destroy_object,
    [CAIRN_OBJ_MEMORY] = memory_destroy_object,
    [CAIRN_OBJ_IRQ] = irq_destroy_object,
    [CAIRN_OBJ_IRQ_CONTROL] = irq_control_destroy_object,
    [CAIRN_OBJ_IOPORT] = ioport_destroy_object,
    [CAIRN_OBJ_IOPORT_CONTROL] = ioport_control_destroy_object,
    [CAIRN_OBJ_DEVICE_MEMORY] = device_memory_control_destroy_object,
    [CAIRN_OBJ_KERNEL_LOG] = kernel_log_destroy_object,
};

void kobject_init(struct kobject *o, enum cairn_object_type type)
{
    ASSERT(type < CAIRN_OBJ_TYPE_COUNT && destructors[type], "every object type has a destructor");
    o->refs = 1;
    o->type = (uint8_t)type;
    list_init(&o->reap_link);
}

void kobject_retain(struct kobject *o)
{
    uint32_t old = __atomic_fetch_add(&o->refs, 1, __ATOMIC_RELAXED);
    ASSERT(old > 0, "an object is never revived from zero references");
}

void kobject_release(struct kobject *o)
{
    uint32_t old = __atomic_fetch_sub(&o->refs, 1, __ATOMIC_ACQ_REL);
    ASSERT(old > 0, "references never go below zero");
    if (old != 1)
        return;
    bool irq = spin_lock(&reap_lock);
    list_push_back(&reap_queue, &o->reap_link);
    spin_unlock(&reap_lock, irq);
    this_cpu()->exit_work = 1; /* reap on the way out of this system call */
}

void kobject_release_preserving(struct kobject *o)
{
    kobject_release(o);
}

void kobject_reap(void)
{
    endpoint_reap_closed();      /* may drop the last references */
    if (list_empty(&reap_queue)) /* a racy peek; a miss is caught next time */
        return;
    for (;;) {
        bool irq = spin_lock(&reap_lock);
        if (list_empty(&reap_queue)) {
            spin_unlock(&reap_lock, irq);
            return;
        }
        struct kobject *o = list_first_entry(&reap_queue, struct kobject, reap_link);
        list_remove(&o->reap_link);
        spin_unlock(&reap_lock, irq);
        destructors[o->type](o);
    }
}
