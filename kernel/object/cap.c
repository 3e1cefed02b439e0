/*
 * cap.c - handle tables as the kernel uses them, and the handle system
 * calls: close, duplicate, mint, revoke, info (see cap.h).
 */
#include <arch/usercopy.h>
#include <core/process.h>
#include <core/sched.h>
#include <core/spinlock.h>
#include <core/syscall_table.h>
#include <mm/kmalloc.h>
#include <object/cap.h>
#include <object/endpoint.h>
#include <object/quota.h>

/* Descendants revoked per step; the cap lock is dropped between steps so
 * revoking a huge tree never holds other CPUs up for long. */
#define REVOKE_BUDGET 64

struct spinlock cap_lock = SPINLOCK_INIT;

bool cap_lock_take(void)
{
    return spin_lock(&cap_lock);
}

void cap_lock_drop(bool irq)
{
    spin_unlock(&cap_lock, irq);
}

/* The objects that learn when their handles come and go, not only their
 * references: an endpoint ends with its last handle, however many queued
 * threads still reference it (endpoint.h). Every slot that becomes LIVE
 * holding an object comes through cap_retain() or cap_install*(); every
 * LIVE one that goes, through cap_release(). A move keeps its slot's count. */
static void (*const handle_added[CAIRN_OBJ_TYPE_COUNT])(struct kobject *) = {
    [CAIRN_OBJ_ENDPOINT] = endpoint_handle_added,
};
static void (*const handle_dropped[CAIRN_OBJ_TYPE_COUNT])(struct kobject *) = {
    [CAIRN_OBJ_ENDPOINT] = endpoint_handle_dropped,
};

static void object_handle_added(struct kobject *o)
{
    if (handle_added[o->type])
        handle_added[o->type](o);
}

static void cap_retain(void *object, enum cairn_object_type type, void *ctx)
{
    (void)type, (void)ctx;
    kobject_retain(object);
    object_handle_added(object);
}

static void cap_release(void *object, enum cairn_object_type type, void *ctx)
{
    (void)ctx;
    if (handle_dropped[type])
        handle_dropped[type](object);
    kobject_release(object);
}

/* ctx is the quota the table's memory is charged to. */
static void *cap_alloc_chunk(size_t bytes, void *ctx, enum cairn_error *err)
{
    struct quota *q = ctx;
    *err = quota_charge(q, bytes);
    if (*err != CAIRN_OK)
        return NULL;
    void *chunk = kzalloc(bytes);
    if (!chunk) {
        quota_uncharge(q, bytes);
        *err = CAIRN_E_NO_MEMORY;
    }
    return chunk;
}

static void cap_free_chunk(void *p, size_t bytes, void *ctx)
{
    quota_uncharge(ctx, bytes);
    kfree(p);
}

enum cairn_error cap_table_init(struct handle_table *t, struct handle_ops *ops, struct quota *q)
{
    *ops = (struct handle_ops){
        .retain = cap_retain,
        .release = cap_release,
        .alloc_chunk = cap_alloc_chunk,
        .free_chunk = cap_free_chunk,
        .ctx = q,
    };
    bool irq = spin_lock(&cap_lock);
    enum cairn_error err = handle_table_init(t, ops, CAP_TABLE_CAPACITY);
    spin_unlock(&cap_lock, irq);
    return err;
}

void cap_table_destroy(struct handle_table *t)
{
    bool irq = spin_lock(&cap_lock);
    handle_table_destroy(t);
    spin_unlock(&cap_lock, irq);
}

enum cairn_error cap_lookup(struct process *p, cairn_handle_t h, enum cairn_object_type type,
                            uint32_t rights, struct kobject **object, uint64_t *badge)
{
    struct handle_slot *slot;
    bool irq = spin_lock(&cap_lock);
    enum cairn_error err = handle_get(&p->handles, h, type, rights, &slot);
    if (err == CAIRN_OK) {
        *object = slot->object;
        if (badge)
            *badge = slot->badge;
        kobject_retain(*object);
    }
    spin_unlock(&cap_lock, irq);
    return err;
}

enum cairn_error cap_install(struct process *p, struct kobject *o, uint32_t rights, uint64_t badge,
                             cairn_handle_t *out)
{
    bool irq = spin_lock(&cap_lock);
    enum cairn_error err = handle_install(&p->handles, o, o->type, rights, badge, out);
    if (err == CAIRN_OK)
        object_handle_added(o);
    spin_unlock(&cap_lock, irq);
    return err;
}

