/*
 * crt0.S - native program entry. The kernel starts a program with RSP at
 * the System V start-up block: argc, then argv[], NULL, envp[], NULL, auxv.
 * The initial thread gets its thread block before main.
 */
    .text
    .globl _start
_start:
    xor %ebp, %ebp
    mov %rsp, rt_startup_block(%rip) /* for rt_startup_handle() */
    mov %rsp, %rbx              /* callee-saved: the block, for main's arguments */
    and $-16, %rsp
    call rt_thread_main_init    /* the thread block, FS base (rt/thread.h) */
    mov (%rbx), %rdi            /* argc */
    lea 8(%rbx), %rsi           /* argv */
    call main
    mov %eax, %edi
    call cairn_exit
