/*
 * acpi.h - the kernel's view of the firmware's ACPI tables.
 */
#ifndef CAIRN_ACPI_ACPI_H
#define CAIRN_ACPI_ACPI_H

#include <acpi/tables.h>
#include <core/boot_info.h>

/* Parses the tables the RSDP in boot_info points to into *out, logging each
 * rejected table with its reason. With no usable RSDP, *out describes an
 * empty machine (no MADT: one CPU) and the reason is logged. */
void acpi_init(const struct boot_info *bi, struct acpi_info *out);

#endif
