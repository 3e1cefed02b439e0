/*
 * endpoint.c - endpoints and the IPC system calls (see endpoint.h and
 * docs/syscalls.md). Messages are four words and a descriptor, carried in
 * registers: RSI = descriptor, RDX R10 R8 R9 = words, RDI = badge on the
 * receiving side. Bytes and capabilities beyond them move between IPC
 * buffers (ipc_buffer.h) when the message is delivered, under the lock of
 * the endpoint, which holds both threads still.
 */
#include <arch/cpu.h>
#include <arch/trap.h>
#include <cairn/error.h>
#include <cairn/ipc.h>
#include <core/process.h>
#include <core/sched.h>
#include <core/syscall_table.h>
#include <mm/kmalloc.h>
#include <object/cap.h>
#include <object/endpoint.h>
#include <object/ipc_caps.h>
#include <object/ipc_buffer.h>
#include <object/ipc_fastpath.h>
#include <object/notification.h>
#include <object/quota.h>
#include <object/reply.h>
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

/* A descriptor of a label only travels in registers: nothing to check. */
static inline bool message_is_short(uint64_t info)
{
    return !(info >> 32);
}

/* Checks an outgoing descriptor that has bits above the label; only
 * ipc_call may ask for a timeout. */
static enum cairn_error check_info(uint64_t info, bool call)
{
    uint64_t forbidden = CAIRN_MSGINFO_NOTIFIED | (call ? 0 : CAIRN_MSGINFO_TIMEOUT);
    if (CAIRN_MSGINFO_RESERVED(info) || (info & forbidden) ||
        CAIRN_MSGINFO_CAPS(info) > CAIRN_IPC_MAX_CAPS)
        return CAIRN_E_INVALID_ARGUMENT;
    if (CAIRN_MSGINFO_BYTES(info) > CAIRN_IPC_MAX_BYTES)
        return CAIRN_E_TOO_LARGE;
    return CAIRN_OK;
}

/* For the caller's own message with bits above the label: checks the
 * descriptor and loads what its IPC buffer says (ipc_buffer_load). A
 * timed call gets its TSC deadline in *deadline (0: none); its timeout
 * may not be 0. */
static enum cairn_error message_load(struct thread *self, uint64_t info, bool call,
                                     uint64_t *deadline)
{
    uint64_t timeout_ns = UINT64_MAX;
    enum cairn_error err = check_info(info, call);
    if (err == CAIRN_OK)
        err = ipc_buffer_load(self, info, info & CAIRN_MSGINFO_TIMEOUT, &timeout_ns);
    if (err == CAIRN_OK && timeout_ns == 0)
        err = CAIRN_E_INVALID_ARGUMENT;
    if (err == CAIRN_OK && timeout_ns != UINT64_MAX)
        *deadline = wait_deadline(timeout_ns);
    return err;
}

/* Moves the long part of from's message `info` into to's buffer. ep->lock
 * held, which keeps both threads where they are. A delivered descriptor
 * has no flag (the timeout is stripped, NOTIFIED refused), so any bit
 * above the label means bytes or capabilities. */
static inline enum cairn_error deliver(struct thread *from, struct thread *to, uint64_t info,
                                       bool *receiver_fault)
{
    *receiver_fault = false;
    if (message_is_short(info))
        return CAIRN_OK;
    return ipc_transfer(from, to, info, receiver_fault);
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
    r->reply_seq = self->ipc_call_seq;
    self->ipc_phase = IPC_AWAITING_REPLY;
}

/* Blocks the caller until its reply arrives. Its message is either queued
 * (SENDING) or already taken (AWAITING_REPLY) by `receiver`, to which the
 * CPU goes first when it can. The call gives up at the TSC deadline (0:
 * none), or when its process is exiting; a reply that comes later is
 * dropped (the call's sequence number no longer matches). Called and
 * returns with ep->lock held. */
