/*
 * thread.h - kernel threads of control. Every user thread is also a kernel
 * thread: it owns a kernel stack on which its system calls and interrupts
 * run, and the scheduler switches between those stacks.
 */
#ifndef CAIRN_CORE_THREAD_H
#define CAIRN_CORE_THREAD_H

#include <cairn/ipc.h>
#include <arch/fpu.h>
#include <lib/list.h>
#include <object/kobject.h>
#include <stdbool.h>
#include <stdint.h>

struct process;
struct trap_frame;

#define THREAD_PRIORITIES       64
#define THREAD_PRIORITY_DEFAULT 32
#define THREAD_AFFINITY_ANY     UINT32_MAX

enum thread_state {
    THREAD_RUNNABLE, /* on a run queue, or running (rq->current) */
    THREAD_BLOCKED,  /* waiting for a wake-up or a deadline */
    THREAD_DEAD,     /* exited; freed by the next thread on its CPU */
};

/* Why a blocked thread was woken, for the call it was blocked in. */
enum wake_reason {
    WAKE_NONE,
    WAKE_SIGNALLED,
    WAKE_TIMED_OUT,
    WAKE_KILLED, /* its process is exiting */
};

/* A short IPC message: what travels in registers (see docs/syscalls.md). */
struct ipc_message {
    uint64_t info; /* label and lengths, opaque to the kernel here */
    uint64_t words[4];
    uint64_t badge; /* the sender's badge, filled in by the kernel */
};

enum ipc_phase {
    IPC_IDLE,
    IPC_SENDING,        /* queued on an endpoint's senders */
    IPC_RECEIVING,      /* queued on an endpoint's receivers */
    IPC_AWAITING_REPLY, /* a receiver took the message; the reply is owed */
};

/* How a thread blocked in IPC finishes its system call, for the fast path
 * (object/ipc_fastpath.h). RESUME_CALL: blocked in ipc_call without a
 * timeout, awaiting the reply; RESUME_RECV: blocked in a receive without a
 * timeout and not through a bound notification. Either way,
 * once handed a register-only message (0 buffer bytes, 0 capabilities),
 * all that remains of its system call is: drop the reference it holds to
 * ipc_endpoint, put the message in its frame, return 0. So a waker on its
 * CPU may do that itself and resume it straight in ring 3, discarding
 * whatever it left on its kernel stack. */
enum ipc_resume {
    IPC_RESUME_NONE,
    IPC_RESUME_CALL,
    IPC_RESUME_RECV,
};

struct endpoint;
struct notification;
struct reply;

/* What one of the IPC fast path's handle checks found (object/ipc_fastpath.c):
 * handle named object, with badge and the rights that half needs, while the
 * process's handle table was at epoch (handle_table_epoch()); still true
 * while the epoch is unchanged. Zeroed: matches nothing (epochs start at 1).
 * No reference: object is only followed while the epoch proves the handle
 * still holds one. Only the thread itself reads or writes it. */
struct ipc_handle_memo {
    uint64_t handle;
    uint64_t epoch;
    struct kobject *object;
    uint64_t badge;
};

struct thread {
    struct kobject obj; /* one reference is held while the thread lives */
    uint32_t tid;
    struct process *process;      /* NULL for a CPU's idle thread */
    enum thread_state state;      /* rq lock of `cpu` (the thread sets BLOCKED itself) */
    uint32_t cpu;                 /* the CPU whose run queue owns the thread; after state:
                                     the IPC fast path tests the two as one word */
    enum wake_reason wake_reason; /* rq lock of `cpu` */
    uint8_t priority;             /* 0 lowest .. THREAD_PRIORITIES-1 highest */
    uint32_t affinity;            /* a CPU index, or THREAD_AFFINITY_ANY */
    struct list run_link;         /* on a run queue: rq lock of `cpu` */
    struct list sleep_link;       /* on a sleep queue: rq lock of `cpu` */
    uint64_t wake_deadline;       /* TSC value, 0: none */
    uint64_t kernel_stack;        /* base of the kernel stack (physical-window address) */
    uint64_t kernel_stack_top;    /* kernel_stack + KERNEL_STACK_SIZE (user threads) */
    uint64_t saved_rsp;           /* kernel RSP while switched out */
    uint64_t fs_base;             /* user TLS base, loaded on switch-in */
    struct fpu_state fpu;         /* user threads: x87/SSE registers while switched out */
    /* Suspension (thread_control): a thread asked to suspend stops at its
     * next return to ring 3, where its frame holds every user register,
     * and stays BLOCKED there until resumed or its process ends. */
    bool suspend_requested;   /* rq lock of `cpu`; peeked without it on the way out */
    bool stopped;             /* rq lock of `cpu`: blocked at that stop point */
    struct list process_link; /* on process->threads: process lock */

