/*
 * test_acpi.c - the ACPI table parser over fake physical memory: a sound set
 * of RSDP, XSDT, RSDT, MADT, FADT, HPET, MCFG and SSDT parses to the expected
 * values; then each piece is broken in turn and the parser must fail with the
 * specific error, or reject just that table or entry with one warning.
 */
#include <acpi/tables.h>

#include "check.h"

#define MEM_BASE 0x7fe00000ull
#define MEM_SIZE 0x10000u
#define PHYS(o)  (MEM_BASE + (o))

enum {
    OFF_XSDT = 0x0000,
    OFF_RSDT = 0x0400,
    OFF_MADT = 0x1000,
    OFF_FADT = 0x2000,
    OFF_HPET = 0x3000,
    OFF_MCFG = 0x4000,
    OFF_SSDT = 0x5000,
    OFF_EXTRA = 0x6000,
};

static uint8_t mem[MEM_SIZE];
static uint8_t rsdp[36];

struct fake {
    uint64_t fail_phys; /* a mapping starting here fails ... */
    bool fail_body;     /* ... but only past the 36-byte header */
    unsigned warnings;
    char table[8];
    char reason[128];
};

static struct fake fake;

static const void *fake_map(uint64_t phys, size_t len, void *ctx)
{
    struct fake *f = ctx;

    if (phys == f->fail_phys && (!f->fail_body || len > ACPI_HEADER_SIZE))
        return NULL;
    if (phys < MEM_BASE || phys - MEM_BASE > MEM_SIZE || len > MEM_SIZE - (phys - MEM_BASE))
        return NULL;
    return mem + (phys - MEM_BASE);
}

static void fake_warn(void *ctx, const char *table, const char *reason)
{
    struct fake *f = ctx;

    f->warnings++;
    snprintf(f->table, sizeof(f->table), "%s", table);
    snprintf(f->reason, sizeof(f->reason), "%s", reason);
}

static void put16(size_t off, uint16_t v)
{
    mem[off] = (uint8_t)v;
    mem[off + 1] = (uint8_t)(v >> 8);
}

static void put32(size_t off, uint32_t v)
{
    put16(off, (uint16_t)v);
    put16(off + 2, (uint16_t)(v >> 16));
}

static void put64(size_t off, uint64_t v)
{
    put32(off, (uint32_t)v);
    put32(off + 4, (uint32_t)(v >> 32));
}

static uint8_t sum(const uint8_t *p, size_t n)
{
    uint8_t s = 0;

    while (n--)
        s = (uint8_t)(s + *p++);
    return s;
}

static void table_header(size_t off, const char *sig, uint32_t len, uint8_t rev)
{
    memcpy(mem + off, sig, 4);
    put32(off + 4, len);
    mem[off + 8] = rev;
    memcpy(mem + off + 10, "CAIRN ", 6);
    memcpy(mem + off + 16, "TESTTBL ", 8);
}

/* Sets the length to end - off and makes the table's bytes sum to zero. */
static void table_end(size_t off, size_t end)
{
    put32(off + 4, (uint32_t)(end - off));
    mem[off + 9] = 0;
    mem[off + 9] = (uint8_t)-sum(mem + off, end - off);
}

/* Recomputes the checksum over the length already in the header. */
static void table_fix(size_t off)
{
    uint32_t len =
        mem[off + 4] | mem[off + 5] << 8 | mem[off + 6] << 16 | (uint32_t)mem[off + 7] << 24;

    table_end(off, off + len);
    put32(off + 4, len);
}

static void rsdp_fix(void)
{
    rsdp[8] = 0;
    rsdp[8] = (uint8_t)-sum(rsdp, 20);
    rsdp[32] = 0;
    rsdp[32] = (uint8_t)-sum(rsdp, 36);
}

static void rsdp_build(uint8_t rev, uint32_t rsdt, uint64_t xsdt)
{
    memset(rsdp, 0, sizeof(rsdp));
    memcpy(rsdp, "RSD PTR ", 8);
    memcpy(rsdp + 9, "CAIRN ", 6);
    rsdp[15] = rev;
    memcpy(rsdp + 16, &rsdt, 4);
    rsdp[20] = 36;
    memcpy(rsdp + 24, &xsdt, 8);
    rsdp_fix();
}

