/*
 * cpu.h - thin wrappers over x86_64 instructions and registers, and the
 * features the kernel discovered on the boot CPU (cpu_features).
 */
#ifndef CAIRN_ARCH_CPU_H
#define CAIRN_ARCH_CPU_H

#include <stdbool.h>
#include <stdint.h>

#define MSR_EFER           0xc0000080
#define MSR_STAR           0xc0000081
#define MSR_LSTAR          0xc0000082
#define MSR_SFMASK         0xc0000084
#define MSR_FS_BASE        0xc0000100
#define MSR_GS_BASE        0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_APIC_BASE      0x1b
#define MSR_PAT            0x277
#define MSR_TSC_DEADLINE   0x6e0

#define EFER_SCE (1u << 0)
#define EFER_LME (1u << 8)
#define EFER_NXE (1u << 11)

#define CR0_WP    (1ul << 16)
#define CR4_PAE   (1ul << 5)
#define CR4_PGE   (1ul << 7)
#define CR4_UMIP  (1ul << 11)
#define CR4_PCIDE (1ul << 17)
#define CR4_SMEP  (1ul << 20)
#define CR4_SMAP  (1ul << 21)

#define RFLAGS_IF (1ul << 9)
#define RFLAGS_AC (1ul << 18)

/* What the boot CPU supports; every CPU is assumed to match it. */
struct cpu_features {
    bool nx, pdpe1gb, smep, smap, umip, pcid, pge;
    bool x2apic, tsc_deadline, invariant_tsc;
    char vendor[13];
};

extern struct cpu_features cpu_features;

/* Fills cpu_features from CPUID. Boot CPU only, before paging_init(). */
void cpu_detect_features(void);

/* Turns on, for the calling CPU, the protections cpu_features allows
 * (NX, SMEP, SMAP, UMIP, PCID, global pages) and the PAT layout. */
void cpu_enable_features(void);

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b, uint32_t *c,
                         uint32_t *d)
{
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
    return ((uint64_t)hi << 32) | lo;
}

#define DEFINE_CR_ACCESSORS(n)                                                                     \
    static inline uint64_t read_cr##n(void)                                                        \
    {                                                                                              \
        uint64_t v;                                                                                \
        __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));                                          \
        return v;                                                                                  \
    }                                                                                              \
    static inline void write_cr##n(uint64_t v)                                                     \
    {                                                                                              \
        __asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory");                                 \
    }
DEFINE_CR_ACCESSORS(0)
DEFINE_CR_ACCESSORS(2)
DEFINE_CR_ACCESSORS(3)
DEFINE_CR_ACCESSORS(4)
#undef DEFINE_CR_ACCESSORS

static inline uint64_t read_rflags(void)
{
    uint64_t f;
    __asm__ volatile("pushfq; popq %0" : "=r"(f));
    return f;
}

static inline void irq_enable(void)
{
    __asm__ volatile("sti" ::: "memory");
}

static inline void irq_disable(void)
{
    __asm__ volatile("cli" ::: "memory");
}

/* Disables interrupts and returns whether they were on, for irq_restore(). */
static inline bool irq_save(void)
{
    bool was_on = (read_rflags() & RFLAGS_IF) != 0;
    irq_disable();
    return was_on;
}

static inline void irq_restore(bool was_on)
{
    if (was_on)
        irq_enable();
}

static inline void cpu_relax(void)
{
    __asm__ volatile("pause" ::: "memory");
}

static inline void cpu_halt(void)
{
    __asm__ volatile("hlt" ::: "memory");
}

static inline void invlpg(uint64_t va)
{
    __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

/* Lets the kernel touch user pages under SMAP; pair with user_access_end(). */
static inline void user_access_begin(void)
{
    if (cpu_features.smap)
        __asm__ volatile("stac" ::: "memory", "cc");
}

static inline void user_access_end(void)
{
    if (cpu_features.smap)
        __asm__ volatile("clac" ::: "memory", "cc");
}

/* Stops this CPU for good: interrupts off, halt forever. */
__attribute__((noreturn)) void cpu_stop(void);

#endif
