/*
 * ioapic.h - the I/O APICs that route device interrupt lines (GSIs).
 */
#ifndef CAIRN_ARCH_IOAPIC_H
#define CAIRN_ARCH_IOAPIC_H

#include <acpi/tables.h>

/* Maps every I/O APIC the MADT lists and masks all of its lines, so no
 * device interrupt arrives until a driver asks for one. Boot CPU. */
void ioapic_init(const struct acpi_info *acpi);

/* Remaps the legacy 8259 PICs away from the exception vectors and masks
 * them; Cairn routes legacy IRQs through the I/O APIC instead. */
void pic_disable(void);

#endif