    /* Blocking on an object (notification, endpoint). The waker sets
     * wait_done and wait_value under that object's lock, so a result handed
     * over just as a timeout fires is never lost. */
    struct list wait_link;         /* on the object's wait queue: object lock */
    uint64_t wait_value;           /* object lock */
    int64_t wait_status;           /* object lock: 0 or -enum cairn_error */
    bool wait_done;                /* object lock */
    struct ipc_message ipc;        /* in call: the request; in recv: what arrived */
    struct thread *reply_to;       /* a caller owed a reply: a reference is held */
    struct endpoint *reply_ep;     /* the endpoint of that call: a reference is held */
    enum ipc_phase ipc_phase;      /* lock of ipc_endpoint */
    enum ipc_resume ipc_resume;    /* set by the thread before it queues itself,
                                      read and cleared under the lock of
                                      ipc_endpoint; NONE unless in IPC. Next to
                                      ipc_phase: the fast path tests and sets
                                      the two as one word */
    struct endpoint *ipc_endpoint; /* the endpoint of the current call or receive */
    bool foreign_call;             /* in a forwarded system call: stopped for its handler */

    /* Where the thread's page faults go (object/fault.h). */
    struct endpoint *fault_ep; /* fault lock: a reference is held; NULL: none */
    uint64_t fault_badge;      /* fault lock: the badge the pager sees */
    uint64_t ipc_call_seq;     /* lock of ipc_endpoint: counts this thread's calls */
    uint64_t reply_seq;        /* the ipc_call_seq of reply_to's call */
    /* lock of ipc_endpoint: the reply object this thread's awaited reply
     * was detached into (object/reply.h), or NULL; no reference */
    struct reply *reply_holder;

    /* Long messages (object/ipc_buffer.h). A fast path that carries only
     * registers must leave to the slow path any thread with a bound
     * notification, and any message whose descriptor has a bit set above
     * bit 31 (bytes, capabilities, a timeout). */
    uint64_t ipc_buffer;                     /* user address of the IPC buffer page, 0: none */
    uint32_t ipc_caps[CAIRN_IPC_MAX_CAPS];   /* the outgoing message's handle list */
    struct notification *bound_notification; /* bind lock (notification.c): a reference */
    bool bind_closed; /* bind lock: the thread has ended; nothing may be bound to it */

    /* The IPC fast path's last handle checks: ipc_call's (SIGNAL) and
     * ipc_reply_recv's (WAIT). The thread's own. */
    struct ipc_handle_memo fastpath_call, fastpath_recv;
};

/* A user thread of p that will enter ring 3 at entry with RSP = stack,
 * RDI = arg and FS base fs_base, once sched_make_runnable() is called.
 * NULL when out of memory. The caller adds it to p (process_add_thread). */
struct thread *thread_create_user(struct process *p, uint64_t entry, uint64_t stack, uint64_t arg,
                                  uint64_t fs_base, uint8_t priority, uint32_t affinity);

/* The calling CPU's idle thread, built around the stack it runs on now. */
struct thread *thread_create_idle(unsigned cpu);

/* Frees the kernel stack of a DEAD thread no CPU runs on, and drops its
 * living reference; the struct goes with the last handle to it. */
void thread_release(struct thread *t);

void thread_destroy_object(struct kobject *o);

/* The user register frame at the top of t's kernel stack. */
struct trap_frame *thread_user_frame(struct thread *t);

#endif
