/*
 * crt0.S - native program entry. The kernel starts a program with RSP at
 * the System V start-up block: argc, then argv[], NULL, envp[], NULL, auxv.
 */
    .text
    .globl _start
_start:
    xor %ebp, %ebp
    mov %rsp, rt_startup_block(%rip) /* for rt_startup_handle() */
    mov (%rsp), %rdi            /* argc */
    lea 8(%rsp), %rsi           /* argv */
    and $-16, %rsp
    call main
    mov %eax, %edi
    call cairn_exit
