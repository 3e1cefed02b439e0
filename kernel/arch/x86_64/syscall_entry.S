/*
 * syscall_entry.S - the SYSCALL entry point.
 *
 * Lays out a struct trap_frame like an interrupt's, but fills in only what
 * the system-call path needs (see below), so that custom-ABI handlers can
 * read and write the caller's registers through thread_user_frame().
 * Returns with SYSRET unless the saved RIP is non-canonical, where SYSRET
 * would fault in ring 0 (the Intel SYSRET erratum): IRETQ then raises the
 * fault in ring 3 instead.
 */
#include <arch/gprs.h>
#include <arch/percpu.h>
#include <arch/trap.h>
#include <cairn/syscalls.h>

/* struct trap_frame: r15 r14 r13 r12 r11 r10 r9 r8 rbp rdi rsi rdx rcx rbx rax */
#define FRAME_R15 (0 * 8)
#define FRAME_R14 (1 * 8)
#define FRAME_R13 (2 * 8)
#define FRAME_R12 (3 * 8)
#define FRAME_R10 (5 * 8)
#define FRAME_R9  (6 * 8)
#define FRAME_R8  (7 * 8)
#define FRAME_RBP (8 * 8)
#define FRAME_RDI (9 * 8)
#define FRAME_RSI (10 * 8)
#define FRAME_RDX (11 * 8)
#define FRAME_RBX (13 * 8)
#define FRAME_RAX (14 * 8)
#define FRAME_RIP (17 * 8)          /* after error and vector */
#define FRAME_RFLAGS (19 * 8)
#define FRAME_RSP (20 * 8)
#define CAIRN_E_INVALID_SYSCALL 1 /* include/cairn/error.h */

    .text
    .globl syscall_entry
syscall_entry:
    /* SYSCALL_ENTER (arch/gprs.h) without its two constant pushes: the
     * frame's CS and SS slots hold USER_CS and USER_DS already, written
     * when the thread was created (context_init_user) and by every
     * interrupt or exception from ring 3 since, which pushes those very
     * selectors (ring 3 can load no other code or stack segment), and
     * written by nothing else: the frame is the top of the thread's own
     * kernel stack, whose address each switch leaves in syscall_frame.
     * Three stores. */
    swapgs
    mov %rsp, %gs:CPU_OFFSET_USER_RSP
    mov %gs:CPU_OFFSET_SYSCALL_FRAME, %rsp
    mov %rcx, FRAME_RIP(%rsp)
    mov %r11, FRAME_RFLAGS(%rsp)
    mov %gs:CPU_OFFSET_USER_RSP, %rcx
    mov %rcx, FRAME_RSP(%rsp)
    cmp $SYS_COUNT, %rax
    jae .Lbad_number
    jmp *syscall_fast_entries(,%rax,8)

/* Every call but the IPC fast path's two (see syscall_fast_entries). Only
 * the registers the C handler may clobber and the caller expects back are
 * saved: RDX RSI RDI R8 R9 R10. RBX RBP R12-R15 survive the C call; RCX
 * and R11 are the ABI's to clobber; RAX is the result. Their slots (and
 * error, vector) are left unwritten: six stores rather than pushes. The
 * argument registers still hold the caller's
 * values: call the handler straight from the table (24-byte entries,
 * handler at +8), with R10 moved to RCX, the C ABI's fourth argument.
 * SFMASK has cleared DF and IF. */
syscall_c_entry:
    mov %rdx, FRAME_RDX(%rsp)
    mov %rsi, FRAME_RSI(%rsp)
    mov %rdi, FRAME_RDI(%rsp)
    mov %r8, FRAME_R8(%rsp)
    mov %r9, FRAME_R9(%rsp)
    mov %r10, FRAME_R10(%rsp)
    mov %r10, %rcx
    lea (%rax,%rax,2),%rax
    call *syscall_table+8(,%rax,8)
    /* The way out, with RAX the result and RSP the frame; also taken by
     * threads the IPC fast path resumes (ipc_fastpath_entry.S). */
    .globl syscall_exit
syscall_exit:
.Lcheck_work:
    cmpl $0, %gs:CPU_OFFSET_EXIT_WORK
    jne .Lexit_work
.Lreturn:
    mov FRAME_R10(%rsp), %r10
    mov FRAME_R9(%rsp), %r9
    mov FRAME_R8(%rsp), %r8
    mov FRAME_RDI(%rsp), %rdi
    mov FRAME_RSI(%rsp), %rsi
    mov FRAME_RDX(%rsp), %rdx
    mov FRAME_RIP(%rsp), %rcx
    mov %rcx, %r11
    shr $47, %r11
    jnz 1f
    mov FRAME_RFLAGS(%rsp), %r11
    mov FRAME_RSP(%rsp), %rsp
    swapgs
    sysretq
1:  add $FRAME_RIP, %rsp
    swapgs
    iretq

.Lbad_number:
    mov %rdx, FRAME_RDX(%rsp)
    mov %rsi, FRAME_RSI(%rsp)
    mov %rdi, FRAME_RDI(%rsp)
    mov %r8, FRAME_R8(%rsp)
    mov %r9, FRAME_R9(%rsp)
    mov %r10, FRAME_R10(%rsp)
    mov $-CAIRN_E_INVALID_SYSCALL, %rax
    jmp .Lcheck_work

/* Reaping, a reschedule, an exiting process or a suspension: the C side
 * may switch threads, so the result waits in the frame meanwhile. The
 * callee-saved registers go there too: a thread that stops here
 * (thread_control) shows every user register in its frame, and after a
 * stop, which may have changed any of them, all are restored from it. */
.Lexit_work:
    mov %rax, FRAME_RAX(%rsp)
    mov %rbx, FRAME_RBX(%rsp)
    mov %rbp, FRAME_RBP(%rsp)
    mov %r12, FRAME_R12(%rsp)
    mov %r13, FRAME_R13(%rsp)
    mov %r14, FRAME_R14(%rsp)
    mov %r15, FRAME_R15(%rsp)
    mov %rsp, %rdi
    call syscall_exit_work
    test %eax, %eax
    jnz trap_return
    mov FRAME_RAX(%rsp), %rax
    jmp .Lreturn

/* Where each call number goes: syscall_c_entry, but for ipc_call and
 * ipc_reply_recv, whose entries (ipc_fastpath_entry.S) keep the message in
 * its registers and write the frame only as far as the call needs. */
    .section .rodata
    .align 8
syscall_fast_entries:
    .set number, 0
    .rept SYS_COUNT
    .if number == SYS_IPC_CALL
    .quad sys_ipc_call
    .elseif number == SYS_IPC_REPLY_RECV
    .quad sys_ipc_reply_recv
    .else
    .quad syscall_c_entry
    .endif
    .set number, number + 1
    .endr
