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
