/*
 * fpu.c - x87/SSE state for user threads (see fpu.h).
 */
#include <arch/cpu.h>
#include <arch/fpu.h>
#include <lib/string.h>

#define CR0_MP         (1ul << 1)
#define CR0_EM         (1ul << 2)
#define CR0_TS         (1ul << 3)
#define CR0_NE         (1ul << 5)
#define CR4_OSFXSR     (1ul << 9)
#define CR4_OSXMMEXCPT (1ul << 10)

#define FXSAVE_FCW    0
#define FXSAVE_MXCSR  24
#define FCW_DEFAULT   0x037f
#define MXCSR_DEFAULT 0x1f80

void fpu_init_cpu(void)
{
    write_cr0((read_cr0() | CR0_MP | CR0_NE) & ~(CR0_EM | CR0_TS));
    write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
}

void fpu_state_init(struct fpu_state *s)
{
    uint16_t fcw = FCW_DEFAULT;
    uint32_t mxcsr = MXCSR_DEFAULT;
    memset(s, 0, sizeof(*s));
    memcpy(s->area + FXSAVE_FCW, &fcw, sizeof(fcw));
    memcpy(s->area + FXSAVE_MXCSR, &mxcsr, sizeof(mxcsr));
}
