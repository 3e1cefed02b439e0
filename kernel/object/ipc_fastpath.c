/*
 * ipc_fastpath.c - the IPC fast path (see ipc_fastpath.h): a call to a
 * receiver waiting on this CPU, and the reply to a caller waiting on this
 * CPU, handed over in registers with a direct switch.
 *
 * Locks, in the kernel's order: the cap lock (call: trylock, only around
 * the handle check, which must take a reference before the slot's can
 * go; reply_recv: none, see cap_names(), as the endpoint is already held),
 * the endpoint lock (trylock), this CPU's run-queue lock (trylock), which
 * is held across the switch and released in switch_to() once RSP is on
 * the next thread's frame: until then the blocked thread's stack is still
 * in use, and a waker on another CPU must not run it. A busy lock sends
 * the call to the slow path. Handle checks are remembered per thread
 * (thread.h's struct ipc_handle_memo, cap.h) against the handle table's
 * epoch.
 *
 * The message stays in RSI RDX R8 R9 R10 throughout: this file is built
 * not to touch them (Makefile), and calls out of line only through
 * inline assembly to functions that keep every register.
 *
 * Why a peer found this way may be resumed straight in ring 3: it is on
 * the endpoint's queue (or awaiting our reply) under the endpoint lock,
 * and BLOCKED with ->cpu this CPU under this CPU's run-queue lock, so it is
 * switched out and parked in the very wait its ipc_resume describes (a
 * thread woken early is RUNNABLE until it has left that wait, and leaving
 * it needs the endpoint lock). What remains of its system call is
 * therefore exactly what thread.h's enum ipc_resume says, done here.
 *
 * References: the caller's lookup reference to the endpoint is held while
 * it awaits the reply (as the slow path's is); the receiver's reference
 * from its receive becomes the one its reply relation holds, and the
 * receiver takes one on the caller (the slow path's owe_reply()). The
 * reply drops both of the caller's side and keeps its reply relation's
 * reference as the one of the receive it blocks in.
 */
#include <arch/layout.h>
#include <arch/paging.h>
#include <arch/percpu.h>
#include <arch/trap.h>
#include <cairn/handle.h>
#include <core/process.h>
#include <core/runqueue.h>
#include <core/sched.h>
#include <object/cap.h>
#include <object/endpoint.h>
#include <object/ipc_fastpath.h>
#include <stddef.h>

/* Seven words that context_switch() pops (six callee-saved registers, then
 * the return address): the saved RSP of a thread the fast path blocked,
 * whose kernel stack holds nothing to return to. */
extern const uint64_t ipc_continuation_frame[];

_Static_assert(offsetof(struct thread, ipc_resume) == offsetof(struct thread, ipc_phase) + 4 &&
                   sizeof(enum ipc_phase) == 4 && sizeof(enum ipc_resume) == 4,
               "ipc_state() reads ipc_phase and ipc_resume as one little-endian word");

_Static_assert(offsetof(struct thread, cpu) == offsetof(struct thread, state) + 4 &&
                   sizeof(enum thread_state) == 4,
               "lock_for_switch() reads state and cpu as one little-endian word");

/* A thread's ipc_phase and ipc_resume, tested as one word. */
static inline uint64_t ipc_state(enum ipc_phase phase, enum ipc_resume resume)
{
    return (uint64_t)resume << 32 | phase;
}

static inline uint64_t ipc_state_of(const struct thread *t)
{
    uint64_t word;
    __builtin_memcpy(&word, &t->ipc_phase, sizeof(word));
    return word;
}

/* thread_user_frame(), inline. */
static inline struct trap_frame *frame_of(const struct thread *t)
{
    return (struct trap_frame *)t->kernel_stack_top - 1;
}

/* A flag read once, as a byte, so that several can be or-ed and tested
 * with one branch (process_exiting()'s acquire is a plain load on x86). */
static inline uint8_t flag(const bool *b)
{
    return *(const volatile uint8_t *)b;
}

