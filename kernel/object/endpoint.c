/*
 * endpoint.c - endpoints and the IPC system calls (see endpoint.h and
 * docs/syscalls.md). Messages are four words and a descriptor, carried in
 * registers: RSI = descriptor, RDX R10 R8 R9 = words, RDI = badge on the
 * receiving side.
 */
#include <arch/trap.h>
#include <cairn/error.h>
#include <cairn/ipc.h>
#include <core/process.h>
#include <core/sched.h>
#include <core/syscall_table.h>
#include <mm/kmalloc.h>
#include <object/cap.h>
#include <object/endpoint.h>
#include <object/quota.h>
#include <object/wait.h>

#define ENDPOINT_RIGHTS                                                                            \
    (CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_WAIT | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER |        \
     CAIRN_RIGHT_REVOKE)

void endpoint_destroy_object(struct kobject *o)
{
    quota_uncharge_object(o);
    kfree(o);
}

static void message_from_frame(struct ipc_message *m, const struct trap_frame *f)
{
    m->info = f->rsi;
    m->words[0] = f->rdx;
    m->words[1] = f->r10;
    m->words[2] = f->r8;
    m->words[3] = f->r9;
}

static void message_to_frame(struct trap_frame *f, const struct ipc_message *m, bool badge)
{
    f->rsi = m->info;
    f->rdx = m->words[0];
    f->r10 = m->words[1];
    f->r8 = m->words[2];
    f->r9 = m->words[3];
    if (badge)
        f->rdi = m->badge;
}

static enum cairn_error check_info(uint64_t info)
{
    if (CAIRN_MSGINFO_RESERVED(info))
        return CAIRN_E_INVALID_ARGUMENT;
    if (CAIRN_MSGINFO_BYTES(info) || CAIRN_MSGINFO_CAPS(info))
        return CAIRN_E_NOT_SUPPORTED;
    return CAIRN_OK;
}

static enum cairn_error lookup_endpoint(uint64_t reg, uint32_t right, struct endpoint **ep,
                                        uint64_t *badge)
{
    struct kobject *o;
    if (reg > UINT32_MAX)
        return CAIRN_E_BAD_HANDLE;
    enum cairn_error err = cap_lookup(sched_current()->process, (cairn_handle_t)reg,
                                      CAIRN_OBJ_ENDPOINT, right, &o, badge);
    *ep = (struct endpoint *)o;
    return err;
}

/* The receiver r of self's message will owe self a reply on ep; it holds
 * references to both until it replies or ends. ep->lock held. */
static void owe_reply(struct thread *r, struct thread *self, struct endpoint *ep)
{
    kobject_retain(&self->obj);
    kobject_retain(&ep->obj);
    r->reply_to = self;
    r->reply_ep = ep;
    self->ipc_phase = IPC_AWAITING_REPLY;
}

/* Blocks the caller until its reply arrives. Its message is either queued
 * (SENDING) or already taken (AWAITING_REPLY) by `receiver`, to which the
 * CPU goes first when it can. A caller whose process is exiting gives up;
 * a reply that comes later is dropped. Called and returns with ep->lock
 * held. */
static int64_t await_reply(struct endpoint *ep, struct thread *self, struct thread *receiver)
{
    self->wait_done = false;
    while (!self->wait_done && !process_exiting(self->process)) {
        self->state = THREAD_BLOCKED;
        spin_release(&ep->lock);
        if (receiver)
            sched_handoff(receiver, 0);
        else
            sched_block(0);
        receiver = NULL;
        spin_acquire(&ep->lock);
    }
    if (!self->wait_done) {
        if (self->ipc_phase == IPC_SENDING)
            list_remove(&self->wait_link);
        self->ipc_phase = IPC_IDLE;
        return -CAIRN_E_PEER_DEAD;
    }
    return self->wait_status;
}

/* Hands the caller's message to a waiting receiver, or queues it. */
static int64_t endpoint_call(struct endpoint *ep, struct thread *self, uint64_t badge)
{
    struct thread *receiver = NULL;
    self->ipc.badge = badge;
    self->ipc_endpoint = ep;
    spin_acquire(&ep->lock);
    if (!list_empty(&ep->receivers)) {
        receiver = list_first_entry(&ep->receivers, struct thread, wait_link);
        receiver->ipc = self->ipc;
        receiver->ipc_phase = IPC_IDLE;
        owe_reply(receiver, self, ep);
        wait_fill(receiver, 0, 0);
    } else {
        self->ipc_phase = IPC_SENDING;
        list_push_back(&ep->senders, &self->wait_link);
    }
    int64_t status = await_reply(ep, self, receiver);
    spin_release(&ep->lock);
    return status;
}

/* Takes a queued message or waits for one; the sender then awaits our
 * reply. `replied` is a caller we just completed (reply_recv): the CPU goes
 * to it when we block, or it is woken when we do not. */
static int64_t endpoint_receive(struct endpoint *ep, struct thread *self, uint64_t timeout_ns,
                                struct thread *replied)
{
    int64_t status = 0;
    spin_acquire(&ep->lock);
    if (!list_empty(&ep->senders)) {
        struct thread *s = list_first_entry(&ep->senders, struct thread, wait_link);
        list_remove(&s->wait_link);
        self->ipc = s->ipc;
        owe_reply(self, s, ep);
    } else if (timeout_ns == 0) {
        status = -CAIRN_E_WOULD_BLOCK;
    } else {
        self->ipc_phase = IPC_RECEIVING;
        status =
            wait_block_handoff(&ep->lock, &ep->receivers, self, wait_deadline(timeout_ns), replied);
        self->ipc_phase = IPC_IDLE;
        replied = NULL;
    }
    spin_release(&ep->lock);
    if (replied)
        sched_wake(replied, WAKE_SIGNALLED);
    return status;
}

