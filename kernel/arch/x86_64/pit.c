/*
 * pit.c - the 8254 PIT's channel 2 as a calibration reference when there is
 * no HPET. Channel 2's gate and output are visible in port 0x61, so no
 * interrupt is needed.
 */
#include <arch/cpu.h>
#include <arch/io.h>
#include <arch/timer.h>

#define PIT_HZ         1193182ull
#define PIT_CHANNEL2   0x42
#define PIT_COMMAND    0x43
#define PORT_B         0x61
#define PORT_B_GATE2   0x01
#define PORT_B_SPEAKER 0x02
#define PORT_B_OUT2    0x20
#define MAX_WAIT_US    50000

bool pit_wait_us(uint64_t us)
{
    if (us > MAX_WAIT_US)
        return false;
    uint64_t count = PIT_HZ * us / 1000000;

    uint8_t b = inb(PORT_B);
    outb(PORT_B, (b & ~PORT_B_SPEAKER) & ~PORT_B_GATE2);
    outb(PIT_COMMAND, 0xb0); /* channel 2, low then high byte, mode 0 */
    outb(PIT_CHANNEL2, count & 0xff);
    outb(PIT_CHANNEL2, (count >> 8) & 0xff);
    outb(PORT_B, (b & ~PORT_B_SPEAKER) | PORT_B_GATE2); /* the count starts now */

    for (uint64_t spins = 0; !(inb(PORT_B) & PORT_B_OUT2); spins++) {
        if (spins > 100000000ull)
            return false;
    }
    return true;
}
