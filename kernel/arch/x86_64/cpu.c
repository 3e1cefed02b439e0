/*
 * cpu.c - CPU feature discovery and the per-CPU control-register set-up.
 */
#include <arch/cpu.h>
#include <arch/fpu.h>
#include <lib/string.h>

/* PAT entries 0..7: WB, WC, UC-, UC, WB, WT, UC-, UC. Entry 1 is changed
 * from the power-on WT to WC for framebuffers (mmio_map). */
#define PAT_LAYOUT 0x0007040600070106ull

struct cpu_features cpu_features;

void cpu_detect_features(void)
{
    uint32_t a, b, c, d, max_leaf, max_ext;

    cpuid(0, 0, &max_leaf, &b, &c, &d);
    memcpy(cpu_features.vendor, &b, 4);
    memcpy(cpu_features.vendor + 4, &d, 4);
    memcpy(cpu_features.vendor + 8, &c, 4);
    cpu_features.vendor[12] = '\0';

    cpuid(1, 0, &a, &b, &c, &d);
    cpu_features.pcid = c & (1u << 17);
    cpu_features.x2apic = c & (1u << 21);
    cpu_features.tsc_deadline = c & (1u << 24);
    cpu_features.pge = d & (1u << 13);

    if (max_leaf >= 7) {
        cpuid(7, 0, &a, &b, &c, &d);
        cpu_features.smep = b & (1u << 7);
        cpu_features.smap = b & (1u << 20);
        cpu_features.umip = c & (1u << 2);
    }

    cpuid(0x80000000, 0, &max_ext, &b, &c, &d);
    if (max_ext >= 0x80000001) {
        cpuid(0x80000001, 0, &a, &b, &c, &d);
        cpu_features.nx = d & (1u << 20);
        cpu_features.pdpe1gb = d & (1u << 26);
    }
    if (max_ext >= 0x80000007) {
        cpuid(0x80000007, 0, &a, &b, &c, &d);
        cpu_features.invariant_tsc = d & (1u << 8);
    }
}

void cpu_enable_features(void)
{
    uint64_t cr4 = read_cr4();
    if (cpu_features.pge)
        cr4 |= CR4_PGE;
    if (cpu_features.smep)
        cr4 |= CR4_SMEP;
    if (cpu_features.smap)
        cr4 |= CR4_SMAP;
    if (cpu_features.umip)
        cr4 |= CR4_UMIP;
    /* PCIDE may only be set while CR3's PCID field is 0, which it is: every
     * root is a 4 KiB-aligned frame. */
    if (cpu_features.pcid)
        cr4 |= CR4_PCIDE;
    write_cr4(cr4);
    write_cr0(read_cr0() | CR0_WP);
    fpu_init_cpu();

    uint64_t efer = rdmsr(MSR_EFER) | EFER_SCE;
    if (cpu_features.nx)
        efer |= EFER_NXE;
    wrmsr(MSR_EFER, efer);
    wrmsr(MSR_PAT, PAT_LAYOUT);
}
