/*
 * foreign_stubs.S - position-independent code for the children of
 * foreign.c, which runs them marked with process_set_syscall_handler: the
 * test copies the bytes between kt_foreign_code and kt_foreign_code_end
 * into a memory object and maps it executable in the child. Nothing here
 * refers to an absolute address or touches the stack. Every SYSCALL of a
 * marked child reaches the test as a message; the stubs derive their
 * register values from the argument (RDI at entry), so the test knows
 * what each register must hold without constants shared with C.
 */
#include <cairn/syscalls.h>

    .text
    .globl kt_foreign_code, kt_foreign_code_end
    .globl kt_foreign_regs, kt_foreign_regs_after, kt_foreign_regs_spin
    .globl kt_foreign_chain, kt_foreign_call_then_exit, kt_foreign_spin_then_exit
kt_foreign_code:

/* RDI = base. Every general register but RSP, RCX and R11 set to base + k
 * (RAX +1, RSI +2, RDX +3, R10 +4, R8 +5, R9 +6, RBX +7, RBP +8, R12 +0,
 * R13 +13, R14 +14, R15 +15), then one call. Then a second call, RAX =
 * base + 16, reporting in RDI the RAX the first returned, in RSI the RBX
 * and in RDX the 64-bit word at FS:0 it resumed with. Then spins for ever
 * (RCX still the return address of the second call). */
kt_foreign_regs:
    lea 1(%rdi), %rax
    lea 2(%rdi), %rsi
    lea 3(%rdi), %rdx
    lea 4(%rdi), %r10
    lea 5(%rdi), %r8
    lea 6(%rdi), %r9
    lea 7(%rdi), %rbx
    lea 8(%rdi), %rbp
    mov %rdi, %r12
    lea 13(%rdi), %r13
    lea 14(%rdi), %r14
    lea 15(%rdi), %r15
    syscall
kt_foreign_regs_after:
    mov %rax, %rdi
    mov %rbx, %rsi
    mov %fs:0, %rdx
    lea 16(%r12), %rax
    syscall
kt_foreign_regs_spin:
    pause
    jmp kt_foreign_regs_spin

/* RDI = base. Calls for ever: call n (from 1) has RAX = base + n, RDI =
 * base, RSI = n and RDX = what call n - 1 returned (0 for the first). */
kt_foreign_chain:
    mov %rdi, %r12
    xor %ebx, %ebx
    xor %eax, %eax
1:  inc %rbx
    mov %rax, %rdx
    mov %rbx, %rsi
    mov %r12, %rdi
    lea (%r12,%rbx), %rax
    syscall
    jmp 1b

/* One call with RAX = RDI (RSI and RDX 0, as a new thread starts), then
 * a second with RAX = SYS_EXIT, RDI = what the first returned: forwarded
 * while the child is marked, Cairn's exit once it is not. */
kt_foreign_call_then_exit:
    mov %rdi, %rax
    syscall
    mov %rax, %rdi
    mov $SYS_EXIT, %eax
    syscall
    ud2

/* Spins until the 64-bit word at RDI is not 0, then makes a call with
 * RAX = SYS_EXIT and RDI = that word. */
kt_foreign_spin_then_exit:
    mov (%rdi), %rax
    test %rax, %rax
    jnz 1f
    pause
    jmp kt_foreign_spin_then_exit
1:  mov %rax, %rdi
    mov $SYS_EXIT, %eax
    syscall
    ud2

kt_foreign_code_end:
