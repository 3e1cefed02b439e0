/*
 * smp.h - bringing up the application processors and signalling them.
 */
#ifndef CAIRN_ARCH_SMP_H
#define CAIRN_ARCH_SMP_H

#include <acpi/tables.h>
#include <core/boot_info.h>

/* Starts every CPU the MADT lists with INIT-SIPI-SIPI and waits for each to
 * reach its idle loop. Returns the number of CPUs online (the BSP included).
 * Boot CPU, after the LAPIC and timer are set up. */
unsigned smp_start_aps(const struct acpi_info *acpi, const struct boot_info *bi);

/* Sends an NMI to every other online CPU (panic: they stop). */
void smp_stop_others(void);

#endif
