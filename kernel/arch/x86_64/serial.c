/*
 * serial.c - polled output on the 16550 UART at COM1.
 *
 * Polled rather than interrupt-driven because it must work before
 * interrupts exist and while the kernel panics.
 */
#include <arch/io.h>
#include <arch/serial.h>

#define COM1          0x3f8
#define REG_DATA      0
#define REG_IER       1
#define REG_FCR       2
#define REG_LCR       3
#define REG_MCR       4
#define REG_LSR       5
#define LSR_THR_EMPTY 0x20
#define LCR_DLAB      0x80
#define LCR_8N1       0x03

void serial_init(void)
{
    outb(COM1 + REG_IER, 0);
    outb(COM1 + REG_LCR, LCR_DLAB);
    outb(COM1 + REG_DATA, 1); /* divisor 1: 115200 baud */
    outb(COM1 + REG_IER, 0);
    outb(COM1 + REG_LCR, LCR_8N1);
    outb(COM1 + REG_FCR, 0xc7); /* enable and clear FIFOs, 14-byte threshold */
    outb(COM1 + REG_MCR, 0x03); /* DTR, RTS */
}

static void serial_put_byte(char c)
{
    /* Bounded wait: a missing or stuck UART must not hang the kernel. */
    for (unsigned spins = 0; spins < 100000; spins++) {
        if (inb(COM1 + REG_LSR) & LSR_THR_EMPTY)
            break;
    }
    outb(COM1 + REG_DATA, (unsigned char)c);
}

void serial_putc(char c)
{
    if (c == '\n')
        serial_put_byte('\r');
    serial_put_byte(c);
}
