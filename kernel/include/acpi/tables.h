/*
 * tables.h - parser for the ACPI static tables the kernel needs at boot:
 * RSDP, XSDT/RSDT, MADT ("APIC"), FADT ("FACP"), HPET and MCFG.
 *
 * Pure: physical memory is reached only through the caller's map callback, so
 * the parser runs unchanged in host tests and fuzzers. It takes no locks and
 * runs once at boot on the BSP.
 *
 * Trust model: the RSDP and root table must be sound or acpi_parse() fails
 * with a specific error. Any other table that fails its header, length or
 * checksum checks, and any malformed MADT/MCFG entry, is rejected with one
 * warning and ignored; nothing from a rejected table reaches acpi_info.
 */
#ifndef CAIRN_ACPI_TABLES_H
#define CAIRN_ACPI_TABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACPI_MAX_CPUS      64
#define ACPI_MAX_IOAPICS   8
#define ACPI_MAX_OVERRIDES 16
#define ACPI_MAX_MCFG      8

#define ACPI_HEADER_SIZE   36u
#define ACPI_MAX_TABLE_LEN (1u << 20) /* sanity cap on any table's length field */

/* MADT flags bit 0: the board also has legacy dual 8259 PICs. */
#define ACPI_MADT_PCAT_COMPAT 0x1u
/* FADT IAPC_BOOT_ARCH bits. */
#define ACPI_BOOT_ARCH_LEGACY_DEVICES 0x1u
#define ACPI_BOOT_ARCH_8042           0x2u
#define ACPI_BOOT_ARCH_NO_VGA         0x4u
#define ACPI_BOOT_ARCH_NO_CMOS_RTC    0x20u

/*
 * Returns a pointer to len readable bytes at physical address phys, or NULL
 * when that range cannot be reached. The pointer need only stay valid until
 * the next call.
 */
typedef const void *(*acpi_map_fn)(uint64_t phys, size_t len, void *ctx);

/*
 * Told once per rejected table or entry. table is its signature (printable,
 * NUL-terminated); reason is a short phrase such as "bad checksum" or
 * "length 20 below header size", valid only during the call.
 */
typedef void (*acpi_warn_fn)(void *ctx, const char *table, const char *reason);

struct acpi_cpu {
    uint32_t apic_id;
    uint32_t uid; /* ACPI processor UID */
};

struct acpi_ioapic {
    uint32_t id;
    uint64_t address;
    uint32_t gsi_base;
};

struct acpi_override {
    uint8_t source_irq; /* ISA IRQ */
    uint32_t gsi;
    uint16_t flags; /* MPS INTI: bits 0-1 polarity, bits 2-3 trigger mode */
};

struct acpi_mcfg_entry {
    uint64_t base; /* ECAM base for bus 0 of this segment */
    uint16_t segment;
    uint8_t bus_start, bus_end;
};

struct acpi_info {
    uint8_t revision; /* RSDP revision: 0 for ACPI 1.0, 2 and up for XSDT-era */
    char oem_id[7];   /* NUL-terminated */

    bool has_madt;
    uint64_t lapic_address; /* after any type 5 override */
    bool pcat_compat;
    /* Enabled or online-capable local APICs and x2APICs, one per apic_id. */
    unsigned ncpus;
    struct acpi_cpu cpus[ACPI_MAX_CPUS];
    unsigned nioapics;
    struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
    unsigned noverrides;
    struct acpi_override overrides[ACPI_MAX_OVERRIDES];

    bool has_fadt;
    uint32_t pm_timer_port; /* 0 when absent */
    uint16_t boot_arch_flags;
    uint32_t fadt_flags;
    uint8_t century; /* CMOS index of the century byte, 0 when absent */
    uint64_t dsdt_address;

    bool has_hpet;
    uint64_t hpet_address;
    uint8_t hpet_number;
    uint16_t hpet_min_tick;

    unsigned nmcfg;
    struct acpi_mcfg_entry mcfg[ACPI_MAX_MCFG];

    unsigned ntables;   /* tables that passed validation, root included */
    unsigned nrejected; /* tables and entries rejected, one per warning */
};

enum acpi_error {
    ACPI_OK = 0,
    ACPI_ERR_RSDP_SIGNATURE,    /* no "RSD PTR " */
    ACPI_ERR_RSDP_CHECKSUM,     /* the first 20 bytes do not sum to 0 */
    ACPI_ERR_RSDP_LENGTH,       /* copy too short or length field bad */
    ACPI_ERR_ROOT_UNMAPPED,     /* map returned NULL for the root table */
    ACPI_ERR_ROOT_SIGNATURE,    /* not "XSDT"/"RSDT" */
    ACPI_ERR_ROOT_LENGTH,       /* below the header or above the cap */
    ACPI_ERR_ROOT_CHECKSUM,     /* root table bytes do not sum to 0 */
    ACPI_ERR_RSDP_EXT_CHECKSUM, /* revision >= 2 RSDP fails its full checksum */
    ACPI_ERR_NO_ROOT,           /* neither an RSDT nor an XSDT address */
    ACPI_ERR_ARGUMENT,          /* NULL rsdp, map or out */
};

/*
 * Parses the tables reachable from the RSDP copy rsdp[0 .. rsdp_len) into
 * *out (always zeroed first). The XSDT is used when the RSDP revision is 2 or
 * more, its address is non-zero and it validates; otherwise, with a warning
 * if the XSDT was bad, the RSDT. The first valid instance of each signature
 * wins. warn may be NULL. Returns ACPI_OK or the first RSDP/root problem.
 */
enum acpi_error acpi_parse(const void *rsdp, size_t rsdp_len, acpi_map_fn map, acpi_warn_fn warn,
                           void *ctx, struct acpi_info *out);

/* A short human-readable reason for err; never NULL. */
const char *acpi_strerror(enum acpi_error err);

#endif