static int64_t await_reply(struct endpoint *ep, struct thread *self, struct thread *receiver,
                           uint64_t deadline)
{
    bool expired = false;
    while (!self->wait_done && !expired && !process_exiting(self->process)) {
        self->state = THREAD_BLOCKED;
        spin_release(&ep->lock);
        if (receiver)
            sched_handoff(receiver, deadline);
        else
            sched_block(deadline);
        receiver = NULL;
        spin_acquire(&ep->lock);
        if (deadline)
            expired = rdtsc() >= deadline;
    }
    if (self->wait_done)
        return self->wait_status;
    if (self->ipc_phase == IPC_SENDING)
        list_remove(&self->wait_link);
    self->ipc_phase = IPC_IDLE;
    reply_abandon(self);
    return expired ? -CAIRN_E_TIMED_OUT : -CAIRN_E_PEER_DEAD;
}

/* Hands the caller's message to a waiting receiver, or queues it. A
 * message the receiver cannot take fails the call and leaves the receiver
 * waiting. */
static int64_t endpoint_call(struct endpoint *ep, struct thread *self, uint64_t badge,
                             uint64_t deadline)
{
    struct thread *receiver = NULL;
    bool receiver_fault;
    self->ipc.badge = badge;
    spin_acquire(&ep->lock);
    self->ipc_endpoint = ep;
    self->ipc_call_seq++;
    self->wait_done = false;
    if (endpoint_closed(ep)) {
        spin_release(&ep->lock);
        return -CAIRN_E_PEER_DEAD;
    }
    if (!list_empty(&ep->receivers)) {
        receiver = list_first_entry(&ep->receivers, struct thread, wait_link);
        enum cairn_error err = deliver(self, receiver, self->ipc.info, &receiver_fault);
        if (err != CAIRN_OK) {
            spin_release(&ep->lock);
            return -(int64_t)err;
        }
        receiver->ipc = self->ipc;
        receiver->ipc_phase = IPC_IDLE;
        owe_reply(receiver, self, ep);
        wait_fill(receiver, 0, 0);
    } else {
        self->ipc_phase = IPC_SENDING;
        list_push_back(&ep->senders, &self->wait_link);
    }
    int64_t status = await_reply(ep, self, receiver, deadline);
    spin_release(&ep->lock);
    return status;
}

/* Takes the first queued message self can take; a sender whose message
 * cannot be delivered gets the error and is passed over. ep->lock held. */
static bool take_sender(struct endpoint *ep, struct thread *self)
{
    bool receiver_fault;
    while (!list_empty(&ep->senders)) {
        struct thread *s = list_first_entry(&ep->senders, struct thread, wait_link);
        enum cairn_error err = deliver(s, self, s->ipc.info, &receiver_fault);
        if (err == CAIRN_OK) {
            list_remove(&s->wait_link);
            self->ipc = s->ipc;
            owe_reply(self, s, ep);
            return true;
        }
        s->ipc_phase = IPC_IDLE;
        wait_complete(s, -(int64_t)err, 0);
    }
    return false;
}

/* Blocks self, queued as a receiver on ep, until a message (or its bound
 * notification's bits) arrives or the timeout passes, handing the CPU to
 * `replied` (see endpoint_receive) on the way. ep->lock held. */
static inline int64_t receive_block(struct endpoint *ep, struct thread *self, uint64_t timeout_ns,
                                    struct thread *replied)
{
    uint64_t deadline = timeout_ns == UINT64_MAX ? 0 : wait_deadline(timeout_ns);
    int64_t status = wait_block_handoff(&ep->lock, &ep->receivers, self, deadline, replied);
    self->ipc_phase = IPC_IDLE;
    return status;
}

/* endpoint_receive for a thread with a bound notification n: pending bits
 * come first, and a signal ends the wait. Its lock comes before ep->lock. */
