/*
 * boot_info.h - what the boot loader told the kernel, copied out of the
 * loader's own structures (so nothing of theirs needs to stay reserved,
 * except the modules, which are used in place).
 */
#ifndef CAIRN_CORE_BOOT_INFO_H
#define CAIRN_CORE_BOOT_INFO_H

#include <core/fbcon.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BOOT_MAX_REGIONS 128
#define BOOT_MAX_MODULES 16
#define BOOT_CMDLINE_MAX 1024

enum boot_memory_type {
    BOOT_MEM_USABLE = 1,
    BOOT_MEM_RESERVED = 2,
    BOOT_MEM_ACPI_RECLAIMABLE = 3,
    BOOT_MEM_ACPI_NVS = 4,
    BOOT_MEM_BAD = 5,
};

struct boot_memory_region {
    uint64_t base, length;
    uint32_t type; /* enum boot_memory_type */
};

struct boot_module {
    uint64_t start, end; /* physical, end exclusive */
    char name[64];       /* the module's command line, e.g. "initrd" */
};

struct boot_info {
    char cmdline[BOOT_CMDLINE_MAX];
    char loader[64];
    unsigned nregions;
    struct boot_memory_region regions[BOOT_MAX_REGIONS];
    unsigned nmodules;
    struct boot_module modules[BOOT_MAX_MODULES];
    bool has_framebuffer;
    struct boot_framebuffer framebuffer;
    size_t rsdp_len; /* 0: the loader passed no ACPI RSDP */
    uint8_t rsdp[64];
};

extern struct boot_info boot_info;

/* Fills boot_info from the Multiboot2 information at info_phys. Returns NULL
 * or the reason the information is unusable. */
const char *multiboot2_parse(uint32_t magic, uint64_t info_phys, struct boot_info *out);

/* The module whose name is `name`, or NULL. */
const struct boot_module *boot_find_module(const struct boot_info *bi, const char *name);

#endif
