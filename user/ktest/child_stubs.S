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
    .globl kt_child_echo, kt_child_call, kt_child_reply_worker
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

/* An echo server on the endpoint handle in RDI, for the IPC fast path
 * between address spaces (ipc_fastpath.c): answers each message with
 * label + 100, ~w0, 3 * w1 + 1, w2 ^ badge and w3 rotated left by 13,
 * until label 5, which it answers before exit(0). RBX, R12-R15 and XMM0
 * hold fixed values throughout: exit(1) when one changed across a system
 * call; exit(the error) when a call failed. */
#define ECHO_RBX $0x0123456789abcdef
#define ECHO_R12 $0x1122334455667788
#define ECHO_R13 $0x99aabbccddeeff00
#define ECHO_R14 $0x0f1e2d3c4b5a6978
#define ECHO_R15 $0x8796a5b4c3d2e1f0
kt_child_echo:
    mov %rdi, %rbp
    movabs ECHO_RBX, %rbx
    movabs ECHO_R12, %r12
    movabs ECHO_R13, %r13
    movabs ECHO_R14, %r14
    movabs ECHO_R15, %r15
    movq %rbx, %xmm0
    mov $-1, %rsi
    mov $SYS_IPC_RECV, %eax
    syscall
1:  test %rax, %rax
    jnz 3f
    movabs ECHO_RBX, %rcx
    cmp %rcx, %rbx
    jne 2f
    movabs ECHO_R12, %rcx
    cmp %rcx, %r12
    jne 2f
    movabs ECHO_R13, %rcx
    cmp %rcx, %r13
    jne 2f
    movabs ECHO_R14, %rcx
    cmp %rcx, %r14
    jne 2f
    movabs ECHO_R15, %rcx
    cmp %rcx, %r15
    jne 2f
    movq %xmm0, %rcx
    cmp %rcx, %rbx
    jne 2f
    not %rdx
    lea 1(%r10,%r10,2), %r10
    xor %rdi, %r8
    rol $13, %r9
    add $100, %esi
    cmp $105, %esi
    je 4f
    mov %rbp, %rdi
    mov $SYS_IPC_REPLY_RECV, %eax
    syscall
    jmp 1b
2:  mov $1, %edi
    jmp 5f
3:  mov %rax, %rdi
    jmp 5f
4:  mov $SYS_IPC_REPLY, %eax
    syscall
    mov %rax, %rdi
5:  mov $SYS_EXIT, %eax
    syscall
    ud2

/* Calls the endpoint handle in RDI with label 1 and no words, then
 * exit(the call's result). */
kt_child_call:
    mov $1, %esi
    mov $SYS_IPC_CALL, %eax
    syscall
    mov %rax, %rdi
    mov $SYS_EXIT, %eax
    syscall
    ud2

/* A worker for reply objects (reply.c): names the first page of its stack
 * mapping (CHILD_STACK in child.h, below the few words of stack it uses)
 * as its IPC buffer, receives one message on the endpoint handle in RDI,
 * and takes caps[0] as a reply handle. Label 1: replies through it with
 * label 0x77 and words 0xabc, 0xdef, 0, 0, then answers the message with
 * word 0 = what that reply returned, and exit(0). Label 2: exit(0) at
 * once, dropping both the handle and the message's reply. A failed
 * buffer_set or receive: exit(its error). */
kt_child_reply_worker:
    mov %rdi, %rbp
    mov $0x20000000, %edi
    mov $SYS_IPC_BUFFER_SET, %eax
    syscall
    test %rax, %rax
    jnz 2f
    mov %rbp, %rdi
    mov $-1, %rsi
    mov $SYS_IPC_RECV, %eax
    syscall
    test %rax, %rax
    jnz 2f
    cmp $2, %esi
    je 1f
    mov $0x20000000, %ecx
    mov 4032(%rcx), %edi
    mov $0x77, %esi
    mov $0xabc, %edx
    mov $0xdef, %r10d
    xor %r8d, %r8d
    xor %r9d, %r9d
    mov $SYS_IPC_REPLY_TO, %eax
    syscall
    mov %rax, %rdx
    xor %esi, %esi
    mov $SYS_IPC_REPLY, %eax
    syscall
1:  xor %eax, %eax
2:  mov %rax, %rdi
    mov $SYS_EXIT, %eax
    syscall
    ud2

kt_child_code_end:
