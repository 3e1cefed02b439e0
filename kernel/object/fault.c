/*
 * fault.c - page faults sent to a thread's fault endpoint, and
 * thread_set_fault_endpoint (see fault.h and include/cairn/fault.h).
 */
#include <cairn/error.h>
#include <cairn/fault.h>
#include <cairn/ipc.h>
#include <core/process.h>
#include <core/sched.h>
#include <core/spinlock.h>
#include <core/syscall_table.h>
#include <object/cap.h>
#include <object/endpoint.h>
#include <object/fault.h>

static struct spinlock fault_lock = SPINLOCK_INIT;

/* The thread's endpoint with a new reference, and its badge; NULL: none. */
static struct endpoint *fault_endpoint_of(struct thread *t, uint64_t *badge)
{
    bool irq = spin_lock(&fault_lock);
    struct endpoint *ep = t->fault_ep;
    if (ep)
        kobject_retain(&ep->obj);
    *badge = t->fault_badge;
    spin_unlock(&fault_lock, irq);
    return ep;
}

/* Makes ep (whose reference t takes over; NULL clears) t's fault endpoint
 * and returns the one it replaces, whose reference the caller drops. */
static struct endpoint *fault_endpoint_swap(struct thread *t, struct endpoint *ep, uint64_t badge)
{
    bool irq = spin_lock(&fault_lock);
    struct endpoint *old = t->fault_ep;
    t->fault_ep = ep;
    t->fault_badge = badge;
    spin_unlock(&fault_lock, irq);
    return old;
}

enum fault_outcome fault_send_page(uint64_t addr, uint64_t error, uint64_t rip)
{
    struct thread *self = sched_current();
    uint64_t badge;
    struct endpoint *ep = fault_endpoint_of(self, &badge);
    if (!ep)
        return FAULT_NO_ENDPOINT;
    struct ipc_message msg = {
        .info = CAIRN_MSGINFO(CAIRN_FAULT_LABEL_PAGE),
        .words = {addr, error, rip, self->tid},
    };
    int64_t status = endpoint_kernel_call(ep, badge, &msg);
    kobject_release(&ep->obj);
    if (process_exiting(self->process))
        return FAULT_EXITING;
    if (status != 0)
        return FAULT_PAGER_DEAD;
    if (msg.info != CAIRN_MSGINFO(CAIRN_FAULT_RESUME) || msg.words[0] != 0)
        return FAULT_REFUSED;
    return FAULT_RESUMED;
}

const char *fault_outcome_reason(enum fault_outcome outcome)
{
    switch (outcome) {
    case FAULT_REFUSED:
        return "its pager refused it";
    case FAULT_PAGER_DEAD:
        return "its pager ended before replying";
    case FAULT_EXITING:
        return "the process was exiting";
    default:
        return "no pager";
    }
}

void fault_thread_destroy(struct thread *t)
{
    struct endpoint *old = fault_endpoint_swap(t, NULL, 0);
    if (old)
        kobject_release(&old->obj);
}

SYSCALL_DEFINE(thread_set_fault_endpoint)
{
    struct process *p = sched_current()->process;
    if (a0 > UINT32_MAX || a1 > UINT32_MAX)
        return -CAIRN_E_BAD_HANDLE;
    struct kobject *t;
    enum cairn_error err =
        cap_lookup(p, (cairn_handle_t)a0, CAIRN_OBJ_THREAD, CAIRN_RIGHT_MANAGE, &t, NULL);
    if (err != CAIRN_OK)
        return -(int64_t)err;
    struct kobject *ep = NULL;
    uint64_t badge = 0;
    if (a1 != CAIRN_HANDLE_NONE)
        err =
            cap_lookup(p, (cairn_handle_t)a1, CAIRN_OBJ_ENDPOINT, CAIRN_RIGHT_SIGNAL, &ep, &badge);
    if (err == CAIRN_OK) {
        struct endpoint *old =
            fault_endpoint_swap((struct thread *)t, (struct endpoint *)ep, badge);
        if (old)
            kobject_release(&old->obj);
    }
    kobject_release(t);
    return -(int64_t)err;
}
