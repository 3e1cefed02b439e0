/*
 * acpi.c - feeds the table parser physical memory through the kernel's
 * physical-memory window, records which pages the tables occupy (for
 * object/device_memory.h), and reports what it found.
 */
#include <acpi/acpi.h>
#include <arch/layout.h>
#include <arch/paging.h>
#include <core/log.h>
#include <lib/string.h>

static struct acpi_range ranges[ACPI_MAX_RANGES]; /* boot CPU, then read-only */
static unsigned nranges;

/* Adds the pages of [phys, phys+len) to the ranges: merged into one it
 * touches, else a new one, else (all in use) into the last. */
static void acpi_record(uint64_t phys, size_t len)
{
    uint64_t base = phys & ~(uint64_t)(PAGE_SIZE - 1);
    uint64_t end = (phys + len + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
    unsigned i = 0;
    while (i < nranges && !(base <= ranges[i].base + ranges[i].length && ranges[i].base <= end))
        i++;
    if (i == nranges && nranges < ACPI_MAX_RANGES) {
        ranges[nranges++] = (struct acpi_range){base, end - base};
        return;
    }
    struct acpi_range *r = &ranges[i < nranges ? i : ACPI_MAX_RANGES - 1];
    uint64_t lo = base < r->base ? base : r->base;
    uint64_t hi = end > r->base + r->length ? end : r->base + r->length;
    *r = (struct acpi_range){lo, hi - lo};
}

static const void *acpi_map(uint64_t phys, size_t len, void *ctx)
{
    (void)ctx;
    if (!paging_physmap_covers(phys, len))
        return NULL;
    acpi_record(phys, len);
    return phys_to_virt(phys);
}

/* The DSDT is not one of the parser's tables; its pages are recorded too. */
static void acpi_record_dsdt(uint64_t phys)
{
    const uint8_t *hdr = phys ? acpi_map(phys, ACPI_HEADER_SIZE, NULL) : NULL;
    if (!hdr)
        return;
    uint32_t len;
    memcpy(&len, hdr + 4, sizeof(len));
    if (len > ACPI_HEADER_SIZE && len <= ACPI_MAX_TABLE_LEN && paging_physmap_covers(phys, len))
        acpi_record(phys, len);
}

const struct acpi_range *acpi_table_ranges(unsigned *count)
{
    *count = nranges;
    return ranges;
}

static void acpi_warn(void *ctx, const char *table, const char *reason)
{
    (void)ctx;
    log_warn("acpi: %s rejected: %s", table, reason);
}

void acpi_init(const struct boot_info *bi, struct acpi_info *out)
{
    memset(out, 0, sizeof(*out));
    if (bi->rsdp_len == 0) {
        log_warn("acpi: the boot loader passed no RSDP; assuming one CPU and no HPET");
        return;
    }
    enum acpi_error err = acpi_parse(bi->rsdp, bi->rsdp_len, acpi_map, acpi_warn, NULL, out);
    if (err != ACPI_OK) {
        log_error("acpi: unusable root tables (%s); assuming one CPU and no HPET",
                  acpi_strerror(err));
        memset(out, 0, sizeof(*out));
        return;
    }
    acpi_record_dsdt(out->dsdt_address);
    log_info("acpi: revision %u, OEM \"%s\": %u tables accepted, %u rejected", out->revision,
             out->oem_id, out->ntables, out->nrejected);
    log_info("acpi: MADT %s (%u CPUs, %u I/O APICs, %u overrides), FADT %s, HPET %s, MCFG %u "
             "segment(s)",
             out->has_madt ? "yes" : "no", out->ncpus, out->nioapics, out->noverrides,
             out->has_fadt ? "yes" : "no", out->has_hpet ? "yes" : "no", out->nmcfg);
}
