/*
 * initrd.c - looking files up in the initial ramdisk.
 */
#include <arch/layout.h>
#include <core/initrd.h>
#include <core/log.h>
#include <cairn/vm.h>
#include <lib/cpio.h>
#include <lib/string.h>
#include <object/memory_phys.h>

static const void *archive;
static size_t archive_size;
static struct memory *archive_object; /* the kernel's reference: never destroyed */

/* The archive as a memory object for boot programs. GRUB loads modules at
 * page boundaries; the rest of the last page (where nothing else of
 * value lives: the boot information was copied already) is cleared so
 * that no byte beyond the archive shows. */
static void initrd_make_object(const struct boot_module *m)
{
    uint64_t size = (archive_size + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
    if (m->start % PAGE_SIZE || size == 0 || size > CAIRN_MEMORY_MAX_SIZE) {
        log_warn("initrd: not a page-aligned range of 1 page to 1 GiB; no memory object for it");
        return;
    }
    memset((uint8_t *)phys_to_virt(m->start) + archive_size, 0, size - archive_size);
    if (memory_create_physical(m->start, size, MEMORY_CACHE_WRITE_BACK, NULL, &archive_object) !=
        CAIRN_OK)
        log_warn("initrd: out of memory for its memory object");
}

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
    initrd_make_object(m);
}

struct memory *initrd_memory(size_t *size)
{
    *size = archive_size;
    return archive_object;
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