static size_t lapic(size_t at, uint8_t uid, uint8_t id, uint32_t flags)
{
    mem[at] = 0;
    mem[at + 1] = 8;
    mem[at + 2] = uid;
    mem[at + 3] = id;
    put32(at + 4, flags);
    return at + 8;
}

static size_t x2apic(size_t at, uint32_t id, uint32_t flags, uint32_t uid)
{
    mem[at] = 9;
    mem[at + 1] = 16;
    put32(at + 4, id);
    put32(at + 8, flags);
    put32(at + 12, uid);
    return at + 16;
}

static size_t ioapic(size_t at, uint8_t id, uint32_t addr, uint32_t gsi)
{
    mem[at] = 1;
    mem[at + 1] = 12;
    mem[at + 2] = id;
    put32(at + 4, addr);
    put32(at + 8, gsi);
    return at + 12;
}

static size_t override(size_t at, uint8_t irq, uint32_t gsi, uint16_t flags)
{
    mem[at] = 2;
    mem[at + 1] = 10;
    mem[at + 3] = irq;
    put32(at + 4, gsi);
    put16(at + 8, flags);
    return at + 10;
}

static size_t madt_begin(size_t off)
{
    table_header(off, "APIC", 0, 5);
    put32(off + 36, 0xfee00000u);
    put32(off + 40, 1);
    return off + 44;
}

/* The standard MADT: three usable CPUs (one listed twice, one disabled
 * extra), an I/O APIC, two overrides and an NMI entry the parser skips. */
static void build_madt(size_t off)
{
    size_t at = madt_begin(off);

    at = lapic(at, 0, 0, 1);
    at = lapic(at, 1, 2, 2);
    at = lapic(at, 2, 4, 0);
    at = x2apic(at, 2, 1, 7);
    at = x2apic(at, 0x100, 1, 8);
    at = ioapic(at, 3, 0xfec00000u, 0);
    at = override(at, 0, 2, 0);
    at = override(at, 9, 9, 0xd);
    mem[at] = 4; /* local APIC NMI, 6 bytes */
    mem[at + 1] = 6;
    at += 6;
    table_end(off, at);
}

static void build_fadt(size_t off, uint32_t len)
{
    table_header(off, "FACP", len, 6);
    put32(off + 40, 0x7000);
    put32(off + 76, 0x608);
    mem[off + 91] = 4;
    mem[off + 108] = 0x32;
    put16(off + 109, 0x0003);
    put32(off + 112, 0x84a5);
    put64(off + 140, 0x100007000ull);
    table_fix(off);
}

static void build_hpet(size_t off)
{
    table_header(off, "HPET", 56, 1);
    put32(off + 36, 0x8086a201u);
    mem[off + 40] = 0;
    mem[off + 41] = 64;
    put64(off + 44, 0xfed00000u);
    mem[off + 52] = 0;
    put16(off + 53, 0x37ee);
    table_fix(off);
}

static size_t mcfg_entry(size_t at, uint64_t base, uint16_t seg, uint8_t start, uint8_t end)
{
    put64(at, base);
    put16(at + 8, seg);
    mem[at + 10] = start;
    mem[at + 11] = end;
    return at + 16;
}

static void build_mcfg(size_t off)
{
    size_t at = off + 44;

    table_header(off, "MCFG", 0, 1);
    at = mcfg_entry(at, 0xb0000000u, 0, 0, 255);
    at = mcfg_entry(at, 0xc0000000u, 1, 0, 63);
    table_end(off, at);
}

static void xsdt_build(const uint64_t *entries, size_t n)
{
    table_header(OFF_XSDT, "XSDT", 0, 1);
    for (size_t i = 0; i < n; i++)
        put64(OFF_XSDT + 36 + 8 * i, entries[i]);
    table_end(OFF_XSDT, OFF_XSDT + 36 + 8 * n);
}

static void rsdt_build(const uint32_t *entries, size_t n)
{
    table_header(OFF_RSDT, "RSDT", 0, 1);
    for (size_t i = 0; i < n; i++)
        put32(OFF_RSDT + 36 + 4 * i, entries[i]);
    table_end(OFF_RSDT, OFF_RSDT + 36 + 4 * n);
}

/* The XSDT lists all five tables; the RSDT omits MCFG and SSDT, so results
 * show which root was used. */