static int64_t receive_bound(struct endpoint *ep, struct thread *self, uint64_t timeout_ns,
                             struct thread *replied, struct notification *n)
{
    int64_t status = 0;
    /* Its end (notification_receive_done) is ours: no fast path may
     * finish this receive. */
    self->ipc_resume = IPC_RESUME_NONE;
    spin_acquire(&n->lock);
    spin_acquire(&ep->lock);
    bool closed = endpoint_closed(ep); /* pending bits stay for the next receive */
    uint64_t bits = closed ? 0 : notification_take_bits(n);
    if (closed) {
        spin_release(&n->lock);
        status = -CAIRN_E_PEER_DEAD;
    } else if (bits) {
        self->ipc = (struct ipc_message){.info = CAIRN_MSGINFO_NOTIFIED, .badge = bits};
        spin_release(&n->lock);
    } else if (take_sender(ep, self)) {
        spin_release(&n->lock);
    } else if (timeout_ns == 0) {
        spin_release(&n->lock);
        status = -CAIRN_E_WOULD_BLOCK;
    } else {
        self->ipc_phase = IPC_RECEIVING;
        self->ipc_endpoint = ep;
        notification_receiving(n, self, ep);
        spin_release(&n->lock);
        status = receive_block(ep, self, timeout_ns, replied);
        replied = NULL;
    }
    spin_release(&ep->lock);
    notification_receive_done(n, self, ep);
    if (replied)
        sched_wake(replied, WAKE_SIGNALLED);
    return status;
}

/* Takes a queued message or waits for one; the sender then awaits our
 * reply. `replied` is a caller we just completed (reply_recv): the CPU
 * goes to it when we block, or it is woken when we do not. */
static int64_t endpoint_receive(struct endpoint *ep, struct thread *self, uint64_t timeout_ns,
                                struct thread *replied)
{
    if (__atomic_load_n(&self->bound_notification, __ATOMIC_RELAXED)) {
        struct notification *n = notification_bound_get(self);
        if (n)
            return receive_bound(ep, self, timeout_ns, replied, n);
    }
    int64_t status = 0;
    spin_acquire(&ep->lock);
    if (endpoint_closed(ep)) {
        status = -CAIRN_E_PEER_DEAD;
    } else if (!list_empty(&ep->senders) && take_sender(ep, self)) {
        status = 0;
    } else if (timeout_ns == 0) {
        status = -CAIRN_E_WOULD_BLOCK;
    } else {
        self->ipc_phase = IPC_RECEIVING;
        self->ipc_endpoint = ep;
        status = receive_block(ep, self, timeout_ns, replied);
        replied = NULL;
    }
    spin_release(&ep->lock);
    if (replied)
        sched_wake(replied, WAKE_SIGNALLED);
    return status;
}

bool endpoint_wake_receiver(struct endpoint *ep, struct thread *t, uint64_t bits)
{
    spin_acquire(&ep->lock);
    bool receiving = t->ipc_phase == IPC_RECEIVING && t->ipc_endpoint == ep && !t->wait_done;
    if (receiving) {
        t->ipc = (struct ipc_message){.info = CAIRN_MSGINFO_NOTIFIED, .badge = bits};
        t->ipc_phase = IPC_IDLE;
        wait_complete(t, 0, 0);
    }
    spin_release(&ep->lock);
    return receiving;
}

/* Whether the caller self owes a reply still waits for that call's reply
 * on ep (it did not give up and start anything else). ep->lock held. */
static bool caller_awaits(struct thread *self, struct thread *caller, struct endpoint *ep)
{
    return caller->ipc_phase == IPC_AWAITING_REPLY && caller->ipc_endpoint == ep &&
           caller->ipc_call_seq == self->reply_seq;
}

/* Ends the reply debt of self, dropping its references to the caller and
 * the endpoint. The caller's own call still holds a reference to both
 * until it returns, so these cannot be the last ones while it is woken. */
static void reply_settle(struct thread *self, struct thread *caller, struct endpoint *ep)
{
    self->reply_to = NULL;
    self->reply_ep = NULL;
    kobject_release(&caller->obj);
    kobject_release(&ep->obj);
}

/*
 * Completes the call of the thread we owe a reply, if any, without waking
 * it: *woken gets the caller to wake or hand the CPU to, or NULL. Returns
 * NOT_FOUND when no reply is owed. A reply that cannot be delivered
 * because of the replier (its buffer or handles; *replier_fault set)
 * changes nothing and is still owed. Otherwise the debt ends: the caller
 * gets the reply, or the error of its own side of the transfer (returned
 * too), or, when it gave up (timed out, or its process is exiting), the
 * reply is dropped and PEER_DEAD returned.
 */
