/*
 * trap_entry.S - interrupt/exception stubs, the common save/restore path,
 * the NMI entry used to stop CPUs on panic, and the first drop to ring 3.
 */
#include <arch/gprs.h>
#include <arch/percpu.h>
#include <arch/trap.h>

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERROR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

    .text
    .align 16
trap_stub_base:
    .set vec, 0
    .rept 256
    .align 16
    .if HAS_ERROR(vec)
    pushq $vec
    jmp trap_common
    .else
    pushq $0
    pushq $vec
    jmp trap_common
    .endif
    .set vec, vec + 1
    .endr

    .section .rodata
    .globl trap_stubs
    .align 8
trap_stubs:
    .set vec, 0
    .rept 256
    .quad trap_stub_base + vec * 16
    .set vec, vec + 1
    .endr

    .text
trap_common:
    testb $3, 24(%rsp)          /* CS of the interrupted context */
    jz 1f
    swapgs
1:  PUSH_GPRS
    cld
    mov %rsp, %rdi
    call trap_dispatch
    .globl trap_return
trap_return:
    POP_GPRS
    addq $16, %rsp              /* vector and error code */
    testb $3, 8(%rsp)
    jz 2f
    swapgs
2:  iretq

/* NMIs only ever mean "the kernel panicked: stop". They touch no per-CPU
 * state, because an NMI may land before SWAPGS on an entry path. */
    .globl nmi_entry
nmi_entry:
    cmpb $0, panic_in_progress(%rip)
    jne cpu_stop
    iretq

    .globl cpu_stop
cpu_stop:
    cli
3:  hlt
    jmp 3b
