/* syscall.h - the SYSCALL instruction's entry set-up. */
#ifndef CAIRN_ARCH_SYSCALL_H
#define CAIRN_ARCH_SYSCALL_H

#include <stdbool.h>

/* Points the calling CPU's SYSCALL MSRs at syscall_entry. */
void syscall_init_cpu(void);

/* Points the calling CPU's SYSCALL entry at foreign_entry.S when the next
 * thread's process runs a foreign ABI (core/foreign.h), back at
 * syscall_entry otherwise; writes the MSR only when that changes. Called
 * at every switch to a user thread, interrupts off. */
void syscall_select_entry(bool foreign);

#endif
