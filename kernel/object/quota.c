/*
 * quota.c - kernel-memory quotas (see quota.h).
 */
#include <mm/kmalloc.h>
#include <object/quota.h>

struct quota *quota_create(size_t limit)
{
    struct quota *q = kzalloc(sizeof(*q));
    if (!q)
        return NULL;
    kobject_init(&q->obj, CAIRN_OBJ_QUOTA);
    q->limit = limit;
    return q;
}

enum cairn_error quota_charge(struct quota *q, size_t bytes)
{
    bool irq = spin_lock(&q->lock);
    bool fits = bytes <= q->limit - q->used;
    if (fits)
        q->used += bytes;
    spin_unlock(&q->lock, irq);
    return fits ? CAIRN_OK : CAIRN_E_QUOTA;
}

void quota_uncharge(struct quota *q, size_t bytes)
{
    bool irq = spin_lock(&q->lock);
    q->used -= bytes;
    spin_unlock(&q->lock, irq);
}

enum cairn_error quota_charge_object(struct quota *q, struct kobject *o, size_t bytes)
{
    if (quota_charge(q, bytes) != CAIRN_OK)
        return CAIRN_E_QUOTA;
    kobject_retain(&q->obj);
    o->quota = q;
    o->charge = bytes;
    return CAIRN_OK;
}

void quota_uncharge_object(struct kobject *o)
{
    struct quota *q = o->quota;
    if (!q)
        return;
    quota_uncharge(q, o->charge);
    o->quota = NULL;
    kobject_release(&q->obj);
}

void quota_destroy_object(struct kobject *o)
{
    struct quota *q = (struct quota *)o;
    quota_uncharge_object(o);
    kfree(q);
}
