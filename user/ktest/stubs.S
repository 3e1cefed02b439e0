/*
 * stubs.S - thread bodies that use no stack at all, so any number of them
 * can share one stack pointer: the leak and quota tests start hundreds.
 */
#include <cairn/syscalls.h>

    .text
/* RDI = notification: signal bit 0 on it, then end the thread. */
    .globl kt_signal_and_exit
kt_signal_and_exit:
    mov $SYS_NOTIFICATION_SIGNAL, %eax
    mov $1, %esi
    syscall
    mov $SYS_THREAD_EXIT, %eax
    syscall
    ud2

/* RDI = notification: wait on it for ever, then end the thread. */
    .globl kt_wait_and_exit
kt_wait_and_exit:
    mov $SYS_NOTIFICATION_WAIT, %eax
    mov $-1, %rsi
    syscall
    mov $SYS_THREAD_EXIT, %eax
    syscall
    ud2

/* RDI = endpoint: call it with an empty message, then end the thread
 * (whatever the call returned). */
    .globl kt_call_and_exit
kt_call_and_exit:
    xor %esi, %esi
    mov $SYS_IPC_CALL, %eax
    syscall
    mov $SYS_THREAD_EXIT, %eax
    syscall
    ud2

/* RDI = &{thread handle, notification}: sets RBX RBP R12-R15, suspends
 * its own thread, and once resumed signals bit 0 if RAX (the suspend's
 * result) is 0, RBX R13 R14 R15 are as set and R12 is 0x4242 (the test
 * writes it while the thread is stopped), else bit 1; then ends. */
    .globl kt_suspend_self
kt_suspend_self:
    mov %rdi, %rbp
    mov $0x1111, %ebx
    mov $0x1212, %r12d
    mov $0x1313, %r13d
    mov $0x1414, %r14d
    mov $0x1515, %r15d
    mov (%rbp), %rdi
    xor %esi, %esi              /* CAIRN_THREAD_SUSPEND */
    xor %edx, %edx
    mov $SYS_THREAD_CONTROL, %eax
    syscall
    mov $2, %esi
    test %rax, %rax
    jnz 1f
    cmp $0x1111, %rbx
    jne 1f
    cmp $0x4242, %r12
    jne 1f
    cmp $0x1313, %r13
    jne 1f
    cmp $0x1414, %r14
    jne 1f
    cmp $0x1515, %r15
    jne 1f
    mov $1, %esi
1:  mov 8(%rbp), %rdi
    mov $SYS_NOTIFICATION_SIGNAL, %eax
    syscall
    mov $SYS_THREAD_EXIT, %eax
    syscall
    ud2
