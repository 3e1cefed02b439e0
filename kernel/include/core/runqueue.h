/*
 * runqueue.h - a CPU's run queue, shared by the scheduler (sched.c) and
 * the IPC fast path (object/ipc_fastpath.c), which switches threads on its
 * own CPU without going through schedule(). Nothing else may touch it.
 *
 * Locking: see core/sched.h. Every field but `ready` is protected by lock.
 */
#ifndef CAIRN_CORE_RUNQUEUE_H
#define CAIRN_CORE_RUNQUEUE_H

#include <arch/context.h>
#include <arch/iopb.h>
#include <arch/layout.h>
#include <arch/paging.h>
#include <arch/percpu.h>
#include <arch/syscall.h>
#include <core/foreign.h>
#include <core/process.h>
#include <core/spinlock.h>
#include <core/thread.h>
#include <lib/list.h>

struct runqueue {
    struct spinlock lock;
    uint64_t ready_mask;                   /* bit p: queues[p] is not empty */
    struct list queues[THREAD_PRIORITIES]; /* runnable, not running */
    struct list sleepers;                  /* blocked with a deadline, earliest first */
    struct thread *current;
    struct thread *idle;
    unsigned nready;
    uint64_t slice_end; /* TSC at which current's time slice ends, 0: none */
    uint64_t armed;     /* the deadline the timer holds now, 0: none */
    bool need_resched;
    bool ready; /* sched_init_cpu() has run */
};

extern struct runqueue runqueues[MAX_CPUS];

/* The rare part of a switch to a thread of p on this CPU
 * (sched_switch_user_state() with keep_registers): loading or dropping an
 * I/O bitmap, changing the SYSCALL entry. Keeps every register. */
__attribute__((no_caller_saved_registers)) void sched_switch_special(struct process *p);

/* What a switch from prev to next changes besides the kernel stack: the
 * x87/SSE registers, which only user threads own, and for a user thread
 * its address space, kernel stack (TSS RSP0), FS base, I/O bitmap and
 * SYSCALL entry (native or foreign ABI). The one place for the work of a
 * thread switch, done by every switch: schedule()'s and the IPC fast
 * path's direct one alike (object/ipc_fastpath.c). Interrupts off; cpu
 * is this_cpu(), which the caller may have at hand already.
 * keep_registers (a constant): the caller holds values the compiler does
 * not know of in call-clobbered registers (the IPC fast path keeps the
 * message in RSI RDX R8-R10): the rare work (a bitmap, a foreign ABI, an
 * FS base to write) is then done out of line by calls that keep every
 * register, and a switch between processes without ports or foreign ABIs,
 * on a CPU that has neither loaded, tests that with one branch. */
static inline __attribute__((always_inline)) void sched_switch_user_state(struct cpu *cpu,
                                                                          struct thread *prev,
                                                                          struct thread *next,
                                                                          bool keep_registers)
{
    struct process *p = next->process;
    if (prev->process)
        fpu_save(&prev->fpu);
    if (p && keep_registers) {
        uintptr_t special = (uintptr_t)__atomic_load_n(&p->iopb, __ATOMIC_RELAXED) |
                            (uintptr_t)__atomic_load_n(&p->foreign_ep, __ATOMIC_RELAXED) |
                            (uintptr_t)cpu->iopb_current | cpu->foreign_entry;
        /* A call the compiler does not see: the callee keeps every
         * register, so the caller needs no spills (nor a stack frame) for
         * it. Nothing in the kernel needs the stack aligned (no SSE). */
        if (__builtin_expect(special != 0, 0))
            __asm__ volatile("call sched_switch_special" : : "D"(p) : "memory", "cc");
    } else if (p) {
        iopb_switch(__atomic_load_n(&p->iopb, __ATOMIC_ACQUIRE));
        syscall_select_entry(cpu, foreign_abi(p));
    }
    if (p) {
        context_load_user(cpu, process_root(p), next->kernel_stack_top, next->fs_base,
                          keep_registers);
        fpu_restore(&next->fpu);
    } else {
        context_load_kernel();
        iopb_switch(NULL);
    }
}

#endif