static void build_world(void)
{
    const uint64_t x[] = {PHYS(OFF_MADT), PHYS(OFF_FADT), PHYS(OFF_HPET), PHYS(OFF_MCFG),
                          PHYS(OFF_SSDT)};
    const uint32_t r[] = {PHYS(OFF_MADT), PHYS(OFF_FADT), PHYS(OFF_HPET)};

    memset(mem, 0, sizeof(mem));
    memset(&fake, 0, sizeof(fake));
    fake.fail_phys = ~0ull;
    build_madt(OFF_MADT);
    build_fadt(OFF_FADT, 276);
    build_hpet(OFF_HPET);
    build_mcfg(OFF_MCFG);
    table_header(OFF_SSDT, "SSDT", 36, 2);
    table_fix(OFF_SSDT);
    xsdt_build(x, 5);
    rsdt_build(r, 3);
    rsdp_build(2, PHYS(OFF_RSDT), PHYS(OFF_XSDT));
}

/* Points XSDT slot i at phys. */
static void xsdt_set(size_t i, uint64_t phys)
{
    put64(OFF_XSDT + 36 + 8 * i, phys);
    table_fix(OFF_XSDT);
}

static struct acpi_info info;

static enum acpi_error run(void)
{
    fake.warnings = 0;
    fake.table[0] = fake.reason[0] = '\0';
    return acpi_parse(rsdp, sizeof(rsdp), fake_map, fake_warn, &fake, &info);
}

static void test_sound_tables(void)
{
    build_world();
    CHECK_EQ(run(), ACPI_OK);
    CHECK_EQ(fake.warnings, 0);
    CHECK_EQ(info.nrejected, 0);
    CHECK_EQ(info.ntables, 6);
    CHECK_EQ(info.revision, 2);
    CHECK_STR(info.oem_id, "CAIRN ");

    CHECK(info.has_madt);
    CHECK_EQ(info.lapic_address, 0xfee00000u);
    CHECK(info.pcat_compat);
    CHECK_EQ(info.ncpus, 3);
    CHECK_EQ(info.cpus[0].apic_id, 0);
    CHECK_EQ(info.cpus[0].uid, 0);
    CHECK_EQ(info.cpus[1].apic_id, 2);
    CHECK_EQ(info.cpus[1].uid, 1);
    CHECK_EQ(info.cpus[2].apic_id, 0x100);
    CHECK_EQ(info.cpus[2].uid, 8);
    CHECK_EQ(info.nioapics, 1);
    CHECK_EQ(info.ioapics[0].id, 3);
    CHECK_EQ(info.ioapics[0].address, 0xfec00000u);
    CHECK_EQ(info.ioapics[0].gsi_base, 0);
    CHECK_EQ(info.noverrides, 2);
    CHECK_EQ(info.overrides[0].source_irq, 0);
    CHECK_EQ(info.overrides[0].gsi, 2);
    CHECK_EQ(info.overrides[1].source_irq, 9);
    CHECK_EQ(info.overrides[1].gsi, 9);
    CHECK_EQ(info.overrides[1].flags, 0xd);

    CHECK(info.has_fadt);
    CHECK_EQ(info.pm_timer_port, 0x608);
    CHECK_EQ(info.boot_arch_flags, ACPI_BOOT_ARCH_LEGACY_DEVICES | ACPI_BOOT_ARCH_8042);
    CHECK_EQ(info.fadt_flags, 0x84a5);
    CHECK_EQ(info.century, 0x32);
    CHECK_EQ(info.dsdt_address, 0x100007000ull);

    CHECK(info.has_hpet);
    CHECK_EQ(info.hpet_address, 0xfed00000u);
    CHECK_EQ(info.hpet_number, 0);
    CHECK_EQ(info.hpet_min_tick, 0x37ee);

    CHECK_EQ(info.nmcfg, 2);
    CHECK_EQ(info.mcfg[0].base, 0xb0000000u);
    CHECK_EQ(info.mcfg[0].bus_end, 255);
    CHECK_EQ(info.mcfg[1].base, 0xc0000000u);
    CHECK_EQ(info.mcfg[1].segment, 1);
    CHECK_EQ(info.mcfg[1].bus_start, 0);
    CHECK_EQ(info.mcfg[1].bus_end, 63);

    /* ACPI 1.0: revision 0 means RSDT, whatever sits in the XSDT field. */
    rsdp_build(0, PHYS(OFF_RSDT), PHYS(OFF_XSDT));
    CHECK_EQ(acpi_parse(rsdp, 20, fake_map, fake_warn, &fake, &info), ACPI_OK);
    CHECK_EQ(info.revision, 0);
    CHECK_EQ(info.ntables, 4);
    CHECK_EQ(info.nmcfg, 0);
    CHECK(info.has_madt && info.has_fadt && info.has_hpet);
    /* Revision 2 with no XSDT address also uses the RSDT. */
    rsdp_build(2, PHYS(OFF_RSDT), 0);
    CHECK_EQ(run(), ACPI_OK);
    CHECK_EQ(info.ntables, 4);
    CHECK_EQ(fake.warnings, 0);
    /* A warn callback is optional. */
    build_world();
    put32(OFF_MADT + 4, 20);
    CHECK_EQ(acpi_parse(rsdp, sizeof(rsdp), fake_map, NULL, &fake, &info), ACPI_OK);
    CHECK_EQ(info.nrejected, 1);
    CHECK(!info.has_madt);
}

