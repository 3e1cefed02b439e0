/*
 * fpu.h - the x87/SSE register state of user threads.
 *
 * The kernel itself never touches these registers (it is built with
 * -mgeneral-regs-only), so a thread's state needs saving only when the CPU
 * switches to another thread, never on a system call or interrupt. Every
 * user thread has its own save area and the switch is eager (FXSAVE of
 * the thread leaving, FXRSTOR of the one arriving): no thread can see
 * another's registers, and there is no device-not-available trap to
 * handle. AVX state is not kept: CR4.OSXSAVE stays clear, so CPUID tells
 * programs that AVX is unusable and its instructions raise #UD.
 */
#ifndef CAIRN_ARCH_FPU_H
#define CAIRN_ARCH_FPU_H

#include <stdint.h>

/* The FXSAVE image: 512 bytes, 16-byte aligned. */
struct fpu_state {
    uint8_t area[512];
} __attribute__((aligned(16)));

/* Lets ring 3 use x87 and SSE on the calling CPU (CR0.MP and NE on, EM and
 * TS off; CR4.OSFXSR and OSXMMEXCPT on). Called once per CPU at bring-up. */
void fpu_init_cpu(void);

/* The state a new thread starts with: x87 and SSE registers zero, every
 * exception masked (FCW 0x37f, MXCSR 0x1f80), as Linux starts a process. */
void fpu_state_init(struct fpu_state *s);

static inline void fpu_save(struct fpu_state *s)
{
    __asm__ volatile("fxsave64 %0" : "=m"(*s));
}

static inline void fpu_restore(const struct fpu_state *s)
{
    __asm__ volatile("fxrstor64 %0" : : "m"(*s));
}

#endif
