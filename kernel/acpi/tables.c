/*
 * tables.c - ACPI static table parser.
 *
 * Every multi-byte field is read byte by byte (tables are packed and fields
 * unaligned) and only after checking that it lies inside the table's
 * validated length. Lengths are compared as "size <= len && off <= len - size"
 * so no sum can wrap.
 */
#include <acpi/tables.h>

#define RSDP_V1_LEN       20u
#define RSDP_V2_LEN       36u
#define RSDP_OEM_ID       9u
#define RSDP_REVISION     15u
#define RSDP_RSDT_ADDRESS 16u
#define RSDP_LENGTH       20u
#define RSDP_XSDT_ADDRESS 24u
#define TABLE_LENGTH      4u

#define MADT_LAPIC_ADDRESS  36u
#define MADT_FLAGS          40u
#define MADT_ENTRIES        44u
#define MADT_LAPIC          0u
#define MADT_IOAPIC         1u
#define MADT_OVERRIDE       2u
#define MADT_LAPIC_OVERRIDE 5u
#define MADT_X2APIC         9u
/* Local APIC flags: usable now, or can be brought online later. */
#define MADT_CPU_USABLE 0x3u

#define FADT_DSDT           40u
#define FADT_PM_TMR_BLK     76u
#define FADT_PM_TMR_LEN     91u
#define FADT_CENTURY        108u
#define FADT_IAPC_BOOT_ARCH 109u
#define FADT_FLAGS          112u
#define FADT_X_DSDT         140u

#define HPET_BASE_SPACE   40u
#define HPET_BASE_ADDRESS 44u
#define HPET_NUMBER       52u
#define HPET_MIN_TICK     53u
#define HPET_TABLE_LEN    56u
#define GAS_SYSTEM_MEMORY 0u

#define MCFG_ENTRIES   44u
#define MCFG_ENTRY_LEN 16u

struct acpi_parser {
    acpi_map_fn map;
    acpi_warn_fn warn;
    void *ctx;
    struct acpi_info *out;
    bool seen_mcfg; /* nmcfg alone cannot tell an empty MCFG from none */
};

/* A table whose header, length and checksum all passed. */
struct acpi_table {
    const uint8_t *data; /* length bytes, valid until the next map call */
    uint32_t length;
    char sig[5]; /* printable copy for warnings */
};

/* Room for the longest warning text: fixed phrases plus one number. */
struct acpi_reason {
    char text[80];
    size_t len;
};

static uint16_t acpi_read16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t acpi_read32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t acpi_read64(const uint8_t *p)
{
    return (uint64_t)acpi_read32(p) | (uint64_t)acpi_read32(p + 4) << 32;
}

/* Does the field [off, off + size) lie inside len bytes? */
static bool acpi_has(uint32_t len, uint32_t off, uint32_t size)
{
    return size <= len && off <= len - size;
}

static bool acpi_sig_is(const uint8_t *p, const char *sig, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != (uint8_t)sig[i])
            return false;
    return true;
}

static uint8_t acpi_checksum(const uint8_t *p, size_t n)
{
    uint8_t sum = 0;

    for (size_t i = 0; i < n; i++)
        sum = (uint8_t)(sum + p[i]);
    return sum;
}

static void acpi_reason_str(struct acpi_reason *r, const char *s)
{
    while (*s && r->len < sizeof(r->text) - 1)
        r->text[r->len++] = *s++;
    r->text[r->len] = '\0';
}

