/* syscall.h - the SYSCALL instruction's entry set-up. */
#ifndef CAIRN_ARCH_SYSCALL_H
#define CAIRN_ARCH_SYSCALL_H

/* Points the calling CPU's SYSCALL MSRs at syscall_entry. */
void syscall_init_cpu(void);

#endif
