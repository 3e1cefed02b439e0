/*
 * device_memory.h - physical ranges (MMIO) as memory objects.
 *
 * The device-memory control is one kernel object (CAIRN_OBJ_DEVICE_MEMORY)
 * that the kernel never destroys; boot programs get a handle to it
 * (core/startup.h). memory_create_physical makes from it a memory object
 * of a physical range (object/memory_phys.h), mapped uncached or
 * write-combining, provided the range touches nothing the kernel keeps:
 *   - every region of the boot memory map that is not firmware-reserved
 *     (usable RAM, which the frame allocator manages, ACPI reclaimable and
 *     NVS memory, bad RAM);
 *   - the kernel image and the boot modules (the initial ramdisk);
 *   - the pages of the ACPI tables (acpi/acpi.h) and every memory-map
 *     region holding one of them;
 *   - the registers of the local APIC (the MADT's and the APIC base MSR's
 *     address), of each I/O APIC and of the HPET.
 * Anything else below the CPU's physical address width may be made into
 * an object: the framebuffer, PCI BARs and ECAM, firmware-reserved holes.
 *
 * The kept ranges are collected once at boot (device_memory_init) and
 * only read afterwards, so they need no lock.
 */
#ifndef CAIRN_OBJECT_DEVICE_MEMORY_H
#define CAIRN_OBJECT_DEVICE_MEMORY_H

#include <acpi/tables.h>
#include <core/boot_info.h>
#include <object/kobject.h>

/* Collects the ranges the kernel keeps. Boot CPU, after acpi_init and
 * before the first program starts. */
void device_memory_init(const struct boot_info *bi, const struct acpi_info *acpi);

/* The device-memory control, for handing out at start-up (core/startup.h). */
struct kobject *device_memory_control_object(void);

#endif