/* Completes the call of the thread we owe a reply, if any, without waking
 * it: *woken gets the caller to wake or hand the CPU to (NULL when there
 * is none, or it gave up because its process is exiting: then the reply is
 * dropped). */
static enum cairn_error endpoint_fill_reply(struct thread *self, const struct ipc_message *reply,
                                            int64_t status, struct thread **woken)
{
    struct thread *caller = self->reply_to;
    struct endpoint *ep = self->reply_ep;
    *woken = NULL;
    if (!caller)
        return CAIRN_E_NOT_FOUND;
    self->reply_to = NULL;
    self->reply_ep = NULL;
    spin_acquire(&ep->lock);
    if (caller->ipc_phase == IPC_AWAITING_REPLY && caller->ipc_endpoint == ep) {
        caller->ipc = *reply;
        caller->ipc_phase = IPC_IDLE;
        wait_fill(caller, status, 0);
        *woken = caller;
    }
    spin_release(&ep->lock);
    /* The caller's own call still holds a reference to it and to ep until
     * it returns, so these cannot be the last ones while it is woken. */
    kobject_release(&caller->obj);
    kobject_release(&ep->obj);
    return CAIRN_OK;
}

static enum cairn_error endpoint_reply(struct thread *self, const struct ipc_message *reply,
                                       int64_t status)
{
    struct thread *caller;
    enum cairn_error err = endpoint_fill_reply(self, reply, status, &caller);
    if (caller)
        sched_wake(caller, WAKE_SIGNALLED);
    return err;
}

int64_t endpoint_kernel_call(struct endpoint *ep, uint64_t badge, struct ipc_message *msg)
{
    struct thread *self = sched_current();
    self->ipc = *msg;
    int64_t status = endpoint_call(ep, self, badge);
    if (status == 0)
        *msg = self->ipc;
    return status;
}

void endpoint_thread_exit(struct thread *t)
{
    static const struct ipc_message none;
    bool irq = irq_save();
    endpoint_reply(t, &none, -CAIRN_E_PEER_DEAD);
    irq_restore(irq);
}

SYSCALL_DEFINE(endpoint_create)
{
    struct process *p = sched_current()->process;
    struct endpoint *ep = kzalloc(sizeof(*ep));
    if (!ep)
        return -CAIRN_E_NO_MEMORY;
    kobject_init(&ep->obj, CAIRN_OBJ_ENDPOINT);
    list_init(&ep->senders);
    list_init(&ep->receivers);
    enum cairn_error err = quota_charge_object(p->quota, &ep->obj, sizeof(*ep));
    cairn_handle_t h = CAIRN_HANDLE_NONE;
    if (err == CAIRN_OK)
        err = cap_install(p, &ep->obj, ENDPOINT_RIGHTS, 0, &h);
    if (err != CAIRN_OK) {
        kobject_release(&ep->obj);
        return -(int64_t)err;
    }
    return h;
}

SYSCALL_DEFINE(ipc_call)
{
    struct thread *self = sched_current();
    struct trap_frame *f = thread_user_frame(self);
    struct endpoint *ep;
    uint64_t badge;
    enum cairn_error err = check_info(a1);
    if (err == CAIRN_OK)
        err = lookup_endpoint(a0, CAIRN_RIGHT_SIGNAL, &ep, &badge);
    if (err != CAIRN_OK)
        return -(int64_t)err;
    message_from_frame(&self->ipc, f);
    int64_t status = endpoint_call(ep, self, badge);
    kobject_release(&ep->obj);
    if (status == 0)
        message_to_frame(f, &self->ipc, false);
    return status;
}

SYSCALL_DEFINE(ipc_recv)
{
    struct thread *self = sched_current();
    struct endpoint *ep;
    if (self->reply_to)
        return -CAIRN_E_BUSY;
    enum cairn_error err = lookup_endpoint(a0, CAIRN_RIGHT_WAIT, &ep, NULL);
    if (err != CAIRN_OK)
        return -(int64_t)err;
    int64_t status = endpoint_receive(ep, self, a1, NULL);
    kobject_release(&ep->obj);
    if (status == 0)
        message_to_frame(thread_user_frame(self), &self->ipc, true);
    return status;
}

SYSCALL_DEFINE(ipc_reply)
{
    struct thread *self = sched_current();
    struct ipc_message reply;
    enum cairn_error err = check_info(a1);
    if (err != CAIRN_OK)
        return -(int64_t)err;
    message_from_frame(&reply, thread_user_frame(self));
    return -(int64_t)endpoint_reply(self, &reply, 0);
}

SYSCALL_DEFINE(ipc_reply_recv)
{
    struct thread *self = sched_current();
    struct trap_frame *f = thread_user_frame(self);
    struct endpoint *ep;
    struct ipc_message reply;
    enum cairn_error err = check_info(a1);
    if (err == CAIRN_OK)
        err = lookup_endpoint(a0, CAIRN_RIGHT_WAIT, &ep, NULL);
    if (err != CAIRN_OK)
        return -(int64_t)err;
    message_from_frame(&reply, f);
    struct thread *caller;
    endpoint_fill_reply(self, &reply, 0, &caller);
    int64_t status = endpoint_receive(ep, self, UINT64_MAX, caller);
    kobject_release(&ep->obj);
    if (status == 0)
        message_to_frame(f, &self->ipc, true);
    return status;
}
