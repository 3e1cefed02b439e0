/* syscall.h - the SYSCALL instruction's entry set-up. */
#ifndef CAIRN_ARCH_SYSCALL_H
#define CAIRN_ARCH_SYSCALL_H

#include <arch/cpu.h>
#include <arch/percpu.h>
#include <stdbool.h>

/* Points the calling CPU's SYSCALL MSRs at syscall_entry. */
void syscall_init_cpu(void);

extern char syscall_entry[], foreign_syscall_entry[];

/* Points the calling CPU's SYSCALL entry at foreign_entry.S when the next
 * thread's process runs a foreign ABI (core/foreign.h), back at
 * syscall_entry otherwise; writes the MSR only when that changes. Called
 * at every switch to a user thread (inline for that reason), interrupts
 * off. */
static inline void syscall_select_entry(struct cpu *cpu, bool foreign)
{
    if (__builtin_expect(cpu->foreign_entry == foreign, 1))
        return;
    wrmsr(MSR_LSTAR, (uint64_t)(foreign ? foreign_syscall_entry : syscall_entry));
    cpu->foreign_entry = foreign;
}

#endif
