/*
 * thread_syscalls.c - creating and ending threads from user space.
 */
#include <arch/layout.h>
#include <arch/percpu.h>
#include <cairn/error.h>
#include <core/process.h>
#include <core/sched.h>
#include <core/syscall_table.h>
#include <object/cap.h>
#include <object/quota.h>

#define THREAD_RIGHTS                                                                              \
    (CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE | CAIRN_RIGHT_MANAGE | CAIRN_RIGHT_DUPLICATE |           \
     CAIRN_RIGHT_TRANSFER | CAIRN_RIGHT_REVOKE)

/* What a thread costs its process's quota: the struct and its kernel stack. */
#define THREAD_CHARGE (sizeof(struct thread) + KERNEL_STACK_SIZE)

static enum cairn_error check_thread_args(uint64_t entry, uint64_t stack, uint64_t priority,
                                          uint64_t affinity, const struct thread *self)
{
    if (entry >= USER_TOP || stack > USER_TOP)
        return CAIRN_E_BAD_ADDRESS;
    if (priority >= THREAD_PRIORITIES)
        return CAIRN_E_INVALID_ARGUMENT;
    if (priority > self->priority)
        return CAIRN_E_ACCESS_DENIED; /* no thread can raise itself through a child */
    if (affinity != THREAD_AFFINITY_ANY && affinity >= cpu_count)
        return CAIRN_E_INVALID_ARGUMENT;
    return CAIRN_OK;
}

SYSCALL_DEFINE(thread_create)
{
    struct thread *self = sched_current();
    struct process *p = self->process;
    enum cairn_error err = check_thread_args(a0, a1, a3, a4, self);
    if (err != CAIRN_OK)
        return -(int64_t)err;
    struct thread *t = thread_create_user(p, a0, a1, a2, (uint8_t)a3, (uint32_t)a4);
    if (!t)
        return -CAIRN_E_NO_MEMORY;
    err = quota_charge_object(p->quota, &t->obj, THREAD_CHARGE);
    cairn_handle_t h = CAIRN_HANDLE_NONE;
    if (err == CAIRN_OK) {
        kobject_retain(&t->obj); /* the handle's reference */
        err = cap_install(p, &t->obj, THREAD_RIGHTS, 0, &h);
        if (err != CAIRN_OK)
            kobject_release(&t->obj);
    }
    if (err != CAIRN_OK) {
        t->state = THREAD_DEAD;
        thread_release(t);
        return -(int64_t)err;
    }
    bool irq = spin_lock(&p->lock);
    list_push_back(&p->threads, &t->process_link);
    p->nthreads++;
    spin_unlock(&p->lock, irq);
    sched_make_runnable(t);
    return h;
}

SYSCALL_DEFINE(thread_exit)
{
    sched_exit_current();
}
