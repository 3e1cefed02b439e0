/*
 * ioapic.c - I/O APIC discovery and masking.
 */
#include <arch/ioapic.h>
#include <arch/paging.h>
#include <core/log.h>

#define IOREGSEL        0x00
#define IOWIN           0x10
#define REG_VERSION     0x01
#define REG_REDIRECTION 0x10
#define ENTRY_MASKED    (1u << 16)

static uint32_t ioapic_read(volatile uint8_t *base, uint32_t reg)
{
    *(volatile uint32_t *)(base + IOREGSEL) = reg;
    return *(volatile uint32_t *)(base + IOWIN);
}

static void ioapic_write(volatile uint8_t *base, uint32_t reg, uint32_t value)
{
    *(volatile uint32_t *)(base + IOREGSEL) = reg;
    *(volatile uint32_t *)(base + IOWIN) = value;
}

void ioapic_init(const struct acpi_info *acpi)
{
    if (acpi->nioapics == 0)
        log_warn("ioapic: the MADT lists no I/O APIC; device interrupts are unavailable");
    for (unsigned i = 0; i < acpi->nioapics; i++) {
        const struct acpi_ioapic *io = &acpi->ioapics[i];
        volatile uint8_t *base = mmio_map(io->address, 4096, MMIO_UNCACHED);
        if (!base) {
            log_warn("ioapic: cannot map I/O APIC %u at %#llx", io->id,
                     (unsigned long long)io->address);
            continue;
        }
        unsigned lines = ((ioapic_read(base, REG_VERSION) >> 16) & 0xff) + 1;
        for (unsigned line = 0; line < lines; line++) {
            ioapic_write(base, REG_REDIRECTION + 2 * line, ENTRY_MASKED);
            ioapic_write(base, REG_REDIRECTION + 2 * line + 1, 0);
        }
        log_info("ioapic: I/O APIC %u at %#llx, GSIs %u-%u, all masked", io->id,
                 (unsigned long long)io->address, io->gsi_base, io->gsi_base + lines - 1);
    }
}
