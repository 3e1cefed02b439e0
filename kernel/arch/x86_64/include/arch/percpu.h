/*
 * percpu.h - per-CPU state, reached through the GS base in ring 0.
 *
 * Each CPU owns its struct cpu: only that CPU writes it after bring-up,
 * except `online`, which the bring-up code on the BSP reads.
 */
#ifndef CAIRN_ARCH_PERCPU_H
#define CAIRN_ARCH_PERCPU_H

/* Offsets used by the assembly entry paths; checked against the struct below. */
#define CPU_OFFSET_SYSCALL_FRAME 8
#define CPU_OFFSET_USER_RSP      16
#define CPU_OFFSET_EXIT_WORK     24

#define MAX_CPUS 64

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

struct thread;
struct iopb;

/* The I/O permission bitmap in each CPU's TSS: a bit per port (set: ring 3
 * may not use it), then a byte of ones the CPU may read past the end. */
#define IOPB_BYTES 8192

struct runqueue;

struct cpu {
    struct cpu *self;            /* this_cpu() reads %gs:0 */
    uint64_t syscall_frame;      /* where a SYSCALL from ring 3 puts its frame: the top of the
                                    thread's kernel stack less TRAP_FRAME_SIZE (tss.rsp[0]: the top) */
    uint64_t user_rsp;           /* scratch for the SYSCALL entry */
    volatile uint32_t exit_work; /* non-zero: the SYSCALL return must call syscall_exit_work() */
    uint32_t index;              /* 0 .. cpu_count-1; 0 is the boot CPU */
    uint32_t apic_id;
    volatile bool online;      /* set by the CPU itself once it runs its idle loop */
    struct thread *thread;     /* the thread running on this CPU */
    struct runqueue *runqueue; /* &runqueues[index] (core/runqueue.h), for the IPC fast path */
    uint64_t blocked_here;     /* the IPC fast path's: a thread's state and cpu, read as one
                                  word, of a thread BLOCKED on this CPU's run queue */
    volatile uint64_t timer_interrupts;
    uint64_t fs_base; /* the FS_BASE MSR as last written */
    /* The root context_load_space() last loaded into CR3 (0: none yet).
     * CR3 is written elsewhere only at boot, before the first switch, and
     * by a TLB flush that reloads the same root (tlb.c). */
    uint64_t root;
    uint64_t foreign_entry; /* 1: LSTAR points at foreign_entry.S (arch/syscall.h); a word, which
                               the switch ors with others (core/runqueue.h) */
    uint64_t gdt[7];
    /* arch/iopb.h: the bitmap of the running thread's process (NULL: none,
     * and tss.iomap_base points past the TSS limit), the one whose
     * contents io_bitmap holds and its version, and how many leading
     * bytes of io_bitmap may be other than all ones. */
    struct iopb *iopb_current;
    const struct iopb *iopb_loaded;
    uint64_t iopb_seq;
    uint32_t iopb_bytes;
    struct tss tss;
    uint8_t io_bitmap[IOPB_BYTES + 1]; /* directly after the TSS: its I/O map */
};

_Static_assert(offsetof(struct cpu, syscall_frame) == CPU_OFFSET_SYSCALL_FRAME, "asm offset");
_Static_assert(offsetof(struct cpu, user_rsp) == CPU_OFFSET_USER_RSP, "asm offset");
_Static_assert(offsetof(struct cpu, exit_work) == CPU_OFFSET_EXIT_WORK, "asm offset");
_Static_assert(offsetof(struct cpu, io_bitmap) == offsetof(struct cpu, tss) + sizeof(struct tss),
               "the TSS's I/O map follows it within its limit");

extern struct cpu cpus[MAX_CPUS];
extern unsigned cpu_count; /* CPUs the MADT lists (at least 1) */

/* this_cpu()->thread in one load. */
static inline struct thread *this_cpu_thread(void)
{
    struct thread *t;
    __asm__ volatile("mov %%gs:%c1, %0" : "=r"(t) : "i"(offsetof(struct cpu, thread)));
    return t;
}

static inline struct cpu *this_cpu(void)
{
    struct cpu *c;
    __asm__ volatile("mov %%gs:0, %0" : "=r"(c));
    return c;
}

/* Fills in a CPU's struct: its GDT and TSS, and fresh kernel and IST stacks.
 * Runs on the boot CPU, for itself and for each AP before starting it. */
void percpu_setup(struct cpu *cpu, unsigned index, uint32_t apic_id);

/* Loads the calling CPU's GDT, TSS and GS base from its struct cpu. */
void percpu_load(struct cpu *cpu);
#endif

#endif