static void test_rsdp_errors(void)
{
    build_world();
    CHECK_EQ(acpi_parse(rsdp, 19, fake_map, fake_warn, &fake, &info), ACPI_ERR_RSDP_LENGTH);
    CHECK_EQ(acpi_parse(rsdp, 20, fake_map, fake_warn, &fake, &info), ACPI_ERR_RSDP_LENGTH);
    CHECK_EQ(acpi_parse(NULL, 36, fake_map, fake_warn, &fake, &info), ACPI_ERR_ARGUMENT);
    CHECK_EQ(acpi_parse(rsdp, 36, NULL, fake_warn, &fake, &info), ACPI_ERR_ARGUMENT);
    CHECK_EQ(acpi_parse(rsdp, 36, fake_map, fake_warn, &fake, NULL), ACPI_ERR_ARGUMENT);

    rsdp[0] = 'r';
    rsdp_fix();
    CHECK_EQ(run(), ACPI_ERR_RSDP_SIGNATURE);
    CHECK_EQ(info.ntables, 0);

    build_world();
    rsdp[16] ^= 1;
    CHECK_EQ(run(), ACPI_ERR_RSDP_CHECKSUM);

    build_world();
    rsdp[20] = 35;
    rsdp_fix();
    CHECK_EQ(run(), ACPI_ERR_RSDP_LENGTH);
    rsdp[20] = 37; /* longer than the 36-byte copy */
    rsdp_fix();
    CHECK_EQ(run(), ACPI_ERR_RSDP_LENGTH);
    rsdp[23] = 1; /* 16 MiB + 36 */
    rsdp[20] = 36;
    rsdp_fix();
    CHECK_EQ(run(), ACPI_ERR_RSDP_LENGTH);

    build_world();
    rsdp[33] = 0x5a; /* reserved byte, covered only by the extended checksum */
    CHECK_EQ(run(), ACPI_ERR_RSDP_EXT_CHECKSUM);

    rsdp_build(0, 0, PHYS(OFF_XSDT));
    CHECK_EQ(run(), ACPI_ERR_NO_ROOT);
    rsdp_build(2, 0, 0);
    CHECK_EQ(run(), ACPI_ERR_NO_ROOT);
}

/* Root problems with the RSDT as the only root. */
static void test_root_errors(void)
{
    build_world();
    rsdp_build(0, PHYS(OFF_RSDT), 0);
    fake.fail_phys = PHYS(OFF_RSDT);
    CHECK_EQ(run(), ACPI_ERR_ROOT_UNMAPPED);
    fake.fail_body = true;
    CHECK_EQ(run(), ACPI_ERR_ROOT_UNMAPPED);
    rsdp_build(0, 0x1000, 0); /* outside the fake memory */
    CHECK_EQ(run(), ACPI_ERR_ROOT_UNMAPPED);
    rsdp_build(0, 0xffffffe0u, 0);
    CHECK_EQ(run(), ACPI_ERR_ROOT_UNMAPPED);

    build_world();
    rsdp_build(0, PHYS(OFF_RSDT), 0);
    mem[OFF_RSDT] = 'X';
    table_fix(OFF_RSDT);
    CHECK_EQ(run(), ACPI_ERR_ROOT_SIGNATURE);
    CHECK_EQ(info.revision, 0);
    CHECK_STR(info.oem_id, "CAIRN ");

    build_world();
    rsdp_build(0, PHYS(OFF_RSDT), 0);
    put32(OFF_RSDT + 4, 20);
    CHECK_EQ(run(), ACPI_ERR_ROOT_LENGTH);
    put32(OFF_RSDT + 4, ACPI_MAX_TABLE_LEN + 1);
    CHECK_EQ(run(), ACPI_ERR_ROOT_LENGTH);
    put32(OFF_RSDT + 4, 0xffffffffu);
    CHECK_EQ(run(), ACPI_ERR_ROOT_LENGTH);
    /* Within the cap but past the end of mapped memory. */
    put32(OFF_RSDT + 4, MEM_SIZE);
    CHECK_EQ(run(), ACPI_ERR_ROOT_UNMAPPED);

    build_world();
    rsdp_build(0, PHYS(OFF_RSDT), 0);
    mem[OFF_RSDT + 36] ^= 0x10;
    CHECK_EQ(run(), ACPI_ERR_ROOT_CHECKSUM);
    CHECK_EQ(fake.warnings, 0);

    /* A partial trailing entry is ignored. */
    build_world();
    put32(OFF_RSDT + 4, 36 + 3 * 4 + 2);
    table_fix(OFF_RSDT);
    rsdp_build(0, PHYS(OFF_RSDT), 0);
    CHECK_EQ(run(), ACPI_OK);
    CHECK_EQ(info.ntables, 4);
    CHECK_EQ(fake.warnings, 0);
}