static inline enum cairn_error endpoint_fill_reply(struct thread *self,
                                                   const struct ipc_message *reply, int64_t status,
                                                   struct thread **woken, bool *replier_fault)
{
    struct thread *caller = self->reply_to;
    struct endpoint *ep = self->reply_ep;
    bool receiver_fault = false;
    enum cairn_error err = CAIRN_E_PEER_DEAD;
    *woken = NULL;
    *replier_fault = false;
    if (!caller)
        return CAIRN_E_NOT_FOUND;
    spin_acquire(&ep->lock);
    if (caller_awaits(self, caller, ep)) {
        err = deliver(self, caller, reply->info, &receiver_fault);
        if (err != CAIRN_OK && !receiver_fault) {
            spin_release(&ep->lock);
            *replier_fault = true;
            return err;
        }
        if (err == CAIRN_OK)
            caller->ipc = *reply;
        caller->ipc_phase = IPC_IDLE;
        wait_fill(caller, err == CAIRN_OK ? status : -(int64_t)err, 0);
        *woken = caller;
    }
    spin_release(&ep->lock);
    reply_settle(self, caller, ep);
    return err;
}

static enum cairn_error endpoint_reply(struct thread *self, const struct ipc_message *reply,
                                       int64_t status)
{
    struct thread *caller;
    bool replier_fault;
    enum cairn_error err = endpoint_fill_reply(self, reply, status, &caller, &replier_fault);
    if (caller)
        sched_wake(caller, WAKE_SIGNALLED);
    return err;
}

enum cairn_error endpoint_reply_detach(struct thread *self, struct reply *r)
{
    struct thread *caller = self->reply_to;
    struct endpoint *ep = self->reply_ep;
    enum cairn_error err = CAIRN_E_PEER_DEAD;
    spin_acquire(&ep->lock);
    if (caller_awaits(self, caller, ep)) {
        reply_link(r, caller);
        err = CAIRN_OK;
    }
    spin_release(&ep->lock);
    reply_settle(self, caller, ep);
    return err;
}

enum cairn_error endpoint_reply_load(struct thread *self, uint64_t info, struct ipc_message *reply)
{
    enum cairn_error err =
        message_is_short(info) ? CAIRN_OK : message_load(self, info, false, NULL);
    if (err == CAIRN_OK)
        message_from_frame(reply, thread_user_frame(self));
    return err;
}