enum cairn_error cap_install_derived(struct process *p, cairn_handle_t parent, struct kobject *o,
                                     uint32_t rights, cairn_handle_t *out)
{
    bool irq = spin_lock(&cap_lock);
    enum cairn_error err = handle_install_derived(&p->handles, parent, o, o->type, rights, out);
    if (err == CAIRN_OK)
        object_handle_added(o);
    spin_unlock(&cap_lock, irq);
    return err;
}

void cap_close(struct process *p, cairn_handle_t h)
{
    bool irq = spin_lock(&cap_lock);
    handle_close(&p->handles, h);
    spin_unlock(&cap_lock, irq);
}

enum cairn_error cap_grant(struct process *src, cairn_handle_t h, uint32_t rights,
                           struct process *dst, cairn_handle_t *out)
{
    bool irq = spin_lock(&cap_lock);
    /* An ended process has its table destroyed under this lock after
     * `ended` is set, so the answer holds until the lock is dropped. */
    bool pirq = spin_lock(&dst->lock);
    bool ended = dst->ended;
    spin_unlock(&dst->lock, pirq);
    enum cairn_error err =
        ended ? CAIRN_E_PEER_DEAD : handle_grant(&src->handles, h, rights, &dst->handles, out);
    spin_unlock(&cap_lock, irq);
    return err;
}

static struct handle_table *current_table(void)
{
    return &sched_current()->process->handles;
}

/* A handle argument register: a value above 32 bits names no handle (it
 * must not alias one by truncation). */
static bool handle_arg(uint64_t reg, cairn_handle_t *h)
{
    *h = (cairn_handle_t)reg;
    return reg <= UINT32_MAX;
}

/* A handle result for RAX: the value, or the negated error. */
static int64_t handle_result(enum cairn_error err, cairn_handle_t h)
{
    return err == CAIRN_OK ? (int64_t)h : -(int64_t)err;
}

SYSCALL_DEFINE(handle_close)
{
    cairn_handle_t h;
    if (!handle_arg(a0, &h))
        return -CAIRN_E_BAD_HANDLE;
    bool irq = spin_lock(&cap_lock);
    enum cairn_error err = handle_close(current_table(), h);
    spin_unlock(&cap_lock, irq);
    return -(int64_t)err;
}

SYSCALL_DEFINE(handle_duplicate)
{
    cairn_handle_t h, out = CAIRN_HANDLE_NONE;
    if (!handle_arg(a0, &h))
        return -CAIRN_E_BAD_HANDLE;
    if (a1 > UINT32_MAX)
        return -CAIRN_E_INVALID_ARGUMENT;
    struct handle_table *t = current_table();
    bool irq = spin_lock(&cap_lock);
    enum cairn_error err = handle_duplicate(t, h, (uint32_t)a1, t, &out);
    spin_unlock(&cap_lock, irq);
    return handle_result(err, out);
}

SYSCALL_DEFINE(handle_mint)
{
    cairn_handle_t h, out = CAIRN_HANDLE_NONE;
    if (!handle_arg(a0, &h))
        return -CAIRN_E_BAD_HANDLE;
    if (a1 > UINT32_MAX)
        return -CAIRN_E_INVALID_ARGUMENT;
    bool irq = spin_lock(&cap_lock);
    enum cairn_error err = handle_mint(current_table(), h, (uint32_t)a1, a2, &out);
    spin_unlock(&cap_lock, irq);
    return handle_result(err, out);
}

SYSCALL_DEFINE(handle_revoke)
{
    bool done = false;
    enum cairn_error err = CAIRN_OK;
    cairn_handle_t h;
    if (!handle_arg(a0, &h))
        return -CAIRN_E_BAD_HANDLE;
    while (err == CAIRN_OK && !done) {
        bool irq = spin_lock(&cap_lock);
        err = handle_revoke_step(current_table(), h, REVOKE_BUDGET, &done);
        spin_unlock(&cap_lock, irq);
        kobject_reap();
    }
    return -(int64_t)err;
}

SYSCALL_DEFINE(handle_info)
{
    struct handle_slot *slot;
    struct cairn_handle_info info = {0};
    cairn_handle_t h;
    if (!handle_arg(a0, &h))
        return -CAIRN_E_BAD_HANDLE;
    bool irq = spin_lock(&cap_lock);
    enum cairn_error err = handle_get(current_table(), h, CAIRN_OBJ_NONE, 0, &slot);
    if (err == CAIRN_OK)
        info = (struct cairn_handle_info){slot->type, slot->rights, slot->badge};
    spin_unlock(&cap_lock, irq);
    if (err != CAIRN_OK)
        return -(int64_t)err;
    return copy_to_user(a1, &info, sizeof(info));
}
