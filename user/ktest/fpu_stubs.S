/*
 * fpu_stubs.S - x87 and SSE access for fpu.c, which C cannot express:
 * user programs are built with -mgeneral-regs-only, so the compiler never
 * touches these registers and whatever a test loads stays there until the
 * test itself reads it back, across any number of system calls.
 */

    .text
/* void kt_fpu_load_xmm(const void *from): XMM0-XMM15 from 256 bytes. */
    .globl kt_fpu_load_xmm
kt_fpu_load_xmm:
    movdqu 0(%rdi), %xmm0
    movdqu 16(%rdi), %xmm1
    movdqu 32(%rdi), %xmm2
    movdqu 48(%rdi), %xmm3
    movdqu 64(%rdi), %xmm4
    movdqu 80(%rdi), %xmm5
    movdqu 96(%rdi), %xmm6
    movdqu 112(%rdi), %xmm7
    movdqu 128(%rdi), %xmm8
    movdqu 144(%rdi), %xmm9
    movdqu 160(%rdi), %xmm10
    movdqu 176(%rdi), %xmm11
    movdqu 192(%rdi), %xmm12
    movdqu 208(%rdi), %xmm13
    movdqu 224(%rdi), %xmm14
    movdqu 240(%rdi), %xmm15
    ret

/* void kt_fpu_store_xmm(void *to): XMM0-XMM15 into 256 bytes. */
    .globl kt_fpu_store_xmm
kt_fpu_store_xmm:
    movdqu %xmm0, 0(%rdi)
    movdqu %xmm1, 16(%rdi)
    movdqu %xmm2, 32(%rdi)
    movdqu %xmm3, 48(%rdi)
    movdqu %xmm4, 64(%rdi)
    movdqu %xmm5, 80(%rdi)
    movdqu %xmm6, 96(%rdi)
    movdqu %xmm7, 112(%rdi)
    movdqu %xmm8, 128(%rdi)
    movdqu %xmm9, 144(%rdi)
    movdqu %xmm10, 160(%rdi)
    movdqu %xmm11, 176(%rdi)
    movdqu %xmm12, 192(%rdi)
    movdqu %xmm13, 208(%rdi)
    movdqu %xmm14, 224(%rdi)
    movdqu %xmm15, 240(%rdi)
    ret

/* uint32_t kt_fpu_mxcsr(void) */
    .globl kt_fpu_mxcsr
kt_fpu_mxcsr:
    stmxcsr -4(%rsp)
    mov -4(%rsp), %eax
    ret

/* void kt_fpu_set_mxcsr(uint32_t value) */
    .globl kt_fpu_set_mxcsr
kt_fpu_set_mxcsr:
    mov %edi, -4(%rsp)
    ldmxcsr -4(%rsp)
    ret

/* uint16_t kt_fpu_fcw(void): the x87 control word. */
    .globl kt_fpu_fcw
kt_fpu_fcw:
    fnstcw -2(%rsp)
    movzwl -2(%rsp), %eax
    ret

/* void kt_fpu_set_fcw(uint16_t value) */
    .globl kt_fpu_set_fcw
kt_fpu_set_fcw:
    mov %di, -2(%rsp)
    fldcw -2(%rsp)
    ret

/* void kt_fpu_x87_push(const int64_t *value): onto the x87 stack. */
    .globl kt_fpu_x87_push
kt_fpu_x87_push:
    fildq (%rdi)
    ret

/* void kt_fpu_x87_top(int64_t *value): the top of the x87 stack, which
 * stays where it is. */
    .globl kt_fpu_x87_top
kt_fpu_x87_top:
    fld %st(0)
    fistpq (%rdi)
    ret

/* void kt_fpu_x87_pop(void) */
    .globl kt_fpu_x87_pop
kt_fpu_x87_pop:
    fstp %st(0)
    ret
