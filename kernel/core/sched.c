/*
 * sched.c - per-CPU run queues, switching, preemption, sleeping, waking and
 * suspension (see sched.h for the rules and the locking).
 */
#include <arch/apic.h>
#include <arch/context.h>
#include <arch/iopb.h>
#include <arch/cpu.h>
#include <arch/layout.h>
#include <arch/paging.h>
#include <arch/percpu.h>
#include <arch/timer.h>
#include <arch/trap.h>
#include <core/panic.h>
#include <core/process.h>
#include <core/runqueue.h>
#include <core/sched.h>
#include <core/spinlock.h>
#include <cairn/process.h>

struct runqueue runqueues[MAX_CPUS];

/* Asks `cpu` to reschedule at its next preemption point; the flag in
 * struct cpu makes the SYSCALL return path look (its fast path checks
 * nothing else). */
static void set_need_resched(struct runqueue *rq)
{
    rq->need_resched = true;
    cpus[rq - runqueues].exit_work = 1;
}

static struct runqueue *this_rq(void)
{
    return &runqueues[this_cpu()->index];
}

struct thread *sched_current(void)
{
    return this_rq()->current;
}

static void enqueue(struct runqueue *rq, struct thread *t)
{
    list_push_back(&rq->queues[t->priority], &t->run_link);
    rq->ready_mask |= 1ull << t->priority;
    rq->nready++;
}

static void dequeue(struct runqueue *rq, struct thread *t)
{
    list_remove(&t->run_link);
    if (list_empty(&rq->queues[t->priority]))
        rq->ready_mask &= ~(1ull << t->priority);
    rq->nready--;
}

static int highest_ready(const struct runqueue *rq)
{
    return rq->ready_mask ? 63 - __builtin_clzll(rq->ready_mask) : -1;
}

static bool allowed_on(const struct thread *t, unsigned cpu)
{
    return t->affinity == THREAD_AFFINITY_ANY || t->affinity == cpu;
}

/* The best thread on victim that may run on `cpu`, taken off victim.
 * Caller holds both locks. */
static struct thread *take_for(struct runqueue *victim, unsigned cpu)
{
    for (int p = highest_ready(victim); p >= 0; p--) {
        struct thread *t, *tmp;
        list_for_each_entry_safe(t, tmp, &victim->queues[p], run_link)
        {
            if (allowed_on(t, cpu)) {
                dequeue(victim, t);
                return t;
            }
        }
    }
    return NULL;
}

/* An idle CPU pulls work from a busy one. trylock only: two CPUs stealing
 * from each other must not deadlock. */
static struct thread *steal(unsigned self)
{
    for (unsigned i = 1; i < cpu_count; i++) {
        unsigned c = (self + i) % cpu_count;
        struct runqueue *victim = &runqueues[c];
        if (!victim->ready || victim->nready == 0 || !spin_try_acquire(&victim->lock))
            continue;
        struct thread *t = take_for(victim, self);
        spin_release(&victim->lock);
        if (t) {
            t->cpu = self;
            return t;
        }
    }
    return NULL;
}

static uint64_t slice_ticks(void)
{
    return SCHED_TIME_SLICE_NS * (tsc_hz / 1000000) / 1000;
}

/* Tickless: the timer fires only for the end of a contested time slice or
 * for the earliest sleeper. A slice, once started, is not extended. */
static void arm_timer(struct runqueue *rq)
{
    bool contested = rq->current != rq->idle && highest_ready(rq) >= rq->current->priority;
    if (!contested)
        rq->slice_end = 0;
    else if (!rq->slice_end)
        rq->slice_end = rdtsc() + slice_ticks();
    uint64_t deadline = rq->slice_end;
    if (!list_empty(&rq->sleepers)) {
        struct thread *first = list_first_entry(&rq->sleepers, struct thread, sleep_link);
        if (!deadline || first->wake_deadline < deadline)
            deadline = first->wake_deadline;
    }
    /* Most switches (IPC, yield) leave the deadline as it was: skip the
     * timer write then. A deadline in the past has fired already. */
    if (deadline != rq->armed || (deadline && deadline <= rdtsc())) {
        rq->armed = deadline;
        timer_arm_at(deadline);
    }
}

/* Makes next current on this CPU and switches to it; rq->lock is held and
 * is released by whoever runs next (or here, when next is prev). */
static void switch_to(struct runqueue *rq, struct thread *prev, struct thread *next)
{
    next->cpu = this_cpu()->index;
    rq->current = next;
    rq->slice_end = 0;
    this_cpu()->thread = next;
    arm_timer(rq);
    if (next == prev) {
        spin_release(&rq->lock);
        return;
    }
    sched_switch_user_state(this_cpu(), prev, next, false);
    prev = context_switch(&prev->saved_rsp, next->saved_rsp, prev);
    sched_finish_switch(prev);
}

