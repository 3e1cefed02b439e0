/*
 * gprs.h - assembler macros that save and restore the general registers in
 * the order of struct trap_frame (arch/trap.h), shared by every entry path.
 */
#ifndef CAIRN_ARCH_GPRS_H
#define CAIRN_ARCH_GPRS_H

#ifdef __ASSEMBLER__
#include <arch/percpu.h>
#include <arch/trap.h>

/* clang-format off */
.macro PUSH_GPRS
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
.endm

/* The first half of foreign_entry.S: to the top of the thread's kernel
 * stack (the user RSP parked in struct cpu meanwhile), then the frame's
 * top five words as an interrupt from ring 3 would have pushed them (RCX
 * holds the return RIP and R11 the RFLAGS, as SYSCALL left them). The
 * native entry (syscall_entry.S) writes only three of them. */
.macro SYSCALL_ENTER
    swapgs
    mov %rsp, %gs:CPU_OFFSET_USER_RSP
    mov %gs:CPU_OFFSET_SYSCALL_FRAME, %rsp
    add $TRAP_FRAME_SIZE, %rsp
    pushq $USER_DS
    pushq %gs:CPU_OFFSET_USER_RSP
    pushq %r11                  /* RFLAGS */
    pushq $USER_CS
    pushq %rcx                  /* RIP */
.endm

.macro POP_GPRS
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
.endm
/* clang-format on */
#endif

#endif