static void test_xsdt_fallback(void)
{
    build_world();
    mem[OFF_XSDT + 40] ^= 1;
    CHECK_EQ(run(), ACPI_OK);
    CHECK_EQ(fake.warnings, 1);
    CHECK_EQ(info.nrejected, 1);
    CHECK_STR(fake.table, "XSDT");
    CHECK(strncmp(fake.reason, "bad checksum", 12) == 0);
    CHECK_EQ(info.ntables, 4); /* the RSDT and its three tables */
    CHECK_EQ(info.nmcfg, 0);
    CHECK(info.has_madt && info.has_fadt && info.has_hpet);

    build_world();
    memcpy(mem + OFF_XSDT, "RSDT", 4);
    table_fix(OFF_XSDT);
    CHECK_EQ(run(), ACPI_OK);
    CHECK_EQ(fake.warnings, 1);
    CHECK_STR(fake.reason, "wrong signature RSDT");
    CHECK_EQ(info.ntables, 4);

    build_world();
    put32(OFF_XSDT + 4, 20);
    CHECK_EQ(run(), ACPI_OK);
    CHECK_STR(fake.reason, "length 20 below header size");

    build_world();
    fake.fail_phys = PHYS(OFF_XSDT);
    CHECK_EQ(run(), ACPI_OK);
    CHECK_EQ(fake.warnings, 1);
    CHECK_STR(fake.reason, "header at 0x7fe00000 unmapped");

    /* No RSDT to fall back on: the XSDT's own error. */
    build_world();
    mem[OFF_XSDT + 40] ^= 1;
    rsdp_build(2, 0, PHYS(OFF_XSDT));
    CHECK_EQ(run(), ACPI_ERR_ROOT_CHECKSUM);
    /* Both bad: the RSDT's error. */
    mem[OFF_RSDT] = 'Z';
    rsdp_build(2, PHYS(OFF_RSDT), PHYS(OFF_XSDT));
    CHECK_EQ(run(), ACPI_ERR_ROOT_SIGNATURE);
    CHECK_EQ(fake.warnings, 1);
}

/* Runs with one table or entry broken; expects exactly one warning naming
 * table and reason, and everything else still parsed. */
static void expect_warning(const char *table, const char *reason, unsigned ntables)
{
    CHECK_EQ(run(), ACPI_OK);
    CHECK_EQ(fake.warnings, 1);
    CHECK_EQ(info.nrejected, 1);
    CHECK_EQ(info.ntables, ntables);
    CHECK_STR(fake.table, table);
    CHECK_STR(fake.reason, reason);
}

/* A whole table rejected: the root and four of the five tables remain. */
static void expect_rejected(const char *table, const char *reason)
{
    expect_warning(table, reason, 5);
}

/* One entry rejected: its table and all others are accepted. */
static void expect_entry_rejected(const char *table, const char *reason)
{
    expect_warning(table, reason, 6);
}

