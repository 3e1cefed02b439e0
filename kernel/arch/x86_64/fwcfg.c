/*
 * fwcfg.c - QEMU fw_cfg through its legacy I/O ports (selector 0x510, data
 * 0x511). Multi-byte directory fields are big-endian.
 */
#include <arch/fwcfg.h>
#include <arch/io.h>
#include <lib/string.h>
#include <stdbool.h>
#include <stdint.h>

#define PORT_SELECTOR 0x510
#define PORT_DATA     0x511
#define KEY_SIGNATURE 0x0000
#define KEY_FILE_DIR  0x0019
#define NAME_LEN      56
#define MAX_FILES     1024

static void read_bytes(void *buf, size_t len)
{
    uint8_t *p = buf;
    for (size_t i = 0; i < len; i++)
        p[i] = inb(PORT_DATA);
}

static uint32_t be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static bool fwcfg_present(void)
{
    char sig[4];
    outw(PORT_SELECTOR, KEY_SIGNATURE);
    read_bytes(sig, sizeof(sig));
    return memcmp(sig, "QEMU", 4) == 0;
}

size_t fwcfg_read_file(const char *name, char *buf, size_t cap)
{
    if (cap == 0 || !fwcfg_present())
        return 0;
    uint8_t count_be[4];
    outw(PORT_SELECTOR, KEY_FILE_DIR);
    read_bytes(count_be, sizeof(count_be));
    uint32_t count = be32(count_be);

    for (uint32_t i = 0; i < count && i < MAX_FILES; i++) {
        struct {
            uint8_t size[4];
            uint8_t select[2];
            uint8_t reserved[2];
            char name[NAME_LEN];
        } entry;
        read_bytes(&entry, sizeof(entry));
        entry.name[NAME_LEN - 1] = '\0';
        if (strcmp(entry.name, name) != 0)
            continue;
        size_t len = be32(entry.size);
        if (len > cap - 1)
            len = cap - 1;
        outw(PORT_SELECTOR, (uint16_t)((entry.select[0] << 8) | entry.select[1]));
        read_bytes(buf, len);
        buf[len] = '\0';
        return len;
    }
    return 0;
}
