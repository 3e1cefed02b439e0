/*
 * foreign.c - forwarding a marked process's system calls to its handler
 * (see core/foreign.h and include/cairn/foreign.h).
 */
#include <arch/syscall.h>
#include <arch/percpu.h>
#include <arch/trap.h>
#include <cairn/error.h>
#include <cairn/foreign.h>
#include <cairn/ipc.h>
#include <cairn/process.h>
#include <core/foreign.h>
#include <core/process.h>
#include <core/sched.h>
#include <core/syscall_table.h>
#include <object/cap.h>
#include <object/endpoint.h>

/* The handler endpoint with a new reference, and its badge; NULL: none. */
static struct endpoint *foreign_handler(struct process *p, uint64_t *badge)
{
    bool irq = spin_lock(&p->lock);
    struct endpoint *ep = p->foreign_ep;
    if (ep)
        kobject_retain(&ep->obj);
    *badge = p->foreign_badge;
    spin_unlock(&p->lock, irq);
    return ep;
}

/* Makes ep (NULL unmarks) p's handler, with a reference of its own, and
 * drops the one it replaces; an ended process keeps none. */
static enum cairn_error foreign_handler_set(struct process *p, struct endpoint *ep, uint64_t badge)
{
    bool irq = spin_lock(&p->lock);
    bool alive = !p->ended;
    struct endpoint *old = p->foreign_ep;
    if (alive) {
        if (ep)
            kobject_retain(&ep->obj);
        p->foreign_ep = ep;
        p->foreign_badge = badge;
    }
    spin_unlock(&p->lock, irq);
    if (alive && old)
        kobject_release(&old->obj);
    return alive ? CAIRN_OK : CAIRN_E_PEER_DEAD;
}

void foreign_process_destroy(struct process *p)
{
    bool irq = spin_lock(&p->lock);
    struct endpoint *old = p->foreign_ep;
    p->foreign_ep = NULL;
    spin_unlock(&p->lock, irq);
    if (old)
        kobject_release(&old->obj);
}

/* What the reply asks for, applied to the thread's frame. */
static void foreign_apply_reply(struct trap_frame *f, const struct ipc_message *reply)
{
    switch (CAIRN_MSGINFO_LABEL(reply->info)) {
    case CAIRN_FOREIGN_RETURN:
        f->rax = reply->words[0];
        return;
    case CAIRN_FOREIGN_EXIT:
        process_exit_current((int)reply->words[0]);
    default:
        process_kill_current("its system-call handler sent an unknown reply");
    }
}

/* Sends the call in f to the handler ep as a message and applies the
 * reply; consumes the reference to ep. */
static void foreign_forward(struct trap_frame *f, struct endpoint *ep, uint64_t badge)
{
    struct thread *self = sched_current();
    struct ipc_message msg = {
        .info = CAIRN_MSGINFO(CAIRN_FOREIGN_SYSCALL),
        .words = {f->rax, f->rdi, f->rsi, f->rdx},
    };
    __atomic_store_n(&self->foreign_call, true, __ATOMIC_RELEASE);
    int64_t status = endpoint_kernel_call(ep, badge, &msg);
    __atomic_store_n(&self->foreign_call, false, __ATOMIC_RELEASE);
    kobject_release(&ep->obj);
    if (!process_exiting(self->process)) {
        if (status != 0)
            process_kill_current("its system-call handler ended before replying");
        foreign_apply_reply(f, &msg);
    }
}

/* SYSCALL is 0f 05: two bytes before the address it returns to. */
#define SYSCALL_INSN_BYTES 2

/* A SYSCALL of a thread whose process was unmarked after the thread was
 * switched in (the entry changes only at a switch): points this CPU back
 * at the native entry and restarts the instruction there, so the call is
 * made exactly as any native call is (the native and IPC entries assume
 * their own stack layout, so they are not called from here). Every
 * register is in the frame and RAX still holds the call number. */
static void foreign_restart_native(struct trap_frame *f)
{
    syscall_select_entry(this_cpu(), false);
    f->rip -= SYSCALL_INSN_BYTES;
}

void foreign_syscall(struct trap_frame *f)
{
    uint64_t badge;
    struct endpoint *ep = foreign_handler(sched_current()->process, &badge);
    if (ep)
        foreign_forward(f, ep, badge);
    else
        foreign_restart_native(f);
    /* The same slow work as a native system call's return; every user
     * register is in the frame, so a suspension may stop the thread here. */
    kobject_reap();
    sched_preempt_point();
    process_return_to_user();
}

SYSCALL_DEFINE(process_set_syscall_handler)
{
    if (a0 == CAIRN_PROCESS_SELF)
        return -CAIRN_E_INVALID_ARGUMENT; /* it could never undo it */
    if (a1 > UINT32_MAX)
        return -CAIRN_E_BAD_HANDLE;
    struct process *p;
    enum cairn_error err = process_get(a0, CAIRN_RIGHT_MANAGE, &p);
    if (err != CAIRN_OK)
        return -(int64_t)err;
    struct kobject *ep = NULL;
    uint64_t badge = 0;
    if (a1 != CAIRN_HANDLE_NONE)
        err = cap_lookup(sched_current()->process, (cairn_handle_t)a1, CAIRN_OBJ_ENDPOINT,
                         CAIRN_RIGHT_SIGNAL, &ep, &badge);
    if (err == CAIRN_OK)
        err = foreign_handler_set(p, (struct endpoint *)ep, badge);
    if (ep)
        kobject_release(ep);
    kobject_release(&p->obj);
    return -(int64_t)err;
}