static void test_table_rejections(void)
{
    build_world();
    mem[OFF_MADT + 50] ^= 0xff;
    CHECK_EQ(run(), ACPI_OK);
    CHECK_EQ(fake.warnings, 1);
    CHECK(strncmp(fake.reason, "bad checksum", 12) == 0);
    CHECK(!info.has_madt);
    CHECK_EQ(info.ncpus, 0);
    CHECK(info.has_fadt && info.has_hpet && info.nmcfg == 2);

    build_world();
    put32(OFF_MADT + 4, 20);
    expect_rejected("APIC", "length 20 below header size");
    CHECK(!info.has_madt);

    build_world();
    put32(OFF_MADT + 4, 2u << 20);
    expect_rejected("APIC", "length 2097152 above 1 MiB cap");

    build_world();
    fake.fail_phys = PHYS(OFF_MADT);
    expect_rejected("????", "header at 0x7fe01000 unmapped");
    CHECK(!info.has_madt);

    build_world();
    fake.fail_phys = PHYS(OFF_MADT);
    fake.fail_body = true;
    expect_rejected("APIC", "body at 0x7fe01000 unmapped");

    build_world();
    xsdt_set(0, 0x1000);
    expect_rejected("????", "header at 0x1000 unmapped");

    build_world();
    xsdt_set(0, 0);
    expect_rejected("XSDT", "null table address");

    build_world();
    xsdt_set(0, ~0ull - 10);
    expect_rejected("????", "header at 0xfffffffffffffff5 unmapped");

    build_world();
    table_end(OFF_MADT, OFF_MADT + 40);
    expect_rejected("APIC", "length 40 below MADT minimum 44");
    CHECK(!info.has_madt);

    build_world();
    table_header(OFF_HPET, "HPET", 50, 1);
    table_fix(OFF_HPET);
    expect_rejected("HPET", "length 50 below HPET size 56");
    CHECK(!info.has_hpet);

    build_world();
    mem[OFF_HPET + 40] = 1;
    table_fix(OFF_HPET);
    expect_rejected("HPET", "base address in address space 1, not system memory");
    CHECK(!info.has_hpet);
    CHECK_EQ(info.hpet_address, 0);

    build_world();
    put64(OFF_HPET + 44, 0);
    table_fix(OFF_HPET);
    expect_rejected("HPET", "base address zero");

    build_world();
    table_end(OFF_MCFG, OFF_MCFG + 40);
    expect_rejected("MCFG", "length 40 below MCFG minimum 44");
    CHECK_EQ(info.nmcfg, 0);

    build_world();
    mem[OFF_SSDT + 24] = 1; /* OEM revision, zero before */
    expect_rejected("SSDT", "bad checksum (sum 1)");
}

/* Entry-level problems: the table is kept, the bad entry (and for the MADT
 * whatever follows a broken length) is dropped with one warning. */
static void test_entry_rejections(void)
{
    size_t at;

    build_world();
    at = madt_begin(OFF_MADT);
    at = lapic(at, 0, 0, 1);
    at = lapic(at, 1, 1, 1);
    mem[at] = 1; /* I/O APIC claiming 12 bytes with only 6 left */
    mem[at + 1] = 12;
    table_end(OFF_MADT, at + 6);
    expect_entry_rejected("APIC", "entry at offset 60 overruns table");
    CHECK(info.has_madt);
    CHECK_EQ(info.ncpus, 2);
    CHECK_EQ(info.nioapics, 0);

    /* Off by one: a local APIC entry one byte longer than what is left. */
    build_world();
    at = lapic(madt_begin(OFF_MADT), 0, 0, 1);
    table_end(OFF_MADT, lapic(at, 1, 1, 1) - 1);
    expect_entry_rejected("APIC", "entry at offset 52 overruns table");
    CHECK_EQ(info.ncpus, 1);

    build_world();
    at = madt_begin(OFF_MADT);
    at = lapic(at, 0, 0, 1);
    mem[at] = 0; /* length 0 would loop forever if trusted */
    mem[at + 1] = 0;
    at = lapic(at + 2, 1, 1, 1);
    table_end(OFF_MADT, at);
    expect_entry_rejected("APIC", "entry at offset 52 has length below 2");
    CHECK_EQ(info.ncpus, 1);

    build_world();
    at = madt_begin(OFF_MADT);
    at = lapic(at, 0, 0, 1);
    mem[at] = 0;
    table_end(OFF_MADT, at + 1);
    expect_entry_rejected("APIC", "entry header at offset 52 truncated");
    CHECK_EQ(info.ncpus, 1);

    /* A well-framed entry too short for its type is skipped; the walk goes on. */
    build_world();
    at = madt_begin(OFF_MADT);
    mem[at] = 0;
    mem[at + 1] = 6;
    at = lapic(at + 6, 1, 1, 1);
    mem[at] = 9;
    mem[at + 1] = 12;
    at = override(at + 12, 4, 4, 0);
    table_end(OFF_MADT, at);
    CHECK_EQ(run(), ACPI_OK);
    CHECK_EQ(fake.warnings, 2);
    CHECK_STR(fake.reason, "entry at offset 58 too short for its type");
    CHECK_EQ(info.ncpus, 1);
    CHECK_EQ(info.cpus[0].apic_id, 1);
    CHECK_EQ(info.noverrides, 1);

    build_world();
    at = mcfg_entry(OFF_MCFG + 44, 0xe0000000u, 0, 8, 7);
    at = mcfg_entry(at, 0xf0000000u, 2, 0, 0);
    table_end(OFF_MCFG, at);
    expect_entry_rejected("MCFG", "entry at offset 44 has bus end below bus start");
    CHECK_EQ(info.nmcfg, 1);
    CHECK_EQ(info.mcfg[0].segment, 2);

    build_world();
    table_end(OFF_MCFG, OFF_MCFG + 44 + 2 * 16 + 8);
    expect_entry_rejected("MCFG", "entry at offset 76 overruns table");
    CHECK_EQ(info.nmcfg, 2);

    /* An MCFG with no entries is valid. */
    build_world();
    table_end(OFF_MCFG, OFF_MCFG + 44);
    CHECK_EQ(run(), ACPI_OK);
    CHECK_EQ(fake.warnings, 0);
    CHECK_EQ(info.nmcfg, 0);
}

