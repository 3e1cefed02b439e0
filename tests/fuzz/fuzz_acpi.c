/*
 * fuzz_acpi.c - the ACPI table parser over arbitrary physical memory.
 *
 * The input is physical memory starting at address 0, with the RSDP copy in
 * its first 36 bytes; the map callback refuses anything outside the input,
 * so any read the sanitizers flag is the parser's own.
 */
#include <acpi/tables.h>

#include <stddef.h>
#include <stdint.h>

struct fuzz_memory {
    const uint8_t *data;
    size_t size;
};

static const void *fuzz_map(uint64_t phys, size_t len, void *ctx)
{
    const struct fuzz_memory *m = ctx;

    if (phys > m->size || len > m->size - phys)
        return NULL;
    return m->data + phys;
}

static void fuzz_warn(void *ctx, const char *table, const char *reason)
{
    (void)ctx;
    /* Touch every byte so ASan checks both strings are terminated in bounds. */
    while (*table)
        table++;
    while (*reason)
        reason++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_memory m = {data, size};
    struct acpi_info info;

    acpi_parse(data, size < 36 ? size : 36, fuzz_map, fuzz_warn, &m, &info);
    acpi_strerror(ACPI_OK);
    return 0;
}