int64_t endpoint_kernel_call(struct endpoint *ep, uint64_t badge, struct ipc_message *msg)
{
    struct thread *self = sched_current();
    self->ipc = *msg;
    int64_t status = endpoint_call(ep, self, badge, 0);
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
    list_init(&ep->closing_link);
    list_init(&ep->closed_mark);
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

/* The table's sys_ipc_call, sys_ipc_recv and sys_ipc_reply_recv are the
 * fast path's entries (object/ipc_fastpath.h), which come here when it
 * does not apply. Each marks thread->ipc_resume for the time it may block
 * without a timeout, so that the fast path can finish it. */
SYSCALL_DEFINE(ipc_call_slow)
{
    struct thread *self = sched_current();
    struct trap_frame *f = thread_user_frame(self);
    struct endpoint *ep;
    uint64_t badge, deadline = 0;
    enum cairn_error err = CAIRN_OK;
    if (!message_is_short(a1))
        err = message_load(self, a1, true, &deadline);
    if (err == CAIRN_OK)
        err = lookup_endpoint(a0, CAIRN_RIGHT_SIGNAL, &ep, &badge);
    if (err != CAIRN_OK)
        return -(int64_t)err;
    message_from_frame(&self->ipc, f);
    if (!message_is_short(a1))
        self->ipc.info &= ~CAIRN_MSGINFO_TIMEOUT; /* the caller's alone */
    self->ipc_resume = deadline ? IPC_RESUME_NONE : IPC_RESUME_CALL;
    int64_t status = endpoint_call(ep, self, badge, deadline);
    self->ipc_resume = IPC_RESUME_NONE;
    kobject_release(&ep->obj);
    if (status == 0)
        message_to_frame(f, &self->ipc, false);
    return status;
}

SYSCALL_DEFINE(ipc_recv_slow)
{
    struct thread *self = sched_current();
    struct endpoint *ep;
    if (self->reply_to)
        return -CAIRN_E_BUSY;
    enum cairn_error err = lookup_endpoint(a0, CAIRN_RIGHT_WAIT, &ep, NULL);
    if (err != CAIRN_OK)
        return -(int64_t)err;
    self->ipc_resume = a1 == UINT64_MAX ? IPC_RESUME_RECV : IPC_RESUME_NONE;
    int64_t status = endpoint_receive(ep, self, a1, NULL);
    self->ipc_resume = IPC_RESUME_NONE;
    kobject_release(&ep->obj);
    if (status == 0)
        message_to_frame(thread_user_frame(self), &self->ipc, true);
    return status;
}

SYSCALL_DEFINE(ipc_reply)
{
    struct thread *self = sched_current();
    struct ipc_message reply;
    enum cairn_error err = CAIRN_E_NOT_FOUND;
    if (self->reply_to)
        err = message_is_short(a1) ? CAIRN_OK : message_load(self, a1, false, NULL);
    if (err != CAIRN_OK)
        return -(int64_t)err;
    message_from_frame(&reply, thread_user_frame(self));
    return -(int64_t)endpoint_reply(self, &reply, 0);
}

SYSCALL_DEFINE(ipc_reply_recv_slow)
{
    struct thread *self = sched_current();
    struct trap_frame *f = thread_user_frame(self);
    struct endpoint *ep;
    struct ipc_message reply;
    struct thread *caller;
    bool replier_fault;
    enum cairn_error err = CAIRN_OK;
    if (!message_is_short(a1))
        err = self->reply_to ? message_load(self, a1, false, NULL) : check_info(a1, false);
    if (err == CAIRN_OK)
        err = lookup_endpoint(a0, CAIRN_RIGHT_WAIT, &ep, NULL);
    if (err != CAIRN_OK)
        return -(int64_t)err;
    message_from_frame(&reply, f);
    err = endpoint_fill_reply(self, &reply, 0, &caller, &replier_fault);
    if (replier_fault) {
        kobject_release(&ep->obj);
        return -(int64_t)err;
    }
    /* A reply owed but not taken (the caller's buffer or table, or the
     * caller gave up): the receive goes on and this thread never learns
     * it, so the handles it moved leave it all the same. */
    if (__builtin_expect(err != CAIRN_OK, 0) && err != CAIRN_E_NOT_FOUND &&
        CAIRN_MSGINFO_CAPS(reply.info))
        ipc_caps_drop_moved(self->process, self->ipc_caps, CAIRN_MSGINFO_CAPS(reply.info));
    self->ipc_resume = IPC_RESUME_RECV;
    int64_t status = endpoint_receive(ep, self, UINT64_MAX, caller);
    self->ipc_resume = IPC_RESUME_NONE;
    kobject_release(&ep->obj);
    if (status == 0)
        message_to_frame(f, &self->ipc, true);
    return status;
}

/* A thread the fast path blocked has no C call chain to return to; when
 * the slow path completes it (or its process exits), it resumes here and
 * finishes as the tails of endpoint_call() and sys_ipc_call_slow(), or of
 * endpoint_receive() and sys_ipc_recv_slow(), would. */
int64_t endpoint_resume_call(struct thread *self)
{
    struct endpoint *ep = self->ipc_endpoint;
    spin_acquire(&ep->lock);
    int64_t status = await_reply(ep, self, NULL, 0);
    spin_release(&ep->lock);
    self->ipc_resume = IPC_RESUME_NONE;
    kobject_release(&ep->obj);
    if (status == 0)
        message_to_frame(thread_user_frame(self), &self->ipc, false);
    return status;
}

int64_t endpoint_resume_receive(struct thread *self)
{
    struct endpoint *ep = self->ipc_endpoint;
    spin_acquire(&ep->lock);
    int64_t status = self->wait_status;
    if (!self->wait_done) { /* as wait_block(): woken without a message */
        list_remove(&self->wait_link);
        status = -CAIRN_E_TIMED_OUT;
    }
    self->ipc_phase = IPC_IDLE;
    spin_release(&ep->lock);
    self->ipc_resume = IPC_RESUME_NONE;
    kobject_release(&ep->obj);
    if (status == 0)
        message_to_frame(thread_user_frame(self), &self->ipc, true);
    return status;
}