/* Switches away from rq->current; called with rq->lock held, returns (in
 * the next context) with it released. */
static void schedule_locked(struct runqueue *rq)
{
    unsigned self = this_cpu()->index;
    struct thread *prev = rq->current;

    rq->need_resched = false;
    if (prev != rq->idle && prev->state == THREAD_RUNNABLE)
        enqueue(rq, prev);
    int p = highest_ready(rq);
    struct thread *next = p >= 0 ? list_first_entry(&rq->queues[p], struct thread, run_link) : NULL;
    if (next)
        dequeue(rq, next);
    else
        next = steal(self);
    if (!next)
        next = rq->idle;
    switch_to(rq, prev, next);
}

void sched_finish_switch(struct thread *prev)
{
    struct runqueue *rq = this_rq();
    spin_release(&rq->lock);
    /* A thread of an exiting process may resume inside a system call that
     * returns by the fast path: make that path look. */
    struct thread *cur = rq->current;
    if (cur->process && (process_exiting(cur->process) ||
                         __atomic_load_n(&cur->suspend_requested, __ATOMIC_RELAXED)))
        this_cpu()->exit_work = 1;
    if (prev->state == THREAD_DEAD)
        process_reap_thread(prev);
}

void schedule(void)
{
    struct runqueue *rq = this_rq();
    spin_acquire(&rq->lock);
    schedule_locked(rq);
}

void sched_preempt_point(void)
{
    struct runqueue *rq = this_rq();
    if (rq->ready && rq->need_resched)
        schedule();
}

void sched_yield(void)
{
    schedule();
}

void sched_init_cpu(void)
{
    struct cpu *cpu = this_cpu();
    struct runqueue *rq = &runqueues[cpu->index];
    for (unsigned p = 0; p < THREAD_PRIORITIES; p++)
        list_init(&rq->queues[p]);
    list_init(&rq->sleepers);
    rq->idle = thread_create_idle(cpu->index);
    rq->current = rq->idle;
    cpu->thread = rq->idle;
    cpu->runqueue = rq;
    cpu->blocked_here = (uint64_t)cpu->index << 32 | THREAD_BLOCKED;
    __atomic_store_n(&rq->ready, true, __ATOMIC_RELEASE);
}

/* The CPU a new thread starts on: its affinity, else the least loaded. */
static unsigned place(const struct thread *t)
{
    if (t->affinity != THREAD_AFFINITY_ANY && t->affinity < cpu_count)
        return t->affinity;
    unsigned best = this_cpu()->index;
    unsigned best_load = UINT32_MAX;
    for (unsigned c = 0; c < cpu_count; c++) {
        const struct runqueue *rq = &runqueues[c];
        unsigned load = rq->nready + (rq->current != rq->idle);
        if (rq->ready && load < best_load) {
            best = c;
            best_load = load;
        }
    }
    return best;
}

static bool should_preempt(const struct runqueue *rq, const struct thread *t)
{
    return rq->current == rq->idle || t->priority > rq->current->priority;
}

/* After t became runnable on rq (locked): make sure someone runs it soon.
 * A better thread preempts; an equal one starts a time slice; when its CPU
 * is busy an idle CPU is woken to pull it. */
static void kick(struct runqueue *rq, unsigned cpu, const struct thread *t)
{
    bool preempt = should_preempt(rq, t);
    if (cpu == this_cpu()->index) {
        if (preempt)
            set_need_resched(rq);
        else
            arm_timer(rq);
    } else if (preempt || rq->slice_end == 0) {
        lapic_send_ipi(cpus[cpu].apic_id, VECTOR_RESCHED);
    }
    if (preempt)
        return;
    for (unsigned c = 0; c < cpu_count; c++) {
        if (c != cpu && allowed_on(t, c) && runqueues[c].ready &&
            runqueues[c].current == runqueues[c].idle) {
            lapic_send_ipi(cpus[c].apic_id, VECTOR_RESCHED);
            return;
        }
    }
}

void sched_kick_cpu(unsigned cpu)
{
    if (cpu == this_cpu()->index)
        set_need_resched(this_rq());
    else
        lapic_send_ipi(cpus[cpu].apic_id, VECTOR_RESCHED);
}

void sched_reschedule_ipi(void)
{
    struct runqueue *rq = this_rq();
    if (!rq->ready)
        return;
    spin_acquire(&rq->lock);
    int best = highest_ready(rq);
    if (rq->current == rq->idle || best > (int)rq->current->priority)
        set_need_resched(rq);
    arm_timer(rq);
    spin_release(&rq->lock);
}

