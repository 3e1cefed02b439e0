/*
 * portio.h - x86 port I/O from ring 3, and the CMOS/RTC registers behind
 * ports 0x70-0x71, for the io-port and irq tests. Every access needs the
 * port opened with ioport_enable first; any other is a #GP that kills the
 * whole test process.
 */
#ifndef CAIRN_KTEST_PORTIO_H
#define CAIRN_KTEST_PORTIO_H

#include <stdint.h>

#define CMOS_INDEX   0x70
#define CMOS_DATA    0x71
#define CMOS_SECONDS 0x00
#define CMOS_REG_A   0x0a
#define CMOS_REG_B   0x0b
#define CMOS_REG_C   0x0c

#define RTC_B_PIE    0x40 /* periodic interrupt enable */
#define RTC_B_BINARY 0x04 /* values in binary, not BCD */
#define RTC_C_IRQF   0x80 /* an enabled interrupt is pending */
#define RTC_C_PF     0x40 /* the periodic flag */
#define RTC_ISA_IRQ  8

static inline void kt_outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t kt_inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint8_t cmos_read(uint8_t reg)
{
    kt_outb(CMOS_INDEX, reg);
    return kt_inb(CMOS_DATA);
}

static inline void cmos_write(uint8_t reg, uint8_t v)
{
    kt_outb(CMOS_INDEX, reg);
    kt_outb(CMOS_DATA, v);
}

#endif
