/*
 * ipc_fastpath.h - the IPC fast path: a call and its reply between two
 * threads of one CPU, with a register-only message (a descriptor with 0
 * buffer bytes and 0 capabilities, and four words), without the run queue
 * and without schedule().
 *
 * The system-call table's sys_ipc_call, sys_ipc_recv and sys_ipc_reply_recv
 * are the assembly entries of arch/x86_64/ipc_fastpath_entry.S. They save
 * the caller's callee-saved registers (RBX RBP R12-R15) in its frame, so
 * that a thread blocked in these calls can later be resumed straight in
 * ring 3 from its frame alone, then try the fast path (ipc_call and
 * ipc_reply_recv only) and otherwise jump to the C slow path in
 * endpoint.c: sys_ipc_call_slow, sys_ipc_recv_slow,
 * sys_ipc_reply_recv_slow.
 *
 * The fast path is taken only when every one of these holds (anything
 * else goes to the slow path, which handles every case):
 *  - the descriptor's bits 32-63 are 0 (no buffer bytes, no capabilities,
 *    no TIMEOUT, no NOTIFIED, no reserved bits) and the handle fits 32
 *    bits;
 *  - the handle is a LIVE endpoint with the right the call needs (SIGNAL,
 *    WAIT), checked under the cap lock (call; the lock must be free) or
 *    without it (reply_recv), against the thread's memo of its last check
 *    while the handle table's epoch is unchanged, else by a lookup (a
 *    sequence count of the cap lock, for reply_recv);
 *  - the endpoint lock and this CPU's run-queue lock are free (trylock);
 *  - call: the endpoint has a receiver waiting whose thread->ipc_resume is
 *    IPC_RESUME_RECV (blocked in ipc_recv or ipc_reply_recv without a
 *    timeout, and not in receive_bound(), which clears it);
 *  - reply_recv: this thread has no bound notification, owes a reply on
 *    the same endpoint it receives on, no sender is queued there, and the
 *    caller still awaits that very call (caller_awaits(): AWAITING_REPLY
 *    on this endpoint with ipc_call_seq == our reply_seq) blocked in
 *    ipc_call without a timeout (ipc_resume IPC_RESUME_CALL: neither a
 *    timed call nor endpoint_kernel_call() sets it);
 *  - that peer thread is BLOCKED on this CPU's run queue, has no
 *    suspension requested, and no runnable thread there has a priority
 *    >= the peer's;
 *  - this thread's process is not exiting (the peer's, if it is, ends
 *    the peer as soon as it is back in ring 3: see lock_for_switch()).
 * It keeps what the slow path keeps: the call bumps ipc_call_seq and sets
 * the receiver's reply_seq from it (endpoint_call(), owe_reply()), sets
 * ipc_endpoint for the caller and for a thread it blocks in a receive;
 * the switch goes through sched_switch_user_state() (core/runqueue.h),
 * as schedule() does, so per-switch work (x87/SSE state, address space,
 * RSP0, FS base, I/O bitmap, SYSCALL entry, and whatever a switch must
 * do later) lives in one place.
 * endpoint_resume_call()/endpoint_resume_receive() must keep doing what
 * the slow path's tails do. A system call that blocks in endpoint.c with
 * ipc_resume set must enter through an entry that saves RBX RBP R12-R15
 * in the frame (those of this file do).
 */
#ifndef CAIRN_OBJECT_IPC_FASTPATH_H
#define CAIRN_OBJECT_IPC_FASTPATH_H

#include <core/spinlock.h>
#include <core/syscall_table.h>
#include <core/thread.h>

struct trap_frame;

/* The C halves: every check and every change of state but the message
 * itself, which stays in the sender's registers from its SYSCALL to the
 * receiver's SYSRET (the C is built not to touch RSI RDX R8 R9 R10, see
 * the Makefile; the descriptor's bits 32-63 are checked by the assembly).
 * They return only to send the call to the slow path, nothing changed;
 * otherwise they switch to the peer, move RSP onto its frame, release
 * this CPU's run-queue lock (held across the switch, until the blocked
 * thread's stack is no longer in use) and leave through
 * ipc_fastpath_exit (ipc_fastpath_entry.S), which returns to ring 3. */
void ipc_fastpath_call(uint64_t handle);
void ipc_fastpath_reply_recv(uint64_t handle);

/* Where a thread the fast path blocked goes when the slow path (or a
 * process exit) wakes it instead: finishes its system call as the slow
 * path's own tail would and returns the value for RAX. */
int64_t ipc_fastpath_resume(void);

/* The slow paths (endpoint.c). */
SYSCALL_DEFINE(ipc_call_slow);
SYSCALL_DEFINE(ipc_recv_slow);
SYSCALL_DEFINE(ipc_reply_recv_slow);

/* The slow path's finishing of a thread the fast path blocked (endpoint.c):
 * a call awaiting its reply, or a receive. Return the value for RAX. */
int64_t endpoint_resume_call(struct thread *self);
int64_t endpoint_resume_receive(struct thread *self);

#endif
