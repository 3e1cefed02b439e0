/*
 * reply.c - reply objects (see reply.h) and their system calls,
 * ipc_reply_detach and ipc_reply_to (docs/syscalls.md).
 */
#include <cairn/error.h>
#include <core/panic.h>
#include <core/process.h>
#include <core/sched.h>
#include <core/syscall_table.h>
#include <mm/kmalloc.h>
#include <object/cap.h>
#include <object/endpoint.h>
#include <object/ipc_buffer.h>
#include <object/quota.h>
#include <object/reply.h>
#include <object/wait.h>

/* No DUPLICATE: a one-shot capability is not duplicated. Copies sent
 * through IPC or granted (children in the derivation tree) name the same
 * one reply: the first answer spends it for all. */
#define REPLY_RIGHTS (CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_TRANSFER | CAIRN_RIGHT_REVOKE)

void reply_link(struct reply *r, struct thread *caller)
{
    ASSERT(!r->caller && !r->spent && !caller->reply_holder,
           "a reply object is linked once, to a caller no other one holds");
    r->caller = caller;
    caller->reply_holder = r;
}

void reply_abandon(struct thread *caller)
{
    struct reply *r = caller->reply_holder;
    if (!r)
        return;
    ASSERT(r->caller == caller, "a reply object and its caller point at each other");
    r->caller = NULL;
    caller->reply_holder = NULL;
}

/* Ends the call of r's linked caller with status (and, when status is 0,
 * the message *m) without waking it; returns it with a reference, for the
 * caller of this to wake and release once r->ep->lock is dropped (the
 * woken thread may end at once). r->ep->lock held. */
static struct thread *reply_complete(struct reply *r, const struct ipc_message *m, int64_t status)
{
    struct thread *caller = r->caller;
    reply_abandon(caller);
    if (status == 0)
        caller->ipc = *m;
    caller->ipc_phase = IPC_IDLE;
    kobject_retain(&caller->obj);
    wait_fill(caller, status, 0);
    return caller;
}

static void reply_wake(struct thread *caller)
{
    if (!caller)
        return;
    sched_wake(caller, WAKE_SIGNALLED);
    kobject_release(&caller->obj);
}

/* Runs from kobject_reap(): no locks held, interrupts off. A caller still
 * linked is owed a reply nobody can give any more. */
void reply_destroy_object(struct kobject *o)
{
    struct reply *r = (struct reply *)o;
    struct thread *caller = NULL;
    if (r->ep) {
        spin_acquire(&r->ep->lock);
        if (r->caller)
            caller = reply_complete(r, NULL, -CAIRN_E_PEER_DEAD);
        spin_release(&r->ep->lock);
        kobject_release(&r->ep->obj);
    }
    reply_wake(caller);
    quota_uncharge_object(o);
    kfree(r);
}

/*
 * Answers r's caller with m (its long part from self's IPC buffer, as
 * ipc_reply does). A reply self cannot send (its buffer or handles:
 * *replier_fault set) changes nothing. Otherwise r is spent, and the
 * caller has the reply, or the error of its own side of the transfer
 * (returned too). NOT_FOUND: r was spent already; PEER_DEAD: its caller
 * gave up.
 */
static enum cairn_error reply_answer(struct reply *r, struct thread *self,
                                     const struct ipc_message *m, bool *replier_fault)
{
    struct thread *caller = NULL;
    bool receiver_fault = false;
    enum cairn_error err = CAIRN_OK;
    *replier_fault = false;
    spin_acquire(&r->ep->lock);
    if (!r->caller) {
        err = r->spent ? CAIRN_E_NOT_FOUND : CAIRN_E_PEER_DEAD;
    } else {
        if (m->info >> 32)
            err = ipc_transfer(self, r->caller, m->info, &receiver_fault);
        *replier_fault = err != CAIRN_OK && !receiver_fault;
        if (!*replier_fault) {
            caller = reply_complete(r, m, -(int64_t)err);
            r->spent = true;
        }
    }
    spin_release(&r->ep->lock);
    reply_wake(caller);
    return err;
}

SYSCALL_DEFINE(ipc_reply_detach)
{
    struct thread *self = sched_current();
    struct process *p = self->process;
    cairn_handle_t h = CAIRN_HANDLE_NONE;
    if (!self->reply_to)
        return -CAIRN_E_NOT_FOUND;
    struct reply *r = kzalloc(sizeof(*r));
    if (!r)
        return -CAIRN_E_NO_MEMORY;
    kobject_init(&r->obj, CAIRN_OBJ_REPLY);
    r->ep = self->reply_ep;
    kobject_retain(&r->ep->obj);
    enum cairn_error err = quota_charge_object(p->quota, &r->obj, sizeof(*r));
    if (err == CAIRN_OK) {
        /* Ours, until the link is made: another thread of the process
         * may close the handle as soon as it exists. */
        kobject_retain(&r->obj);
        err = cap_install(p, &r->obj, REPLY_RIGHTS, 0, &h);
        if (err != CAIRN_OK)
            kobject_release(&r->obj);
    }
    /* Until here a failure leaves the reply owed by this thread. */
    if (err == CAIRN_OK) {
        err = endpoint_reply_detach(self, r);
        if (err != CAIRN_OK)
            cap_close(p, h);
    }
    kobject_release(&r->obj);
    return err == CAIRN_OK ? (int64_t)h : -(int64_t)err;
}

SYSCALL_DEFINE(ipc_reply_to)
{
    struct thread *self = sched_current();
    struct ipc_message m = {0};
    struct kobject *o;
    bool replier_fault = true;
    if (a0 > UINT32_MAX)
        return -CAIRN_E_BAD_HANDLE;
    cairn_handle_t h = (cairn_handle_t)a0;
    enum cairn_error err =
        cap_lookup(self->process, h, CAIRN_OBJ_REPLY, CAIRN_RIGHT_SIGNAL, &o, NULL);
    if (err != CAIRN_OK)
        return -(int64_t)err;
    err = endpoint_reply_load(self, a1, &m);
    if (err == CAIRN_OK)
        err = reply_answer((struct reply *)o, self, &m, &replier_fault);
    /* One shot: the handle goes with any outcome but the replier's own
     * mistakes, which leave everything as it was. */
    if (!replier_fault)
        cap_close(self->process, h);
    kobject_release(o);
    return -(int64_t)err;
}
