/* serial.h - COM1 as the kernel's always-available console. */
#ifndef CAIRN_ARCH_SERIAL_H
#define CAIRN_ARCH_SERIAL_H

/* Programs COM1 for 115200 8N1, FIFOs on, interrupts off. */
void serial_init(void);

/* Writes one byte, waiting for the transmitter; "\n" is sent as "\r\n". */
void serial_putc(char c);

#endif
