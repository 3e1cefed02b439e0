/*
 * ioapic.h - the I/O APICs that route device interrupt lines (GSIs).
 *
 * The tables are filled once at boot on the boot CPU and only read after;
 * redirection-entry writes take a leaf lock of this file, so any context
 * may call the functions below.
 */
#ifndef CAIRN_ARCH_IOAPIC_H
#define CAIRN_ARCH_IOAPIC_H

#include <acpi/tables.h>
#include <stdbool.h>
#include <stdint.h>

/* Trigger and polarity of a line (ioapic_route, ioapic_isa_line). */
#define IOAPIC_LEVEL      0x1u /* else edge-triggered */
#define IOAPIC_ACTIVE_LOW 0x2u /* else active high */

/* Maps every I/O APIC the MADT lists and masks all of its lines, so no
 * device interrupt arrives until a driver asks for one; keeps the MADT's
 * interrupt-source overrides for ioapic_isa_line(). Boot CPU. */
void ioapic_init(const struct acpi_info *acpi);

/* True when an I/O APIC has an input for gsi. */
bool ioapic_has_gsi(uint32_t gsi);

/* The GSI, trigger and polarity of ISA IRQ isa_irq (0-15): identity, edge,
 * active high, unless a MADT interrupt-source override says otherwise. */
void ioapic_isa_line(unsigned isa_irq, uint32_t *gsi, uint32_t *flags);

/* Points gsi at vector on the CPU with LAPIC id apic_id (fixed delivery,
 * physical destination) with the given IOAPIC_* flags, and leaves it
 * masked. Nothing happens for a GSI no I/O APIC has. */
void ioapic_route(uint32_t gsi, uint8_t vector, uint32_t apic_id, uint32_t flags);

/* Masks or unmasks gsi. */
void ioapic_set_masked(uint32_t gsi, bool masked);

/* Remaps the legacy 8259 PICs away from the exception vectors and masks
 * them; Cairn routes legacy IRQs through the I/O APIC instead. */
void pic_disable(void);

#endif