void sched_make_runnable(struct thread *t)
{
    bool irq = irq_save();
    unsigned cpu = place(t);
    struct runqueue *rq = &runqueues[cpu];
    spin_acquire(&rq->lock);
    t->cpu = cpu;
    t->state = THREAD_RUNNABLE;
    enqueue(rq, t);
    kick(rq, cpu, t);
    spin_release(&rq->lock);
    irq_restore(irq);
}

/* Locks the run queue that owns t; t->cpu may change until it is held. */
static struct runqueue *lock_owner(struct thread *t)
{
    for (;;) {
        unsigned cpu = __atomic_load_n(&t->cpu, __ATOMIC_ACQUIRE);
        struct runqueue *rq = &runqueues[cpu];
        spin_acquire(&rq->lock);
        if (t->cpu == cpu)
            return rq;
        spin_release(&rq->lock);
    }
}

bool sched_wake(struct thread *t, enum wake_reason reason)
{
    bool irq = irq_save();
    struct runqueue *rq = lock_owner(t);
    bool woke = t->state == THREAD_BLOCKED;
    if (woke) {
        t->state = THREAD_RUNNABLE;
        t->wake_reason = reason;
        list_remove(&t->sleep_link);
        /* Still on its CPU on the way into schedule(): it will see RUNNABLE. */
        if (rq->current != t) {
            enqueue(rq, t);
            kick(rq, t->cpu, t);
        }
    }
    spin_release(&rq->lock);
    irq_restore(irq);
    return woke;
}

static void add_sleeper(struct runqueue *rq, struct thread *t)
{
    struct list *pos = rq->sleepers.next;
    while (pos != &rq->sleepers &&
           list_entry(pos, struct thread, sleep_link)->wake_deadline <= t->wake_deadline)
        pos = pos->next;
    list_insert_between(&t->sleep_link, pos->prev, pos);
}

enum wake_reason sched_block(uint64_t deadline)
{
    bool irq = irq_save();
    struct runqueue *rq = this_rq();
    struct thread *self = rq->current;

    spin_acquire(&rq->lock);
    if (self->state == THREAD_BLOCKED) {
        self->wake_reason = WAKE_NONE;
        self->wake_deadline = deadline;
        if (deadline)
            add_sleeper(rq, self);
        schedule_locked(rq);
    } else {
        spin_release(&rq->lock);
    }
    irq_restore(irq);
    return self->wake_reason;
}

enum wake_reason sched_handoff(struct thread *next, uint64_t deadline)
{
    bool irq = irq_save();
    struct runqueue *rq = this_rq();
    struct thread *self = rq->current;

    spin_acquire(&rq->lock);
    bool direct = next->cpu == this_cpu()->index && next->state == THREAD_BLOCKED && next != self &&
                  highest_ready(rq) <= (int)next->priority;
    if (!direct) {
        spin_release(&rq->lock);
        irq_restore(irq);
        sched_wake(next, WAKE_SIGNALLED);
        return sched_block(deadline);
    }
    next->state = THREAD_RUNNABLE;
    next->wake_reason = WAKE_SIGNALLED;
    list_remove(&next->sleep_link);
    if (self->state == THREAD_BLOCKED) {
        self->wake_reason = WAKE_NONE;
        self->wake_deadline = deadline;
        if (deadline)
            add_sleeper(rq, self);
        switch_to(rq, self, next);
    } else {
        /* Woken already: keep running, and let next wait its turn. */
        enqueue(rq, next);
        kick(rq, this_cpu()->index, next);
        spin_release(&rq->lock);
    }
    irq_restore(irq);
    return self->wake_reason;
}

void sched_exit_current(void)
{
    irq_disable();
    struct runqueue *rq = this_rq();
    spin_acquire(&rq->lock);
    rq->current->state = THREAD_DEAD;
    schedule_locked(rq);
    panic("sched: a dead thread was scheduled again");
}

void sched_timer_tick(void)
{
    struct runqueue *rq = this_rq();
    if (!rq->ready)
        return;
    spin_acquire(&rq->lock);
    rq->armed = 0; /* what was armed has fired */
    uint64_t now = rdtsc();
    while (!list_empty(&rq->sleepers)) {
        struct thread *t = list_first_entry(&rq->sleepers, struct thread, sleep_link);
        if (t->wake_deadline > now)
            break;
        list_remove(&t->sleep_link);
        t->state = THREAD_RUNNABLE;
        t->wake_reason = WAKE_TIMED_OUT;
        if (rq->current != t) {
            enqueue(rq, t);
            if (should_preempt(rq, t))
                set_need_resched(rq);
        }
    }
    if (rq->slice_end && now >= rq->slice_end)
        set_need_resched(rq);
    arm_timer(rq);
    spin_release(&rq->lock);
}

