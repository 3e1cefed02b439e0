/*
 * syscall.c - programming SYSCALL/SYSRET.
 */
#include <arch/cpu.h>
#include <arch/syscall.h>
#include <arch/trap.h>

/* Cleared on entry: interrupts until the kernel stack is in place, the
 * direction flag the C ABI needs clear, single-stepping, and AC so SMAP
 * applies to the kernel from the first instruction. */
#define SFMASK_BITS (RFLAGS_IF | RFLAGS_AC | (1ul << 10) | (1ul << 8))

void syscall_init_cpu(void)
{
    /* SYSRET takes SS from STAR[63:48] + 8 and CS from STAR[63:48] + 16. */
    uint64_t sysret_base = USER_DS - 3 - 8;
    wrmsr(MSR_STAR, ((uint64_t)KERNEL_CS << 32) | (sysret_base << 48));
    wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
    wrmsr(MSR_SFMASK, SFMASK_BITS);
}