static void acpi_reason_num(struct acpi_reason *r, uint64_t v, unsigned base)
{
    char digits[20];
    size_t n = 0;

    do {
        digits[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    while (n && r->len < sizeof(r->text) - 1)
        r->text[r->len++] = digits[--n];
    r->text[r->len] = '\0';
}

/* Builds "pre<v>post", v in base 10 or 16. */
static void acpi_reason_set(struct acpi_reason *r, const char *pre, uint64_t v, unsigned base,
                            const char *post)
{
    r->len = 0;
    acpi_reason_str(r, pre);
    acpi_reason_num(r, v, base);
    acpi_reason_str(r, post);
}

static void acpi_reject(struct acpi_parser *p, const char *table, const char *reason)
{
    p->out->nrejected++;
    if (p->warn)
        p->warn(p->ctx, table, reason);
}

static void acpi_reject_num(struct acpi_parser *p, const char *table, const char *pre, uint64_t v,
                            const char *post)
{
    struct acpi_reason r;

    acpi_reason_set(&r, pre, v, 10, post);
    acpi_reject(p, table, r.text);
}

/* Refuses ranges that wrap the physical address space before asking map. */
static const uint8_t *acpi_map(struct acpi_parser *p, uint64_t phys, size_t len)
{
    if (len > 0 && phys > UINT64_MAX - (len - 1))
        return NULL;
    return p->map(phys, len, p->ctx);
}

/*
 * Maps the table at phys and checks its signature (when want is not NULL),
 * length and checksum. On failure fills *why and returns the ACPI_ERR_ROOT_*
 * value naming the problem; whether that is fatal is the caller's call.
 */
static enum acpi_error acpi_load(struct acpi_parser *p, uint64_t phys, const char *want,
                                 struct acpi_table *t, struct acpi_reason *why)
{
    const uint8_t *hdr = acpi_map(p, phys, ACPI_HEADER_SIZE);
    uint32_t len;
    uint8_t sum;

    t->sig[0] = t->sig[1] = t->sig[2] = t->sig[3] = '?';
    t->sig[4] = '\0';
    if (!hdr) {
        acpi_reason_set(why, "header at 0x", phys, 16, " unmapped");
        return ACPI_ERR_ROOT_UNMAPPED;
    }
    for (int i = 0; i < 4; i++)
        t->sig[i] = hdr[i] >= 0x20 && hdr[i] < 0x7f ? (char)hdr[i] : '?';
    if (want && !acpi_sig_is(hdr, want, 4)) {
        why->len = 0;
        acpi_reason_str(why, "wrong signature ");
        acpi_reason_str(why, t->sig);
        return ACPI_ERR_ROOT_SIGNATURE;
    }
    len = acpi_read32(hdr + TABLE_LENGTH);
    if (len < ACPI_HEADER_SIZE) {
        acpi_reason_set(why, "length ", len, 10, " below header size");
        return ACPI_ERR_ROOT_LENGTH;
    }
    if (len > ACPI_MAX_TABLE_LEN) {
        acpi_reason_set(why, "length ", len, 10, " above 1 MiB cap");
        return ACPI_ERR_ROOT_LENGTH;
    }
    t->data = acpi_map(p, phys, len);
    if (!t->data) {
        acpi_reason_set(why, "body at 0x", phys, 16, " unmapped");
        return ACPI_ERR_ROOT_UNMAPPED;
    }
    sum = acpi_checksum(t->data, len);
    if (sum != 0) {
        acpi_reason_set(why, "bad checksum (sum ", sum, 10, ")");
        return ACPI_ERR_ROOT_CHECKSUM;
    }
    t->length = len;
    return ACPI_OK;
}

static void acpi_add_cpu(struct acpi_parser *p, uint32_t apic_id, uint32_t uid)
{
    struct acpi_info *out = p->out;

    /* Firmware may list one CPU both as a LAPIC and as an x2APIC. */
    for (unsigned i = 0; i < out->ncpus; i++)
        if (out->cpus[i].apic_id == apic_id)
            return;
    if (out->ncpus == ACPI_MAX_CPUS) {
        acpi_reject_num(p, "APIC", "more than ", ACPI_MAX_CPUS, " CPUs, entry dropped");
        return;
    }
    out->cpus[out->ncpus].apic_id = apic_id;
    out->cpus[out->ncpus].uid = uid;
    out->ncpus++;
}

static void acpi_add_ioapic(struct acpi_parser *p, const uint8_t *e)
{
    struct acpi_info *out = p->out;

    if (out->nioapics == ACPI_MAX_IOAPICS) {
        acpi_reject_num(p, "APIC", "more than ", ACPI_MAX_IOAPICS, " I/O APICs, entry dropped");
        return;
    }
    out->ioapics[out->nioapics].id = e[2];
    out->ioapics[out->nioapics].address = acpi_read32(e + 4);
    out->ioapics[out->nioapics].gsi_base = acpi_read32(e + 8);
    out->nioapics++;
}

static void acpi_add_override(struct acpi_parser *p, const uint8_t *e)
{
    struct acpi_info *out = p->out;

    if (out->noverrides == ACPI_MAX_OVERRIDES) {
        acpi_reject_num(p, "APIC", "more than ", ACPI_MAX_OVERRIDES,
                        " interrupt overrides, entry dropped");
        return;
    }
    out->overrides[out->noverrides].source_irq = e[3];
    out->overrides[out->noverrides].gsi = acpi_read32(e + 4);
    out->overrides[out->noverrides].flags = acpi_read16(e + 8);
    out->noverrides++;
}

/* Smallest valid length of each MADT entry type the parser reads; 0 for
 * types it skips. */
static uint8_t acpi_madt_entry_min(uint8_t type)
{
    switch (type) {
    case MADT_LAPIC:
        return 8;
    case MADT_IOAPIC:
    case MADT_LAPIC_OVERRIDE:
        return 12;
    case MADT_OVERRIDE:
        return 10;
    case MADT_X2APIC:
        return 16;
    }
    return 0;
}

/* One entry of elen bytes at e, already known to lie inside the table. */
static void acpi_madt_entry(struct acpi_parser *p, const uint8_t *e, uint8_t elen, uint32_t off)
{
    uint8_t min = acpi_madt_entry_min(e[0]);

    if (min == 0)
        return;
    if (elen < min) {
        acpi_reject_num(p, "APIC", "entry at offset ", off, " too short for its type");
        return;
    }
    switch (e[0]) {
    case MADT_LAPIC:
        if (acpi_read32(e + 4) & MADT_CPU_USABLE)
            acpi_add_cpu(p, e[3], e[2]);
        break;
    case MADT_X2APIC:
        if (acpi_read32(e + 8) & MADT_CPU_USABLE)
            acpi_add_cpu(p, acpi_read32(e + 4), acpi_read32(e + 12));
        break;
    case MADT_IOAPIC:
        acpi_add_ioapic(p, e);
        break;
    case MADT_OVERRIDE:
        acpi_add_override(p, e);
        break;
    case MADT_LAPIC_OVERRIDE:
        p->out->lapic_address = acpi_read64(e + 4);
        break;
    }
}

static bool acpi_parse_madt(struct acpi_parser *p, const struct acpi_table *t)
{
    const uint8_t *d = t->data;
    uint32_t off = MADT_ENTRIES;

    if (t->length < MADT_ENTRIES) {
        acpi_reject_num(p, "APIC", "length ", t->length, " below MADT minimum 44");
        return false;
    }
    p->out->has_madt = true;
    p->out->lapic_address = acpi_read32(d + MADT_LAPIC_ADDRESS);
    p->out->pcat_compat = (acpi_read32(d + MADT_FLAGS) & ACPI_MADT_PCAT_COMPAT) != 0;
    /* A bad entry length leaves no way to find the next entry: stop there. */
    while (off < t->length) {
        uint32_t left = t->length - off;

        if (left < 2) {
            acpi_reject_num(p, "APIC", "entry header at offset ", off, " truncated");
            break;
        }
        if (d[off + 1] < 2) {
            acpi_reject_num(p, "APIC", "entry at offset ", off, " has length below 2");
            break;
        }
        if (d[off + 1] > left) {
            acpi_reject_num(p, "APIC", "entry at offset ", off, " overruns table");
            break;
        }
        acpi_madt_entry(p, d + off, d[off + 1], off);
        off += d[off + 1];
    }
    return true;
}

/* Old FADT revisions are shorter: read only the fields the length covers. */
static bool acpi_parse_fadt(struct acpi_parser *p, const struct acpi_table *t)
{
    const uint8_t *d = t->data;
    uint32_t len = t->length;
    struct acpi_info *out = p->out;

    out->has_fadt = true;
    if (acpi_has(len, FADT_DSDT, 4))
        out->dsdt_address = acpi_read32(d + FADT_DSDT);
    /* PM_TMR_LEN is 4 when the timer exists and 0 when it does not. */
    if (acpi_has(len, FADT_PM_TMR_LEN, 1) && d[FADT_PM_TMR_LEN] == 4)
        out->pm_timer_port = acpi_read32(d + FADT_PM_TMR_BLK);
    if (acpi_has(len, FADT_CENTURY, 1))
        out->century = d[FADT_CENTURY];
    if (acpi_has(len, FADT_IAPC_BOOT_ARCH, 2))
        out->boot_arch_flags = acpi_read16(d + FADT_IAPC_BOOT_ARCH);
    if (acpi_has(len, FADT_FLAGS, 4))
        out->fadt_flags = acpi_read32(d + FADT_FLAGS);
    if (acpi_has(len, FADT_X_DSDT, 8) && acpi_read64(d + FADT_X_DSDT) != 0)
        out->dsdt_address = acpi_read64(d + FADT_X_DSDT);
    return true;
}

static bool acpi_parse_hpet(struct acpi_parser *p, const struct acpi_table *t)
{
    const uint8_t *d = t->data;
    struct acpi_info *out = p->out;

    if (t->length < HPET_TABLE_LEN) {
        acpi_reject_num(p, "HPET", "length ", t->length, " below HPET size 56");
        return false;
    }
    if (d[HPET_BASE_SPACE] != GAS_SYSTEM_MEMORY) {
        acpi_reject_num(p, "HPET", "base address in address space ", d[HPET_BASE_SPACE],
                        ", not system memory");
        return false;
    }
    if (acpi_read64(d + HPET_BASE_ADDRESS) == 0) {
        acpi_reject(p, "HPET", "base address zero");
        return false;
    }
    out->has_hpet = true;
    out->hpet_address = acpi_read64(d + HPET_BASE_ADDRESS);
    out->hpet_number = d[HPET_NUMBER];
    out->hpet_min_tick = acpi_read16(d + HPET_MIN_TICK);
    return true;
}

static bool acpi_parse_mcfg(struct acpi_parser *p, const struct acpi_table *t)
{
    struct acpi_info *out = p->out;
    uint32_t off;

    if (t->length < MCFG_ENTRIES) {
        acpi_reject_num(p, "MCFG", "length ", t->length, " below MCFG minimum 44");
        return false;
    }
    p->seen_mcfg = true;
    for (off = MCFG_ENTRIES; acpi_has(t->length, off, MCFG_ENTRY_LEN); off += MCFG_ENTRY_LEN) {
        const uint8_t *e = t->data + off;

        if (e[11] < e[10]) {
            acpi_reject_num(p, "MCFG", "entry at offset ", off, " has bus end below bus start");
            continue;
        }
        if (out->nmcfg == ACPI_MAX_MCFG) {
            acpi_reject_num(p, "MCFG", "more than ", ACPI_MAX_MCFG, " entries, entry dropped");
            continue;
        }
        out->mcfg[out->nmcfg].base = acpi_read64(e);
        out->mcfg[out->nmcfg].segment = acpi_read16(e + 8);
        out->mcfg[out->nmcfg].bus_start = e[10];
        out->mcfg[out->nmcfg].bus_end = e[11];
        out->nmcfg++;
    }
    if (off != t->length)
        acpi_reject_num(p, "MCFG", "entry at offset ", off, " overruns table");
    return true;
}

/* Validates the table at phys and, the first time its signature is seen,
 * extracts what the kernel needs. Tables of other signatures are only
 * validated and counted. */
static void acpi_parse_table(struct acpi_parser *p, uint64_t phys, const char *root)
{
    struct acpi_info *out = p->out;
    struct acpi_table t;
    struct acpi_reason why;
    bool ok = true;

    if (phys == 0) {
        acpi_reject(p, root, "null table address");
        return;
    }
    if (acpi_load(p, phys, NULL, &t, &why) != ACPI_OK) {
        acpi_reject(p, t.sig, why.text);
        return;
    }
    if (acpi_sig_is(t.data, "APIC", 4) && !out->has_madt)
        ok = acpi_parse_madt(p, &t);
    else if (acpi_sig_is(t.data, "FACP", 4) && !out->has_fadt)
        ok = acpi_parse_fadt(p, &t);
    else if (acpi_sig_is(t.data, "HPET", 4) && !out->has_hpet)
        ok = acpi_parse_hpet(p, &t);
    else if (acpi_sig_is(t.data, "MCFG", 4) && !p->seen_mcfg)
        ok = acpi_parse_mcfg(p, &t);
    if (ok)
        out->ntables++;
}

static enum acpi_error acpi_check_rsdp(const uint8_t *r, size_t len)
{
    if (len < RSDP_V1_LEN)
        return ACPI_ERR_RSDP_LENGTH;
    if (!acpi_sig_is(r, "RSD PTR ", 8))
        return ACPI_ERR_RSDP_SIGNATURE;
    if (acpi_checksum(r, RSDP_V1_LEN) != 0)
        return ACPI_ERR_RSDP_CHECKSUM;
    if (r[RSDP_REVISION] < 2)
        return ACPI_OK;
    if (len < RSDP_V2_LEN)
        return ACPI_ERR_RSDP_LENGTH;
    uint32_t full = acpi_read32(r + RSDP_LENGTH);

    if (full < RSDP_V2_LEN || full > len)
        return ACPI_ERR_RSDP_LENGTH;
    if (acpi_checksum(r, full) != 0)
        return ACPI_ERR_RSDP_EXT_CHECKSUM;
    return ACPI_OK;
}

/* Root table address, validated table (for its length) and entry size. */
struct acpi_root {
    uint64_t phys;
    struct acpi_table table;
    uint32_t entry_size;
};

/* Prefers a valid XSDT; a bad one is warned about and the RSDT used instead. */
static enum acpi_error acpi_load_root(struct acpi_parser *p, const uint8_t *r,
                                      struct acpi_root *root)
{
    enum acpi_error err = ACPI_ERR_NO_ROOT;
    struct acpi_reason why;
    uint64_t xsdt = r[RSDP_REVISION] >= 2 ? acpi_read64(r + RSDP_XSDT_ADDRESS) : 0;
    uint32_t rsdt = acpi_read32(r + RSDP_RSDT_ADDRESS);

    if (xsdt != 0) {
        err = acpi_load(p, xsdt, "XSDT", &root->table, &why);
        if (err == ACPI_OK) {
            root->phys = xsdt;
            root->entry_size = 8;
            return ACPI_OK;
        }
        acpi_reject(p, "XSDT", why.text);
    }
    if (rsdt != 0) {
        err = acpi_load(p, rsdt, "RSDT", &root->table, &why);
        root->phys = rsdt;
        root->entry_size = 4;
    }
    return err;
}

enum acpi_error acpi_parse(const void *rsdp, size_t rsdp_len, acpi_map_fn map, acpi_warn_fn warn,
                           void *ctx, struct acpi_info *out)
{
    struct acpi_parser p = {map, warn, ctx, out, false};
    const uint8_t *r = rsdp;
    struct acpi_root root;
    enum acpi_error err;

    if (!out)
        return ACPI_ERR_ARGUMENT;
    __builtin_memset(out, 0, sizeof(*out));
    if (!rsdp || !map)
        return ACPI_ERR_ARGUMENT;
    err = acpi_check_rsdp(r, rsdp_len);
    if (err != ACPI_OK)
        return err;
    out->revision = r[RSDP_REVISION];
    for (int i = 0; i < 6; i++)
        out->oem_id[i] = (char)r[RSDP_OEM_ID + i];
    err = acpi_load_root(&p, r, &root);
    if (err != ACPI_OK)
        return err;
    out->ntables++;

    const char *name = root.entry_size == 8 ? "XSDT" : "RSDT";
    uint32_t n = (root.table.length - ACPI_HEADER_SIZE) / root.entry_size;

    /* Each entry is mapped afresh: table mappings may have replaced the
     * root's, and a partial trailing entry is ignored. */
    for (uint32_t i = 0; i < n; i++) {
        uint64_t at = root.phys + ACPI_HEADER_SIZE + (uint64_t)i * root.entry_size;
        const uint8_t *e = acpi_map(&p, at, root.entry_size);

        if (!e) {
            acpi_reject(&p, name, "entry unmapped");
            continue;
        }
        acpi_parse_table(&p, root.entry_size == 8 ? acpi_read64(e) : acpi_read32(e), name);
    }
    return ACPI_OK;
}

const char *acpi_strerror(enum acpi_error err)
{
    switch (err) {
    case ACPI_OK:
        return "success";
    case ACPI_ERR_RSDP_SIGNATURE:
        return "RSDP signature is not \"RSD PTR \"";
    case ACPI_ERR_RSDP_CHECKSUM:
        return "RSDP checksum bad";
    case ACPI_ERR_RSDP_LENGTH:
        return "RSDP too short or length field bad";
    case ACPI_ERR_ROOT_UNMAPPED:
        return "root table cannot be mapped";
    case ACPI_ERR_ROOT_SIGNATURE:
        return "root table signature is not XSDT/RSDT";
    case ACPI_ERR_ROOT_LENGTH:
        return "root table length below header size or above cap";
    case ACPI_ERR_ROOT_CHECKSUM:
        return "root table checksum bad";
    case ACPI_ERR_RSDP_EXT_CHECKSUM:
        return "RSDP extended checksum bad";
    case ACPI_ERR_NO_ROOT:
        return "RSDP names no root table";
    case ACPI_ERR_ARGUMENT:
        return "NULL argument";
    }
    return "unknown ACPI error";
}
