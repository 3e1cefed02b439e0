/*
 * ipc_fastpath_entry.S - the system-call entries of ipc_call, ipc_recv and
 * ipc_reply_recv (object/ipc_fastpath.h), and where a thread the fast path
 * blocked resumes when it is woken through the scheduler.
 *
 * syscall_entry.S jumps to the entries of ipc_call and ipc_reply_recv
 * (syscall_fast_entries) with RSP on the caller's frame, of which only
 * RIP, CS, RFLAGS, RSP and SS are written, and every other register the
 * caller's. It calls ipc_recv's like any handler: the frame (with the
 * argument registers) above the return address, the arguments in RDI RSI
 * RDX RCX R8 R9, and RBX RBP R12-R15 the caller's. Each entry stores those
 * six in the frame first: a thread blocked in these calls can then be
 * resumed in ring 3 from its frame alone.
 */
#include <arch/percpu.h>
#include <arch/trap.h>

/* struct trap_frame (arch/trap.h), from its base */
#define F_R15 0
#define F_R14 8
#define F_R13 16
#define F_R12 24
#define F_R10 40
#define F_R9  48
#define F_R8  56
#define F_RBP 64
#define F_RDI 72
#define F_RSI 80
#define F_RDX 88
#define F_RBX 104
#define F_RIP 136
#define F_RFLAGS 152
#define F_RSP 160

/* The callee-saved registers to and from the frame at \base. */
.macro SAVE_CALLEE_SAVED base
    mov %rbx, F_RBX+\base(%rsp)
    mov %rbp, F_RBP+\base(%rsp)
    mov %r12, F_R12+\base(%rsp)
    mov %r13, F_R13+\base(%rsp)
    mov %r14, F_R14+\base(%rsp)
    mov %r15, F_R15+\base(%rsp)
.endm

.macro LOAD_CALLEE_SAVED
    mov F_RBX(%rsp), %rbx
    mov F_RBP(%rsp), %rbp
    mov F_R12(%rsp), %r12
    mov F_R13(%rsp), %r13
    mov F_R14(%rsp), %r14
    mov F_R15(%rsp), %r15
.endm

/* Calls the slow handler as syscall_entry.S calls any handler, the frame
 * at RSP: the message registers, which the C fast path leaves alone, go
 * into the frame (which has the caller's RDI and callee-saved registers
 * already) and are the arguments, with RDI back from the frame. The C
 * fast path does not preserve RBX R12-R15 (it is built with
 * -fcall-used-*, see the Makefile): they come back from the frame, since
 * the common exit expects them to hold the caller's values. */
.macro TO_SLOW slow
    mov %rsi, F_RSI(%rsp)
    mov %rdx, F_RDX(%rsp)
    mov %r10, F_R10(%rsp)
    mov %r8, F_R8(%rsp)
    mov %r9, F_R9(%rsp)
    LOAD_CALLEE_SAVED
    mov F_RDI(%rsp), %rdi
    mov %r10, %rcx
    call \slow
    jmp syscall_exit
.endm

/* An entry that tries the C fast path `fast` first, unless the
 * descriptor (RSI) has a bit above 31 set (bytes, capabilities, a
 * timeout, reserved bits). RSP is on the frame, 16-byte aligned for the
 * call. The caller's RDI goes into the frame: a caller gets it back with
 * the reply. The C half leaves RSI RDX R8 R9 R10 alone (see the
 * Makefile): the message is still in its registers. It returns only to
 * send the call to the slow path, nothing changed; otherwise it has
 * switched to the peer and left through ipc_fastpath_exit. */
.macro FASTPATH_ENTRY name, fast, slow
    .globl \name
\name:
    mov %rdi, F_RDI(%rsp)
    SAVE_CALLEE_SAVED 0
    mov %rsi, %rcx
    shr $32, %rcx
    jnz 1f
    call \fast
1:  TO_SLOW \slow
.endm

    .text
    FASTPATH_ENTRY sys_ipc_call, ipc_fastpath_call, sys_ipc_call_slow
    FASTPATH_ENTRY sys_ipc_reply_recv, ipc_fastpath_reply_recv, sys_ipc_reply_recv_slow

/* Where the C fast path leaves (switch_to() in ipc_fastpath.c): RSP on the
 * frame of the thread it switched to, whose system call returns 0 in ring
 * 3, with its RDI from its frame (the badge, for a receiver) and the
 * message in RSI RDX R10 R8 R9 already. SYSRET, as the common exit,
 * unless exit work is due: then the message goes into the frame and the
 * common exit does the rest. The RIP needs no canonical check (the SYSRET
 * erratum): a thread the fast path resumes is blocked in the system call
 * it made, so its frame's RIP is where its own SYSCALL left it, just after
 * an instruction in user memory, which ends below USER_TOP (arch/layout.h),
 * itself canonical (only a stopped thread's RIP is ever written, by
 * thread_control, and that thread returns through IRETQ). */
    .globl ipc_fastpath_exit
ipc_fastpath_exit:
    xor %eax, %eax
    LOAD_CALLEE_SAVED
    mov F_RDI(%rsp), %rdi
    cmpl $0, %gs:CPU_OFFSET_EXIT_WORK
    jne 1f
    mov F_RIP(%rsp), %rcx
    mov F_RFLAGS(%rsp), %r11
    mov F_RSP(%rsp), %rsp
    swapgs
    sysretq
1:  mov %rsi, F_RSI(%rsp)
    mov %rdx, F_RDX(%rsp)
    mov %r10, F_R10(%rsp)
    mov %r8, F_R8(%rsp)
    mov %r9, F_R9(%rsp)
    jmp syscall_exit

    .globl sys_ipc_recv
sys_ipc_recv:
    SAVE_CALLEE_SAVED 8
    jmp sys_ipc_recv_slow

/* context_switch() to ipc_continuation_frame lands here, with RAX the
 * previous thread and this thread's frame in syscall_frame. */
ipc_continuation_entry:
    mov %gs:CPU_OFFSET_SYSCALL_FRAME, %rsp
    mov %rax, %rdi
    call sched_finish_switch
    call ipc_fastpath_resume
    LOAD_CALLEE_SAVED
    jmp syscall_exit

    .section .rodata
    .globl ipc_continuation_frame
    .align 8
ipc_continuation_frame:
    .quad 0, 0, 0, 0, 0, 0      /* R15 R14 R13 R12 RBX RBP */
    .quad ipc_continuation_entry
