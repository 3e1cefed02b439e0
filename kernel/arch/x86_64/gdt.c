/*
 * gdt.c - per-CPU GDT, TSS and GS base.
 *
 * Segment order is fixed by SYSCALL/SYSRET: kernel code, kernel data, then
 * user data before user code (SYSRET loads SS from STAR+8 and CS from STAR+16).
 */
#include <arch/cpu.h>
#include <arch/iopb.h>
#include <arch/layout.h>
#include <arch/percpu.h>
#include <arch/trap.h>
#include <core/panic.h>
#include <mm/frame.h>
#include <lib/string.h>

struct cpu cpus[MAX_CPUS];
unsigned cpu_count = 1;

#define SEG_KERNEL_CODE 0x00af9a000000ffffull
#define SEG_KERNEL_DATA 0x00cf92000000ffffull
#define SEG_USER_DATA   0x00cff2000000ffffull
#define SEG_USER_CODE   0x00affa000000ffffull
#define IST_STACK_SIZE  8192

static uint64_t alloc_stack_top(size_t size)
{
    uint64_t phys = frame_alloc_run(size / PAGE_SIZE, 1, 0);
    if (!phys)
        panic("percpu: out of memory for a %zu-byte stack", size);
    return (uint64_t)phys_to_virt(phys) + size;
}

/* The TSS segment covers the TSS and the I/O map after it (arch/iopb.h). */
static void tss_descriptor(uint64_t *slot, const struct tss *tss)
{
    uint64_t base = (uint64_t)tss;
    uint64_t limit = IOPB_TSS_LIMIT;
    slot[0] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
              (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    slot[1] = base >> 32;
}

static void gdt_load(struct cpu *cpu)
{
    struct __attribute__((packed)) {
        uint16_t limit;
        uint64_t base;
    } ptr = {sizeof(cpu->gdt) - 1, (uint64_t)cpu->gdt};

    __asm__ volatile("lgdt %0\n"
                     "pushq %1\n"
                     "leaq 1f(%%rip), %%rax\n"
                     "pushq %%rax\n"
                     "lretq\n"
                     "1:\n"
                     "mov %2, %%ds\n"
                     "mov %2, %%es\n"
                     "mov %2, %%ss\n"
                     "xor %%eax, %%eax\n"
                     "mov %%eax, %%fs\n"
                     "mov %%eax, %%gs\n"
                     "ltr %w3\n"
                     :
                     : "m"(ptr), "i"(KERNEL_CS), "r"(KERNEL_DS), "r"(TSS_SEL)
                     : "rax", "memory");
}

void percpu_setup(struct cpu *cpu, unsigned index, uint32_t apic_id)
{
    memset(cpu, 0, sizeof(*cpu));
    cpu->self = cpu;
    cpu->index = index;
    cpu->apic_id = apic_id;
    cpu->tss.rsp[0] = alloc_stack_top(KERNEL_STACK_SIZE);
    cpu->syscall_frame = cpu->tss.rsp[0] - TRAP_FRAME_SIZE;
    cpu->tss.ist[IST_DOUBLE_FAULT - 1] = alloc_stack_top(IST_STACK_SIZE);
    cpu->tss.ist[IST_NMI - 1] = alloc_stack_top(IST_STACK_SIZE);
    cpu->tss.ist[IST_MACHINE_CHECK - 1] = alloc_stack_top(IST_STACK_SIZE);
    cpu->tss.iomap_base = IOPB_OFFSET_INVALID; /* ring 3 gets no ports */
    memset(cpu->io_bitmap, 0xff, sizeof(cpu->io_bitmap));

    cpu->gdt[0] = 0;
    cpu->gdt[KERNEL_CS / 8] = SEG_KERNEL_CODE;
    cpu->gdt[KERNEL_DS / 8] = SEG_KERNEL_DATA;
    cpu->gdt[USER_DS / 8] = SEG_USER_DATA;
    cpu->gdt[USER_CS / 8] = SEG_USER_CODE;
    tss_descriptor(&cpu->gdt[TSS_SEL / 8], &cpu->tss);
}

void percpu_load(struct cpu *cpu)
{
    gdt_load(cpu);
    wrmsr(MSR_GS_BASE, (uint64_t)cpu);
    wrmsr(MSR_KERNEL_GS_BASE, 0);
}