/* Locks rq, this CPU's run queue, if `peer` may be switched
 * to now: blocked on this CPU, nothing runnable here at its priority or
 * above, not asked to suspend (it must stop on its way out, which the
 * slow path's wake-up arranges), and self's process not exiting (self
 * must not block once the exit may have looked for it: begin_exit_locked()
 * marks the process first, then wakes its blocked threads under their
 * run-queue locks); false otherwise. suspend_requested is set under this
 * lock (sched_suspend). What counts is peer->cpu read here, under the
 * lock (a peer on another CPU then costs a trylock of our own run queue,
 * and the same-CPU case a test less). The peer's own process is not
 * tested: an exit that reached the peer first has woken it (it is not
 * BLOCKED), and one that reaches it after this lock is released finds it
 * running and interrupts its CPU (sched_kick_cpu()), so it ends at its
 * first return from ring 3, as any thread running when its process
 * begins to exit. */
static inline __attribute__((always_inline)) bool lock_for_switch(const struct cpu *cpu,
                                                                  struct runqueue *rq,
                                                                  struct thread *self,
                                                                  struct thread *peer)
{
    if (!spin_try_acquire(&rq->lock))
        return false;
    uint64_t state_and_cpu;
    __builtin_memcpy(&state_and_cpu, &peer->state, sizeof(state_and_cpu));
    uint64_t ready = rq->ready_mask;
    if (state_and_cpu == cpu->blocked_here && /* BLOCKED, on this CPU */
        (__builtin_expect(ready == 0, 1) || (ready >> peer->priority) == 0) &&
        !(flag(&peer->suspend_requested) | flag(&self->process->exiting)))
        return true;
    spin_release(&rq->lock);
    return false;
}

/* Blocks self (its registers are in its frame already), makes next
 * current, and leaves for ring 3 on next's frame. */
static inline __attribute__((always_inline, noreturn)) void
switch_to(struct cpu *cpu, struct runqueue *rq, struct thread *self, struct thread *next)
{
    /* No deadline, so no sleep queue; wake reasons are read by no one
     * here (the resumed thread's C chain, if any, is discarded). */
    self->state = THREAD_BLOCKED;
    self->saved_rsp = (uint64_t)ipc_continuation_frame;
    next->state = THREAD_RUNNABLE;
    /* Nothing runnable here outranks next (lock_for_switch), so its time
     * slice is uncontested: no slice end. An earlier deadline left in the
     * timer only causes a harmless early tick. */
    rq->slice_end = 0;
    rq->current = next;
    cpu->thread = next;
    /* Both are user threads (only they make system calls and block in
     * IPC): sched_switch_user_state()'s tests for a kernel thread fold
     * away. */
    if (!self->process || !next->process)
        __builtin_unreachable();
    sched_switch_user_state(cpu, self, next, true);
    /* Onto next's frame; only then release the run-queue lock: until RSP
     * has left self's stack, a waker on another CPU must not run self.
     * This function's own return address is left behind with the rest of
     * self's stack. The message is still in its registers. */
    __asm__ volatile("mov %0, %%rsp\n\t"
                     "addl $1, %c2(%1)\n\t" /* spin_release(): the holder alone writes it */
                     "jmp ipc_fastpath_exit"
                     :
                     : "m"(cpu->syscall_frame), /* next's frame (context_load_user()) */
                       "r"(&rq->lock), "i"(offsetof(struct spinlock, serving))
                     : "memory");
    __builtin_unreachable();
}