static void test_caps(void)
{
    size_t at;

    build_world();
    at = madt_begin(OFF_MADT);
    for (unsigned i = 0; i < ACPI_MAX_CPUS + 6; i++)
        at = x2apic(at, i * 2, 1, i);
    for (unsigned i = 0; i < ACPI_MAX_IOAPICS + 2; i++)
        at = ioapic(at, (uint8_t)i, 0xfec00000u + 0x1000 * i, 24 * i);
    for (unsigned i = 0; i < ACPI_MAX_OVERRIDES + 2; i++)
        at = override(at, (uint8_t)i, i, 0);
    table_end(OFF_MADT, at);
    at = OFF_MCFG + 44;
    for (unsigned i = 0; i < ACPI_MAX_MCFG + 3; i++)
        at = mcfg_entry(at, 0x100000000ull * (i + 1), (uint16_t)i, 0, 255);
    table_end(OFF_MCFG, at);
    CHECK_EQ(run(), ACPI_OK);
    CHECK_EQ(fake.warnings, 6 + 2 + 2 + 3);
    CHECK_EQ(info.nrejected, 13);
    CHECK_EQ(info.ncpus, ACPI_MAX_CPUS);
    CHECK_EQ(info.cpus[ACPI_MAX_CPUS - 1].apic_id, 2 * (ACPI_MAX_CPUS - 1));
    CHECK_EQ(info.nioapics, ACPI_MAX_IOAPICS);
    CHECK_EQ(info.ioapics[7].gsi_base, 24 * 7);
    CHECK_EQ(info.noverrides, ACPI_MAX_OVERRIDES);
    CHECK_EQ(info.overrides[15].source_irq, 15);
    CHECK_EQ(info.nmcfg, ACPI_MAX_MCFG);
    CHECK_EQ(info.mcfg[7].base, 0x800000000ull);
    CHECK_STR(fake.reason, "more than 8 entries, entry dropped");

    /* The cap counts distinct CPUs: duplicates at the cap are not warned. */
    build_world();
    at = madt_begin(OFF_MADT);
    for (unsigned i = 0; i < ACPI_MAX_CPUS; i++)
        at = lapic(at, (uint8_t)i, (uint8_t)i, 1);
    at = x2apic(at, 5, 1, 99);
    table_end(OFF_MADT, at);
    CHECK_EQ(run(), ACPI_OK);
    CHECK_EQ(fake.warnings, 0);
    CHECK_EQ(info.ncpus, ACPI_MAX_CPUS);
    CHECK_EQ(info.cpus[5].uid, 5);
}

