/*
 * syscall_entry.S - the SYSCALL entry point.
 *
 * Builds the same struct trap_frame an interrupt would, so every path back
 * to ring 3 can share one frame format; returns with SYSRET unless the
 * saved RIP is non-canonical, where SYSRET would fault in ring 0 (the Intel
 * SYSRET erratum), in which case IRETQ raises the fault in ring 3 instead.
 */
#include <arch/gprs.h>
#include <arch/percpu.h>
#include <arch/trap.h>

    .text
    .globl syscall_entry
syscall_entry:
    swapgs
    mov %rsp, %gs:CPU_OFFSET_USER_RSP
    mov %gs:CPU_OFFSET_KERNEL_RSP, %rsp
    pushq $USER_DS
    pushq %gs:CPU_OFFSET_USER_RSP
    pushq %r11
    pushq $USER_CS
    pushq %rcx
    pushq $0
    pushq $VECTOR_SYSCALL
    PUSH_GPRS
    cld
    mov %rsp, %rdi
    call syscall_dispatch
    cli
    POP_GPRS
    addq $16, %rsp
    mov 0(%rsp), %rcx           /* RIP */
    mov %rcx, %r11
    shr $47, %r11
    jnz 1f
    mov 16(%rsp), %r11          /* RFLAGS */
    mov 24(%rsp), %rsp          /* user RSP */
    swapgs
    sysretq
1:  swapgs
    iretq
