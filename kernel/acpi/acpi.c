/*
 * acpi.c - feeds the table parser physical memory through the kernel's
 * physical-memory window, and reports what it found.
 */
#include <acpi/acpi.h>
#include <arch/layout.h>
#include <arch/paging.h>
#include <core/log.h>
#include <lib/string.h>

static const void *acpi_map(uint64_t phys, size_t len, void *ctx)
{
    (void)ctx;
    return paging_physmap_covers(phys, len) ? phys_to_virt(phys) : NULL;
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
    log_info("acpi: revision %u, OEM \"%s\": %u tables accepted, %u rejected", out->revision,
             out->oem_id, out->ntables, out->nrejected);
    log_info("acpi: MADT %s (%u CPUs, %u I/O APICs, %u overrides), FADT %s, HPET %s, MCFG %u "
             "segment(s)",
             out->has_madt ? "yes" : "no", out->ncpus, out->nioapics, out->noverrides,
             out->has_fadt ? "yes" : "no", out->has_hpet ? "yes" : "no", out->nmcfg);
}
