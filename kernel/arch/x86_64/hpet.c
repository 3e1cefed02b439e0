/*
 * hpet.c - the HPET main counter as a calibration reference.
 */
#include <arch/cpu.h>
#include <arch/paging.h>
#include <arch/timer.h>

#define REG_CAPABILITIES 0x00
#define REG_CONFIG       0x10
#define REG_COUNTER      0xf0
#define CONFIG_ENABLE    1
#define MAX_PERIOD_FS    100000000ull /* the spec's limit: 100 ns */
#define FS_PER_US        1000000000ull

static volatile uint64_t *hpet_regs(uint64_t address)
{
    static volatile uint64_t *regs;
    static uint64_t mapped_address;
    if (!regs || mapped_address != address) {
        regs = mmio_map(address, 1024, MMIO_UNCACHED);
        mapped_address = address;
    }
    return regs;
}

bool hpet_wait_us(uint64_t address, uint64_t us)
{
    volatile uint64_t *regs = hpet_regs(address);
    if (!regs)
        return false;
    uint64_t period_fs = regs[REG_CAPABILITIES / 8] >> 32;
    if (period_fs == 0 || period_fs > MAX_PERIOD_FS)
        return false;
    regs[REG_CONFIG / 8] |= CONFIG_ENABLE;

    uint64_t ticks = us * FS_PER_US / period_fs;
    uint64_t start = regs[REG_COUNTER / 8];
    /* A counter that does not move would hang the boot: give up after far
     * more iterations than any working HPET needs. */
    for (uint64_t spins = 0; regs[REG_COUNTER / 8] - start < ticks; spins++) {
        if (spins > 100000000ull)
            return false;
        cpu_relax();
    }
    return true;
}
