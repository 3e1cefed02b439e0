/*
 * context.h - the architecture's half of a thread switch.
 */
#ifndef CAIRN_ARCH_CONTEXT_H
#define CAIRN_ARCH_CONTEXT_H

#include <arch/cpu.h>
#include <arch/paging.h>
#include <arch/percpu.h>
#include <arch/trap.h>
#include <stdint.h>

/* Saves the callee-saved registers and RSP into *prev_rsp, resumes the
 * context saved at next_rsp, and returns `prev` in that context: the thread
 * that was running before it. */
void *context_switch(uint64_t *prev_rsp, uint64_t next_rsp, void *prev);

/* Lays out a new thread's kernel stack so that the first context_switch to
 * it calls sched_finish_switch() and drops to ring 3 with *frame. Returns
 * the RSP to resume. */
uint64_t context_init_user(uint64_t stack_top, const struct trap_frame *frame);

/* Points the CPU at the next thread's address space root and FS base.
 * keep_registers (a constant): the caller holds a value the compiler does
 * not know of in RDX (the IPC fast path: part of the message), which
 * WRMSR needs, so RDX is saved around it. */
static inline __attribute__((always_inline)) void
context_load_space(struct cpu *cpu, uint64_t root, uint64_t fs_base, bool keep_registers)
{
    /* cpu->root, not a CR3 read: the same answer (see percpu.h) for fewer
     * instructions on every switch. */
    if (cpu->root != root) {
        paging_switch(root);
        cpu->root = root;
    }
    /* Only ring 3 uses FS, and only the kernel writes FS_BASE: skip the
     * MSR write when the next thread's value is already loaded. */
    if (cpu->fs_base == fs_base)
        return;
    if (keep_registers) {
        __asm__ volatile("push %%rdx\n\t"
                         "mov %%rax, %%rdx\n\t"
                         "shr $32, %%rdx\n\t"
                         "wrmsr\n\t"
                         "pop %%rdx"
                         :
                         : "a"(fs_base), "c"(MSR_FS_BASE)
                         : "memory");
    } else {
        wrmsr(MSR_FS_BASE, fs_base);
    }
    cpu->fs_base = fs_base;
}

/* Loads the running thread's new FS base (thread_fs_base_set); the
 * caller has interrupts off and has recorded the value in the thread. */
static inline void context_load_fs_base(struct cpu *cpu, uint64_t fs_base)
{
    wrmsr(MSR_FS_BASE, fs_base);
    cpu->fs_base = fs_base;
}

/* Points the CPU at the next thread: kernel stack for traps and SYSCALL
 * (stack_top, never 0), address space root, FS base. Inline: every switch
 * to a user thread (and the IPC fast path's) runs it. */
static inline __attribute__((always_inline)) void context_load_user(struct cpu *cpu, uint64_t root,
                                                                    uint64_t stack_top,
                                                                    uint64_t fs_base,
                                                                    bool keep_registers)
{
    cpu->tss.rsp[0] = stack_top;
    cpu->syscall_frame = stack_top - TRAP_FRAME_SIZE;
    context_load_space(cpu, root, fs_base, keep_registers);
}

/* The same for a kernel thread: the kernel's root, the kernel stack for
 * ring 3 left as it is (a kernel thread never enters from ring 3). */
static inline void context_load_kernel(void)
{
    context_load_space(this_cpu(), paging_kernel_root(), 0, false);
}

#endif
