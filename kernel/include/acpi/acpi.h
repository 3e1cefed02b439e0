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

#define ACPI_MAX_RANGES 32

/* A range of physical memory holding ACPI tables, whole pages. */
struct acpi_range {
    uint64_t base, length;
};

/* The pages acpi_init read tables from (the root table and every table it
 * lists, at least their headers) and the DSDT's: *count ranges, which may
 * overlap. When there were more than ACPI_MAX_RANGES separate ones, the
 * last range grows to cover the rest, so the union never misses a table
 * page. Filled once by acpi_init; read-only afterwards. */
const struct acpi_range *acpi_table_ranges(unsigned *count);

#endif
