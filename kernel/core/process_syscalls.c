/*
 * process_syscalls.c - processes from user space: process_create,
 * process_kill, process_watch, process_info and handle_grant (see
 * core/process.h for the object and docs/syscalls.md for the calls).
 */
#include <arch/usercopy.h>
#include <cairn/error.h>
#include <cairn/process.h>
#include <core/process.h>
#include <core/sched.h>
#include <core/syscall_table.h>
#include <object/cap.h>
#include <object/notification.h>
#include <object/quota.h>

#define PROCESS_RIGHTS                                                                             \
    (CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE | CAIRN_RIGHT_MAP | CAIRN_RIGHT_MANAGE |                 \
     CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER | CAIRN_RIGHT_REVOKE)

/* A handle argument register: a value above 32 bits names no handle. */
static bool handle_arg(uint64_t reg, cairn_handle_t *h)
{
    *h = (cairn_handle_t)reg;
    return reg <= UINT32_MAX;
}

/* A child quota of `limit` bytes, charged (with its struct) to parent. */
static enum cairn_error quota_carve(struct quota *parent, uint64_t limit, struct quota **out)
{
    if (limit > parent->limit)
        return CAIRN_E_QUOTA; /* and no sum below can wrap */
    struct quota *q = quota_create(limit);
    if (!q)
        return CAIRN_E_NO_MEMORY;
    enum cairn_error err = quota_charge_object(parent, &q->obj, sizeof(*q) + limit);
    if (err != CAIRN_OK) {
        kobject_release(&q->obj);
        return err;
    }
    *out = q;
    return CAIRN_OK;
}

SYSCALL_DEFINE(process_create)
{
    uint64_t name_ptr = a0, name_len = a1, limit = a2;
    char name[CAIRN_PROCESS_NAME_MAX + 1] = {0};
    struct process *self = sched_current()->process;
    if (name_len > CAIRN_PROCESS_NAME_MAX)
        return -CAIRN_E_TOO_LARGE;
    if (copy_from_user(name, name_ptr, name_len) != 0)
        return -CAIRN_E_BAD_ADDRESS;
    struct quota *q;
    enum cairn_error err = quota_carve(self->quota, limit, &q);
    if (err != CAIRN_OK)
        return -(int64_t)err;
    struct process *p;
    err = process_new(name, q, self->quota, &p);
    if (err != CAIRN_OK)
        return -(int64_t)err;
    cairn_handle_t h = CAIRN_HANDLE_NONE;
    err = cap_install(self, &p->obj, PROCESS_RIGHTS, 0, &h);
    if (err != CAIRN_OK) {
        kobject_release(&p->obj);
        return -(int64_t)err;
    }
    return h;
}

SYSCALL_DEFINE(process_kill)
{
    struct process *p;
    enum cairn_error err = process_get(a0, CAIRN_RIGHT_MANAGE, &p);
    if (err != CAIRN_OK)
        return -(int64_t)err;
    process_kill(p);
    kobject_release(&p->obj);
    return 0;
}

SYSCALL_DEFINE(process_watch)
{
    uint64_t bits = a2;
    cairn_handle_t nh;
    if (bits == 0 || (bits & ~NOTIFICATION_BITS_MASK))
        return -CAIRN_E_INVALID_ARGUMENT;
    if (!handle_arg(a1, &nh))
        return -CAIRN_E_BAD_HANDLE;
    struct process *p;
    enum cairn_error err = process_get(a0, CAIRN_RIGHT_READ, &p);
    if (err != CAIRN_OK)
        return -(int64_t)err;
    struct kobject *n;
    err = cap_lookup(sched_current()->process, nh, CAIRN_OBJ_NOTIFICATION, CAIRN_RIGHT_SIGNAL, &n,
                     NULL);
    if (err == CAIRN_OK) {
        err = process_watch(p, (struct notification *)n, bits);
        kobject_release(n);
    }
    kobject_release(&p->obj);
    return -(int64_t)err;
}

SYSCALL_DEFINE(process_info)
{
    struct process *p;
    struct cairn_process_info info;
    enum cairn_error err = process_get(a0, CAIRN_RIGHT_READ, &p);
    if (err != CAIRN_OK)
        return -(int64_t)err;
    process_info(p, &info);
    kobject_release(&p->obj);
    return copy_to_user(a1, &info, sizeof(info));
}

SYSCALL_DEFINE(handle_grant)
{
    cairn_handle_t h, out = CAIRN_HANDLE_NONE;
    if (!handle_arg(a1, &h))
        return -CAIRN_E_BAD_HANDLE;
    if (a2 > UINT32_MAX)
        return -CAIRN_E_INVALID_ARGUMENT;
    struct process *p;
    enum cairn_error err = process_get(a0, CAIRN_RIGHT_MANAGE, &p);
    if (err != CAIRN_OK)
        return -(int64_t)err;
    err = cap_grant(sched_current()->process, h, (uint32_t)a2, p, &out);
    kobject_release(&p->obj);
    return err == CAIRN_OK ? (int64_t)out : -(int64_t)err;
}
