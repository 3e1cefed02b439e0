/*
 * thread_stubs.S - thread bodies for sched_errors.c that must control
 * every register: one reports the registers a new thread starts with, one
 * sleeps and then signals, without a C call chain.
 */
#include <cairn/syscalls.h>

    .text
/* RDI = struct { or_of_registers, rflags, rsp, done }: stores the OR of
 * every general register but RDI and RSP, RFLAGS and RSP as they were at
 * entry, then sets done and ends the thread. Uses 8 bytes of stack. */
    .globl kt_record_registers
kt_record_registers:
    mov %rsp, 16(%rdi)
    or %rbx, %rax
    or %rcx, %rax
    or %rdx, %rax
    or %rsi, %rax
    or %rbp, %rax
    or %r8, %rax
    or %r9, %rax
    or %r10, %rax
    or %r11, %rax
    or %r12, %rax
    or %r13, %rax
    or %r14, %rax
    or %r15, %rax
    mov %rax, 0(%rdi)
    pushfq
    popq 8(%rdi)
    movq $1, 24(%rdi)
    mov $SYS_THREAD_EXIT, %eax
    syscall
    ud2

/* RDI = struct { ns, notification }: sleeps ns, signals bit 0 on the
 * notification, ends the thread. Never touches its stack. */
    .globl kt_sleep_then_signal
kt_sleep_then_signal:
    mov %rdi, %rbx
    mov 0(%rbx), %rdi
    mov $SYS_SLEEP, %eax
    syscall
    mov 8(%rbx), %rdi
    mov $1, %esi
    mov $SYS_NOTIFICATION_SIGNAL, %eax
    syscall
    mov $SYS_THREAD_EXIT, %eax
    syscall
    ud2
