/*
 * sched.h - the scheduler: per-CPU run queues of 64 fixed priorities with
 * round robin inside a priority, preemption by time slice or by a
 * higher-priority wake-up, a tickless one-shot timer, wake-ups across CPUs
 * by IPI, CPU affinity, and idle CPUs pulling work from busy ones.
 *
 * Locking: each run queue has a lock; a thread's state, run link, sleep
 * link and wake reason are protected by the lock of the run queue of
 * thread->cpu. schedule() holds its CPU's lock across the context switch;
 * the thread switched to releases it (sched_finish_switch).
 */
#ifndef CAIRN_CORE_SCHED_H
#define CAIRN_CORE_SCHED_H

#include <cairn/error.h>
#include <core/thread.h>
#include <stdint.h>

#define SCHED_TIME_SLICE_NS 10000000ull

/* Sets up the calling CPU's run queue, with its idle thread as current. */
void sched_init_cpu(void);

/* Puts a new or woken thread on a run queue; preempts or sends an IPI when
 * it should run before what its CPU runs now. */
void sched_make_runnable(struct thread *t);

/* Gives up the CPU; the caller stays runnable (round robin). */
void sched_yield(void);

/* Blocks the calling thread until sched_wake() or the TSC deadline (0:
 * none). The caller has set its state to THREAD_BLOCKED under the lock of
 * whatever queue it put itself on. Returns the wake reason. */
enum wake_reason sched_block(uint64_t deadline);

/* Like sched_block(), but hands the CPU straight to `next` (a thread
 * blocked on this CPU that the caller has just given a result) without
 * going through the run queue, when next may run here now and nothing
 * better waits; otherwise wakes next and blocks as usual. IPC uses it. */
enum wake_reason sched_handoff(struct thread *next, uint64_t deadline);

/* Wakes a blocked thread with a reason; false if it was not blocked. */
bool sched_wake(struct thread *t, enum wake_reason reason);

/* Ends the calling thread; its CPU frees it after switching away. */
__attribute__((noreturn)) void sched_exit_current(void);

/* Switches to the best runnable thread. Interrupts off. */
void schedule(void);

/* Called by the timer and reschedule interrupts, and on the way back to
 * ring 3: switches if a switch is due. */
void sched_preempt_point(void);

/* The timer interrupt: wakes expired sleepers, ends time slices. */
void sched_timer_tick(void);

/* Interrupts `cpu` so that it looks at its run queue (and its current
 * thread at its ring-3 return). */
void sched_kick_cpu(unsigned cpu);

/* The reschedule IPI: another CPU queued work here. */
void sched_reschedule_ipi(void);

/* Called first thing by a thread that has just been switched to. */
void sched_finish_switch(struct thread *prev);

/* The calling CPU's running thread. */
struct thread *sched_current(void);

/*
 * Suspension (thread_control). A suspended thread stops at its next return
 * to ring 3 - at once if it is running or ready in user mode, when its
 * system call completes if it is blocked in one - with every user register
 * in its frame, and stays blocked (`stopped`) until resumed or its process
 * exits.
 */

/* Stops the calling thread while a suspension is requested and its
 * process is not exiting; called on the way back to ring 3 only. */
void sched_stop_current(void);

/* Asks t to stop, interrupting it if it runs now. CAIRN_E_PEER_DEAD for a
 * thread that has ended. */
enum cairn_error sched_suspend(struct thread *t);

/* Withdraws the request; a stopped t runs again. CAIRN_E_PEER_DEAD for a
 * thread that has ended. */
enum cairn_error sched_resume(struct thread *t);

/* Makes a new thread (never run, not yet visible) stopped before its
 * first instruction, owned by the CPU it would have started on. */
void sched_park_new(struct thread *t);

/* Calls fn(t, ctx) if t is stopped, under its run-queue lock, so it stays
 * stopped meanwhile (fn must not block); false, without calling, if not. */
bool sched_with_stopped(struct thread *t, void (*fn)(struct thread *t, void *ctx), void *ctx);

/* t's enum cairn_thread_state, and whether a suspension is requested. */
uint32_t sched_thread_state(struct thread *t, bool *suspend_requested);

/* Turns the calling (boot or AP) context into its CPU's idle loop. */
__attribute__((noreturn)) void sched_idle_loop(void);

#endif
