/*
 * switch.S - switching kernel stacks between threads.
 */
#include <arch/trap.h>

/* void *context_switch(uint64_t *prev_rsp, uint64_t next_rsp, void *prev) */
    .text
    .globl context_switch
context_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    mov %rsp, (%rdi)
    mov %rsi, %rsp
    mov %rdx, %rax
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret

/* Where a new user thread's first switch lands: RAX holds the previous
 * thread, RSP points at the thread's user frame. A thread created
 * suspended, or killed before it ran, stops or ends before ring 3. */
    .globl context_first_entry
context_first_entry:
    mov %rax, %rdi
    call sched_finish_switch
    call process_return_to_user
    jmp trap_return