void ipc_fastpath_call(uint64_t handle)
{
    struct cpu *cpu = this_cpu();
    struct thread *self = cpu->thread;
    struct kobject *o;
    if (!cap_try_lookup(self->process, handle, CAIRN_OBJ_ENDPOINT, CAIRN_RIGHT_SIGNAL,
                        &self->fastpath_call, &o))
        return;
    struct endpoint *ep = (struct endpoint *)o;
    if (!SPIN_TRY_ACQUIRE(ep->lock))
        goto release;
    if (list_empty(&ep->receivers))
        goto unlock;
    struct thread *r = list_first_entry(&ep->receivers, struct thread, wait_link);
    struct runqueue *rq = cpu->runqueue;
    /* RESUME_RECV: a receive without a timeout and not through a bound
     * notification (receive_bound() clears it), so it takes any message
     * and has nothing to undo. */
    if (r->ipc_resume != IPC_RESUME_RECV || !lock_for_switch(cpu, rq, self, r))
        goto unlock;

    list_remove(&r->wait_link);
    r->ipc_phase = IPC_IDLE;
    r->ipc_resume = IPC_RESUME_NONE;
    kobject_retain_held(&self->obj); /* self's living reference */
    r->reply_to = self;
    r->reply_ep = ep;
    r->reply_seq = ++self->ipc_call_seq; /* as endpoint_call() and owe_reply() */
    self->ipc_endpoint = ep;
    self->ipc_phase = IPC_AWAITING_REPLY;
    self->ipc_resume = IPC_RESUME_CALL;
    self->wait_done = false;
    SPIN_RELEASE(ep->lock);

    /* The badge, from the lookup (read here rather than kept in a
     * register all along); the message follows in registers. */
    frame_of(r)->rdi = self->fastpath_call.badge;
    switch_to(cpu, rq, self, r);

unlock:
    SPIN_RELEASE(ep->lock);
release:
    /* Out of line, but keeping the message registers. */
    __asm__ volatile("call kobject_release_preserving" : : "D"(&ep->obj) : "memory", "cc");
    return;
}

void ipc_fastpath_reply_recv(uint64_t handle)
{
    struct thread *self = this_cpu_thread();
    struct thread *c = self->reply_to;
    struct endpoint *ep = self->reply_ep;
    /* The handle must name the endpoint self's reply relation holds a
     * reference to, so it can be checked without the cap lock; with no
     * reply owed, reply_ep is NULL (reply_to and reply_ep are set and
     * cleared together), which no handle names: the slow path. A bound
     * notification makes the receive the slow path's receive_bound(). */
    _Static_assert(offsetof(struct endpoint, obj) == 0, "an endpoint is its kobject");
    if (__atomic_load_n(&self->bound_notification, __ATOMIC_RELAXED) ||
        !cap_names(self->process, handle, CAIRN_OBJ_ENDPOINT, CAIRN_RIGHT_WAIT,
                   &self->fastpath_recv, (const struct kobject *)ep) ||
        !SPIN_TRY_ACQUIRE(ep->lock))
        return;
    struct cpu *cpu = this_cpu(); /* only now: a register less in the handle check */
    struct runqueue *rq = cpu->runqueue;
    if (!list_empty(&ep->senders) || !lock_for_switch(cpu, rq, self, c))
        goto unlock;
    /* caller_awaits() in endpoint.c, and RESUME_CALL: a call without a
     * timeout, made by ipc_call (not endpoint_kernel_call). Read once c is
     * known to be blocked on this CPU: only c itself changes its
     * ipc_call_seq, so an equal one names the very call self took, whose
     * endpoint is reply_ep (ep: its lock is held), so the phase and
     * ipc_resume read here are that call's. */
    if (c->ipc_call_seq != self->reply_seq ||
        ipc_state_of(c) != ipc_state(IPC_AWAITING_REPLY, IPC_RESUME_CALL)) {
        spin_release(&rq->lock);
        goto unlock;
    }

    self->ipc_endpoint = ep;
    self->ipc_phase = IPC_RECEIVING;
    self->ipc_resume = IPC_RESUME_RECV;
    list_push_back(&ep->receivers, &self->wait_link);
    self->wait_done = false;
    self->reply_to = NULL;
    self->reply_ep = NULL;
    c->ipc_phase = IPC_IDLE;
    c->ipc_resume = IPC_RESUME_NONE;
    SPIN_RELEASE(ep->lock);
    /* The caller's lookup reference to ep and ours to the caller go; the
     * reply relation's reference to ep becomes our receive's. Neither
     * release can be the last: that one still holds ep, and c lives. */
    kobject_release_held(&ep->obj);
    kobject_release_held(&c->obj);

    switch_to(cpu, rq, self, c); /* the reply follows in registers */

unlock:
    SPIN_RELEASE(ep->lock);
    return;
}

int64_t ipc_fastpath_resume(void)
{
    struct thread *self = sched_current();
    if (self->ipc_resume == IPC_RESUME_CALL)
        return endpoint_resume_call(self);
    return endpoint_resume_receive(self);
}
