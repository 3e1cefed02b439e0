/*
 * idt.c - the interrupt descriptor table, shared by every CPU.
 *
 * trap_entry.S provides one stub per vector (trap_stubs[]); double fault, NMI
 * and machine check run on their own IST stacks so that a kernel stack
 * overflow or an NMI at any instruction still has a good stack.
 */
#include <arch/trap.h>
#include <stdint.h>

struct idt_gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t zero;
} __attribute__((packed));

#define GATE_INTERRUPT_DPL0 0x8e

extern const uint64_t trap_stubs[256];
extern char nmi_entry[];

static struct idt_gate idt[256];

static void idt_set(unsigned vector, uint64_t handler, unsigned ist)
{
    idt[vector] = (struct idt_gate){
        .offset_low = handler & 0xffff,
        .selector = KERNEL_CS,
        .ist = ist,
        .type_attr = GATE_INTERRUPT_DPL0,
        .offset_mid = (handler >> 16) & 0xffff,
        .offset_high = handler >> 32,
    };
}

void idt_init(void)
{
    for (unsigned v = 0; v < 256; v++)
        idt_set(v, trap_stubs[v], 0);
    idt_set(2, (uint64_t)nmi_entry, IST_NMI);
    idt_set(8, trap_stubs[8], IST_DOUBLE_FAULT);
    idt_set(18, trap_stubs[18], IST_MACHINE_CHECK);
}

void idt_load(void)
{
    struct __attribute__((packed)) {
        uint16_t limit;
        uint64_t base;
    } ptr = {sizeof(idt) - 1, (uint64_t)idt};
    __asm__ volatile("lidt %0" : : "m"(ptr));
}
