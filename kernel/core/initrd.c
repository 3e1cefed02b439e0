/*
 * initrd.c - looking files up in the initial ramdisk.
 */
#include <arch/layout.h>
#include <core/initrd.h>
#include <core/log.h>
#include <lib/cpio.h>

static const void *archive;
static size_t archive_size;

void initrd_init(const struct boot_info *bi)
{
    const struct boot_module *m = boot_find_module(bi, "initrd");
    if (!m) {
        log_error("initrd: GRUB loaded no module named \"initrd\"");
        return;
    }
    archive = phys_to_virt(m->start);
    archive_size = m->end - m->start;
    log_info("initrd: %zu bytes at %#llx", archive_size, (unsigned long long)m->start);
}

const void *initrd_find(const char *path, size_t *size, const char **why)
{
    struct cpio_entry entry;
    if (!archive) {
        *why = "there is no initial ramdisk";
        return NULL;
    }
    enum cpio_error err = cpio_find(archive, archive_size, path, &entry);
    if (err != CPIO_OK) {
        *why = cpio_strerror(err);
        return NULL;
    }
    *size = entry.size;
    return entry.data;
}
