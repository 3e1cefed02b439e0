/*
 * foreign_entry.S - the SYSCALL entry of processes that run a foreign
 * system-call ABI (core/foreign.h). LSTAR points here only while such a
 * process runs (syscall_select_entry), so native system calls pay nothing.
 *
 * Saves every register in a full struct trap_frame, as an interrupt does:
 * the handler may read and write any of them while the call is forwarded.
 * Returns through trap_return (IRETQ), which restores them all; RCX and
 * R11 come back holding the return address and flags, as after SYSRET.
 */
#include <arch/gprs.h>
#include <arch/percpu.h>
#include <arch/trap.h>

    .text
    .globl foreign_syscall_entry
foreign_syscall_entry:
    SYSCALL_ENTER
    pushq $0                    /* error */
    pushq $VECTOR_FOREIGN_SYSCALL
    PUSH_GPRS
    mov %rsp, %rdi
    call foreign_syscall
    jmp trap_return
