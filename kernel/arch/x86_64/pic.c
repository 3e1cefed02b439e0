/*
 * pic.c - putting the legacy 8259 PICs out of the way.
 */
#include <arch/io.h>
#include <arch/ioapic.h>
#include <arch/trap.h>

#define PIC1_CMD       0x20
#define PIC1_DATA      0x21
#define PIC2_CMD       0xa0
#define PIC2_DATA      0xa1
#define ICW1_INIT_ICW4 0x11
#define ICW4_8086      0x01

void pic_disable(void)
{
    /* Even masked, a PIC can raise a spurious IRQ 7 or 15: remap first so
     * that it lands on a harmless vector, not an exception. */
    outb(PIC1_CMD, ICW1_INIT_ICW4);
    outb(PIC2_CMD, ICW1_INIT_ICW4);
    outb(PIC1_DATA, VECTOR_PIC_BASE);
    outb(PIC2_DATA, VECTOR_PIC_BASE + 8);
    outb(PIC1_DATA, 4); /* slave on IRQ 2 */
    outb(PIC2_DATA, 2);
    outb(PIC1_DATA, ICW4_8086);
    outb(PIC2_DATA, ICW4_8086);
    outb(PIC1_DATA, 0xff);
    outb(PIC2_DATA, 0xff);
}
