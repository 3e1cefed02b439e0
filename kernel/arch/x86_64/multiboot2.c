/*
 * multiboot2.c - reads GRUB's Multiboot2 boot information into boot_info.
 *
 * The information block is outside input: every tag is checked against the
 * block's total size before it is read.
 */
#include <arch/layout.h>
#include <core/boot_info.h>
#include <lib/string.h>

#define MB2_BOOT_MAGIC 0x36d76289
#define MB2_INFO_MAX   (1u << 20)

enum mb2_tag_type {
    MB2_TAG_END = 0,
    MB2_TAG_CMDLINE = 1,
    MB2_TAG_LOADER = 2,
    MB2_TAG_MODULE = 3,
    MB2_TAG_MMAP = 6,
    MB2_TAG_FRAMEBUFFER = 8,
    MB2_TAG_ACPI_OLD = 14,
    MB2_TAG_ACPI_NEW = 15,
};

struct mb2_tag {
    uint32_t type, size;
};

struct mb2_mmap_entry {
    uint64_t base, length;
    uint32_t type, reserved;
};

struct boot_info boot_info;

static void copy_string(char *dst, size_t cap, const void *src, size_t avail)
{
    size_t n = strnlen(src, avail);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static void parse_mmap(const uint8_t *tag, uint32_t size, struct boot_info *out)
{
    if (size < 16)
        return;
    uint32_t entry_size = *(const uint32_t *)(tag + 8);
    if (entry_size < sizeof(struct mb2_mmap_entry))
        return;
    for (uint32_t off = 16; size - off >= entry_size && out->nregions < BOOT_MAX_REGIONS;
         off += entry_size) {
        const struct mb2_mmap_entry *e = (const void *)(tag + off);
        if (e->length == 0 || e->base + e->length < e->base)
            continue;
        out->regions[out->nregions++] =
            (struct boot_memory_region){.base = e->base, .length = e->length, .type = e->type};
    }
}

static void parse_module(const uint8_t *tag, uint32_t size, struct boot_info *out)
{
    if (size < 16 || out->nmodules == BOOT_MAX_MODULES)
        return;
    struct boot_module *m = &out->modules[out->nmodules];
    m->start = *(const uint32_t *)(tag + 8);
    m->end = *(const uint32_t *)(tag + 12);
    if (m->end < m->start)
        return;
    copy_string(m->name, sizeof(m->name), tag + 16, size - 16);
    out->nmodules++;
}

static void parse_framebuffer(const uint8_t *tag, uint32_t size, struct boot_info *out)
{
    if (size < 31)
        return;
    struct boot_framebuffer *fb = &out->framebuffer;
    fb->phys = *(const uint64_t *)(tag + 8);
    fb->pitch = *(const uint32_t *)(tag + 16);
    fb->width = *(const uint32_t *)(tag + 20);
    fb->height = *(const uint32_t *)(tag + 24);
    fb->bpp = tag[28];
    fb->type = tag[29];
    if (fb->type == 1 && size >= 38) {
        fb->red_pos = tag[32];
        fb->red_size = tag[33];
        fb->green_pos = tag[34];
        fb->green_size = tag[35];
        fb->blue_pos = tag[36];
        fb->blue_size = tag[37];
    }
    out->has_framebuffer = true;
}

static void parse_rsdp(const uint8_t *tag, uint32_t size, struct boot_info *out)
{
    size_t len = size - 8;
    /* Prefer the ACPI 2.0+ copy when GRUB passes both. */
    if (out->rsdp_len > 20 && len <= 20)
        return;
    if (len > sizeof(out->rsdp))
        len = sizeof(out->rsdp);
    memcpy(out->rsdp, tag + 8, len);
    out->rsdp_len = len;
}

const char *multiboot2_parse(uint32_t magic, uint64_t info_phys, struct boot_info *out)
{
    if (magic != MB2_BOOT_MAGIC)
        return "bad Multiboot2 magic";
    if (info_phys == 0 || info_phys % 8 != 0)
        return "misaligned boot information";
    const uint8_t *info = phys_to_virt(info_phys);
    uint32_t total = *(const uint32_t *)info;
    if (total < 16 || total > MB2_INFO_MAX)
        return "implausible boot information size";

    memset(out, 0, sizeof(*out));
    for (uint32_t off = 8; total - off >= sizeof(struct mb2_tag);) {
        const struct mb2_tag *tag = (const void *)(info + off);
        if (tag->size < sizeof(*tag) || tag->size > total - off)
            return "boot information tag overruns the block";
        const uint8_t *t = (const uint8_t *)tag;
        switch (tag->type) {
        case MB2_TAG_END:
            return out->nregions ? NULL : "no memory map";
        case MB2_TAG_CMDLINE:
            copy_string(out->cmdline, sizeof(out->cmdline), t + 8, tag->size - 8);
            break;
        case MB2_TAG_LOADER:
            copy_string(out->loader, sizeof(out->loader), t + 8, tag->size - 8);
            break;
        case MB2_TAG_MODULE:
            parse_module(t, tag->size, out);
            break;
        case MB2_TAG_MMAP:
            parse_mmap(t, tag->size, out);
            break;
        case MB2_TAG_FRAMEBUFFER:
            parse_framebuffer(t, tag->size, out);
            break;
        case MB2_TAG_ACPI_OLD:
        case MB2_TAG_ACPI_NEW:
            parse_rsdp(t, tag->size, out);
            break;
        default:
            break;
        }
        uint32_t step = (tag->size + 7) & ~7u;
        if (step > total - off)
            break;
        off += step;
    }
    return "boot information has no end tag";
}

const struct boot_module *boot_find_module(const struct boot_info *bi, const char *name)
{
    for (unsigned i = 0; i < bi->nmodules; i++) {
        if (strcmp(bi->modules[i].name, name) == 0)
            return &bi->modules[i];
    }
    return NULL;
}