void sched_idle_loop(void)
{
    struct runqueue *rq = this_rq();
    for (;;) {
        irq_disable();
        schedule();
        /* Work queued while switching back here (a reaped process starting
         * the next one, say) must not wait for an interrupt. */
        if (rq->need_resched || rq->nready)
            continue;
        /* STI's one-instruction shadow makes "enable and halt" atomic: a
         * wake-up IPI cannot slip in between. */
        __asm__ volatile("sti; hlt" ::: "memory");
    }
}

void sched_stop_current(void)
{
    bool irq = irq_save();
    struct runqueue *rq = this_rq();
    struct thread *self = rq->current;
    spin_acquire(&rq->lock);
    while (self->suspend_requested && !process_exiting(self->process)) {
        self->state = THREAD_BLOCKED;
        self->stopped = true;
        schedule_locked(rq);
        rq = this_rq(); /* woken, it may have been pulled to another CPU */
        spin_acquire(&rq->lock);
        self->stopped = false;
    }
    spin_release(&rq->lock);
    irq_restore(irq);
}

enum cairn_error sched_suspend(struct thread *t)
{
    bool irq = irq_save();
    struct runqueue *rq = lock_owner(t);
    bool dead = t->state == THREAD_DEAD;
    bool running = rq->current == t;
    unsigned cpu = t->cpu;
    if (!dead)
        t->suspend_requested = true;
    spin_release(&rq->lock);
    /* A thread running on another CPU is interrupted and stops on its way
     * back to ring 3; the caller itself stops at the end of this call.
     * Queued and blocked threads look when they are next switched to. */
    if (!dead && running) {
        if (cpu == this_cpu()->index)
            this_cpu()->exit_work = 1;
        else
            lapic_send_ipi(cpus[cpu].apic_id, VECTOR_RESCHED);
    }
    irq_restore(irq);
    return dead ? CAIRN_E_PEER_DEAD : CAIRN_OK;
}

enum cairn_error sched_resume(struct thread *t)
{
    bool irq = irq_save();
    struct runqueue *rq = lock_owner(t);
    bool dead = t->state == THREAD_DEAD;
    t->suspend_requested = false;
    if (t->stopped && t->state == THREAD_BLOCKED) {
        /* Cleared here, not only by sched_stop_current: a thread parked at
         * creation (sched_park_new) never passes through it, and would
         * count as stopped in every later wait. */
        t->stopped = false;
        t->state = THREAD_RUNNABLE;
        t->wake_reason = WAKE_SIGNALLED;
        enqueue(rq, t);
        kick(rq, t->cpu, t);
    }
    spin_release(&rq->lock);
    irq_restore(irq);
    return dead ? CAIRN_E_PEER_DEAD : CAIRN_OK;
}

void sched_park_new(struct thread *t)
{
    t->cpu = place(t);
    t->suspend_requested = true;
    t->stopped = true;
    t->state = THREAD_BLOCKED;
}

bool sched_with_stopped(struct thread *t, void (*fn)(struct thread *t, void *ctx), void *ctx)
{
    bool irq = irq_save();
    struct runqueue *rq = lock_owner(t);
    /* A thread whose forwarded system call is with its handler is stopped
     * for it too: every user register is in its frame (core/foreign.h). */
    bool stopped = (t->stopped || __atomic_load_n(&t->foreign_call, __ATOMIC_ACQUIRE)) &&
                   t->state == THREAD_BLOCKED;
    if (stopped)
        fn(t, ctx);
    spin_release(&rq->lock);
    irq_restore(irq);
    return stopped;
}

uint32_t sched_thread_state(struct thread *t, bool *suspend_requested)
{
    bool irq = irq_save();
    struct runqueue *rq = lock_owner(t);
    uint32_t state = CAIRN_THREAD_RUNNING;
    if (t->state == THREAD_DEAD)
        state = CAIRN_THREAD_DEAD;
    else if (t->state == THREAD_BLOCKED)
        state = t->stopped ? CAIRN_THREAD_STOPPED : CAIRN_THREAD_BLOCKED;
    *suspend_requested = t->suspend_requested;
    spin_release(&rq->lock);
    irq_restore(irq);
    return state;
}

void sched_switch_special(struct process *p)
{
    iopb_switch(__atomic_load_n(&p->iopb, __ATOMIC_ACQUIRE));
    syscall_select_entry(this_cpu(), foreign_abi(p));
}
