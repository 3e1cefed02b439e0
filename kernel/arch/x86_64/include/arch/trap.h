/*
 * trap.h - the saved user/kernel register state of an interrupt, exception or
 * system call, and the vectors the kernel uses.
 */
#ifndef CAIRN_ARCH_TRAP_H
#define CAIRN_ARCH_TRAP_H

#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define USER_DS   0x1b
#define USER_CS   0x23
#define TSS_SEL   0x28

#define VECTOR_PIC_BASE 0x20 /* the masked 8259s are remapped here */
#define VECTOR_IRQ_BASE 0x30 /* IOAPIC lines */
#define VECTOR_TIMER    0xf0
#define VECTOR_RESCHED  0xf1
#define VECTOR_TLB      0xf2 /* TLB shootdown (arch/tlb.h) */
#define VECTOR_IOPB     0xf3 /* I/O bitmap reload (arch/iopb.h) */
#define VECTOR_SPURIOUS 0xff
/* Not a vector: marks a frame saved by foreign_entry.S (core/foreign.h). */
#define VECTOR_FOREIGN_SYSCALL 0x100

#define IST_DOUBLE_FAULT  1
#define IST_NMI           2
#define IST_MACHINE_CHECK 3

#define TRAP_FRAME_SIZE 176

#ifndef __ASSEMBLER__
#include <stdint.h>

/* Laid out by the entry stubs: general registers, then vector and error
 * code, then what the CPU pushed. A SYSCALL frame holds only RIP, RFLAGS,
 * RSP, CS, SS and the argument registers RDI RSI RDX R10 R8 R9 (and RAX
 * while the return path does slow work); its other slots are unset. */
struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss;
};

_Static_assert(sizeof(struct trap_frame) == TRAP_FRAME_SIZE, "asm frame size");

static inline int trap_from_user(const struct trap_frame *f)
{
    return (f->cs & 3) == 3;
}

/* Called by the entry stubs with interrupts off. */
void trap_dispatch(struct trap_frame *frame);

/* Installs the IDT on the calling CPU (built once on the boot CPU). */
void idt_init(void);
void idt_load(void);

/* Name of an exception vector ("page fault", "invalid opcode", ...). */
const char *trap_name(uint64_t vector);
#endif

#endif
