/*
 * ioapic.c - I/O APIC discovery, masking and routing (see ioapic.h).
 */
#include <arch/ioapic.h>
#include <arch/paging.h>
#include <core/log.h>
#include <core/spinlock.h>

#define IOREGSEL         0x00
#define IOWIN            0x10
#define REG_VERSION      0x01
#define REG_REDIRECTION  0x10
#define ENTRY_ACTIVE_LOW (1u << 13)
#define ENTRY_LEVEL      (1u << 15)
#define ENTRY_MASKED     (1u << 16)

/* MPS INTI flags of a MADT interrupt-source override. */
#define INTI_POLARITY_MASK 0x3u
#define INTI_POLARITY_LOW  0x3u
#define INTI_TRIGGER_MASK  0xcu
#define INTI_TRIGGER_LEVEL 0xcu

struct ioapic {
    volatile uint8_t *base;
    uint32_t gsi_base;
    uint32_t lines;
};

/* Filled once at boot, then read only. */
static struct ioapic ioapics[ACPI_MAX_IOAPICS];
static unsigned nioapics;
static struct acpi_override overrides[ACPI_MAX_OVERRIDES];
static unsigned noverrides;

/* Serialises IOREGSEL/IOWIN pairs, which are not atomic. A leaf lock. */
static struct spinlock ioapic_lock = SPINLOCK_INIT;

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
        ioapics[nioapics++] = (struct ioapic){base, io->gsi_base, lines};
        log_info("ioapic: I/O APIC %u at %#llx, GSIs %u-%u, all masked", io->id,
                 (unsigned long long)io->address, io->gsi_base, io->gsi_base + lines - 1);
    }
    noverrides = acpi->noverrides;
    for (unsigned i = 0; i < noverrides; i++)
        overrides[i] = acpi->overrides[i];
}

static const struct ioapic *ioapic_of(uint32_t gsi)
{
    for (unsigned i = 0; i < nioapics; i++) {
        if (gsi >= ioapics[i].gsi_base && gsi - ioapics[i].gsi_base < ioapics[i].lines)
            return &ioapics[i];
    }
    return NULL;
}

bool ioapic_has_gsi(uint32_t gsi)
{
    return ioapic_of(gsi) != NULL;
}

void ioapic_isa_line(unsigned isa_irq, uint32_t *gsi, uint32_t *flags)
{
    *gsi = isa_irq;
    *flags = 0; /* ISA: edge-triggered, active high */
    for (unsigned i = 0; i < noverrides; i++) {
        if (overrides[i].source_irq != isa_irq)
            continue;
        *gsi = overrides[i].gsi;
        if ((overrides[i].flags & INTI_POLARITY_MASK) == INTI_POLARITY_LOW)
            *flags |= IOAPIC_ACTIVE_LOW;
        if ((overrides[i].flags & INTI_TRIGGER_MASK) == INTI_TRIGGER_LEVEL)
            *flags |= IOAPIC_LEVEL;
        return;
    }
}

void ioapic_route(uint32_t gsi, uint8_t vector, uint32_t apic_id, uint32_t flags)
{
    const struct ioapic *io = ioapic_of(gsi);
    if (!io)
        return;
    uint32_t reg = REG_REDIRECTION + 2 * (gsi - io->gsi_base);
    uint32_t low = vector | ENTRY_MASKED; /* fixed delivery, physical destination */
    if (flags & IOAPIC_ACTIVE_LOW)
        low |= ENTRY_ACTIVE_LOW;
    if (flags & IOAPIC_LEVEL)
        low |= ENTRY_LEVEL;
    bool irq = spin_lock(&ioapic_lock);
    ioapic_write(io->base, reg, ENTRY_MASKED);
    ioapic_write(io->base, reg + 1, apic_id << 24);
    ioapic_write(io->base, reg, low);
    spin_unlock(&ioapic_lock, irq);
}

void ioapic_set_masked(uint32_t gsi, bool masked)
{
    const struct ioapic *io = ioapic_of(gsi);
    if (!io)
        return;
    uint32_t reg = REG_REDIRECTION + 2 * (gsi - io->gsi_base);
    bool irq = spin_lock(&ioapic_lock);
    uint32_t low = ioapic_read(io->base, reg);
    ioapic_write(io->base, reg, masked ? low | ENTRY_MASKED : low & ~ENTRY_MASKED);
    spin_unlock(&ioapic_lock, irq);
}