static void test_lapic_override_and_duplicates(void)
{
    size_t at;

    build_world();
    at = madt_begin(OFF_MADT);
    mem[at] = 5;
    mem[at + 1] = 12;
    put64(at + 4, 0x1fee00000ull);
    at = lapic(at + 12, 0, 0, 1);
    put32(OFF_MADT + 40, 0);
    table_end(OFF_MADT, at);
    /* A second MADT after the first is counted but ignored. */
    at = madt_begin(OFF_EXTRA);
    put32(OFF_EXTRA + 36, 0xdead0000u);
    at = lapic(at, 0, 0, 1);
    at = lapic(at, 1, 1, 1);
    table_end(OFF_EXTRA, at);
    const uint64_t x[] = {PHYS(OFF_MADT), PHYS(OFF_EXTRA)};

    xsdt_build(x, 2);
    CHECK_EQ(run(), ACPI_OK);
    CHECK_EQ(info.ntables, 3);
    CHECK_EQ(info.lapic_address, 0x1fee00000ull);
    CHECK(!info.pcat_compat);
    CHECK_EQ(info.ncpus, 1);

    /* A rejected first MADT leaves room for a valid second one. */
    mem[OFF_MADT + 44] ^= 0xff;
    CHECK_EQ(run(), ACPI_OK);
    CHECK_EQ(fake.warnings, 1);
    CHECK_EQ(info.ntables, 2);
    CHECK_EQ(info.lapic_address, 0xdead0000u);
    CHECK_EQ(info.ncpus, 2);
}

/* Older, shorter FADTs: fields past the length read as zero. */
static void test_short_fadt(void)
{
    build_world();
    build_fadt(OFF_FADT, 116);
    CHECK_EQ(run(), ACPI_OK);
    CHECK_EQ(fake.warnings, 0);
    CHECK(info.has_fadt);
    CHECK_EQ(info.dsdt_address, 0x7000);
    CHECK_EQ(info.fadt_flags, 0x84a5);
    CHECK_EQ(info.century, 0x32);
    CHECK_EQ(info.pm_timer_port, 0x608);

    build_world();
    build_fadt(OFF_FADT, 100);
    CHECK_EQ(run(), ACPI_OK);
    CHECK_EQ(info.pm_timer_port, 0x608);
    CHECK_EQ(info.century, 0);
    CHECK_EQ(info.boot_arch_flags, 0);
    CHECK_EQ(info.fadt_flags, 0);

    /* Flags (bytes 112..115) cut in half by the length: not read. */
    build_world();
    build_fadt(OFF_FADT, 114);
    CHECK_EQ(run(), ACPI_OK);
    CHECK_EQ(info.boot_arch_flags, 3);
    CHECK_EQ(info.fadt_flags, 0);

    build_world();
    build_fadt(OFF_FADT, 80);
    CHECK_EQ(run(), ACPI_OK);
    CHECK(info.has_fadt);
    CHECK_EQ(info.pm_timer_port, 0);
    CHECK_EQ(info.dsdt_address, 0x7000);

    /* PM_TMR_LEN 0: no PM timer. X_DSDT 0: the 32-bit DSDT stands. */
    build_world();
    mem[OFF_FADT + 91] = 0;
    put64(OFF_FADT + 140, 0);
    table_fix(OFF_FADT);
    CHECK_EQ(run(), ACPI_OK);
    CHECK_EQ(info.pm_timer_port, 0);
    CHECK_EQ(info.dsdt_address, 0x7000);
}

static void test_strerror(void)
{
    CHECK_STR(acpi_strerror(ACPI_OK), "success");
    CHECK_STR(acpi_strerror(ACPI_ERR_RSDP_CHECKSUM), "RSDP checksum bad");
    CHECK_STR(acpi_strerror(ACPI_ERR_ROOT_LENGTH),
              "root table length below header size or above cap");
    CHECK_STR(acpi_strerror(ACPI_ERR_NO_ROOT), "RSDP names no root table");
    CHECK_STR(acpi_strerror((enum acpi_error)1000), "unknown ACPI error");
    for (int e = ACPI_OK; e <= ACPI_ERR_ARGUMENT; e++)
        CHECK(strcmp(acpi_strerror((enum acpi_error)e), "unknown ACPI error") != 0);
}

int main(void)
{
    test_sound_tables();
    test_rsdp_errors();
    test_root_errors();
    test_xsdt_fallback();
    test_table_rejections();
    test_entry_rejections();
    test_caps();
    test_lapic_override_and_duplicates();
    test_short_fadt();
    test_strerror();
    return CHECK_DONE("acpi");
}
