/*
 * child_stubs.S - position-independent code for child processes: the
 * tests copy the bytes between kt_child_code and kt_child_code_end into a
 * memory object and map it executable in a new, otherwise empty address
 * space. Nothing here refers to an absolute address; each entry uses at
 * most a few words of stack.
 */
#include <cairn/syscalls.h>

    .text
    .globl kt_child_code, kt_child_code_end
    .globl kt_child_exit, kt_child_exit_rbx, kt_child_signal, kt_child_store
    .globl kt_child_loop, kt_child_fault, kt_child_thread_exit, kt_child_exit_tls
kt_child_code:

/* exit(RDI), through the stack so that the stack mapping is exercised. */
kt_child_exit:
    push %rdi
    pop %rdi
    mov $SYS_EXIT, %eax
    syscall
    ud2

/* exit(RBX): a thread_control test writes RBX first. */
kt_child_exit_rbx:
    mov %rbx, %rdi
    mov $SYS_EXIT, %eax
    syscall
    ud2

/* Signals bit 0 on the notification handle in RDI, then exits with the
 * signal call's result (0, or the negated error). */
kt_child_signal:
    mov $SYS_NOTIFICATION_SIGNAL, %eax
    mov $1, %esi
    syscall
    mov %rax, %rdi
    mov $SYS_EXIT, %eax
    syscall
    ud2

/* Stores KT_CHILD_MARKER (child.h) at the address in RDI, then exits
 * with status 0. */
kt_child_store:
    movabs $0x5eedc0de5eedc0de, %rax
    mov %rax, (%rdi)
    xor %edi, %edi
    mov $SYS_EXIT, %eax
    syscall
    ud2

/* Counts in RBX for ever: killed or suspended by the test. */
kt_child_loop:
    inc %rbx
    jmp kt_child_loop

/* Faults at once. */
kt_child_fault:
    ud2

/* Ends its thread (the process ends with its last thread, status 0). */
kt_child_thread_exit:
    mov $SYS_THREAD_EXIT, %eax
    syscall
    ud2

/* exit(the 32-bit word at FS:0): the thread's TLS base is where a test
 * wrote it. */
kt_child_exit_tls:
    mov %fs:0, %edi
    mov $SYS_EXIT, %eax
    syscall
    ud2

kt_child_code_end:
