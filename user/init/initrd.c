/*
 * initrd.c - reading files of the initial ramdisk (see initrd.h).
 */
#include "initrd.h"
#include <cairn/startup.h>
#include <cairn/vm.h>
#include <lib/cpio.h>
#include <rt/rt.h>

#define INITRD_VADDR 0x200000000000ull

static const void *archive;
static size_t archive_size;

long initrd_open(void)
{
    cairn_handle_t h = rt_startup_handle(CAIRN_AT_INITRD);
    uint64_t size = 0;
    if (!h || !rt_startup_value(CAIRN_AT_INITRD_SIZE, &size) || size == 0)
        return -CAIRN_E_NOT_FOUND;
    long r = cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, INITRD_VADDR,
                          (size + CAIRN_PAGE_SIZE - 1) & ~(uint64_t)(CAIRN_PAGE_SIZE - 1),
                          CAIRN_PROT_READ);
    if (r < 0)
        return r;
    archive = (const void *)INITRD_VADDR;
    archive_size = size;
    return 0;
}

const void *initrd_archive(size_t *size)
{
    *size = archive_size;
    return archive;
}

long initrd_file(const char *name, const void **data, size_t *size)
{
    struct cpio_entry e;
    if (!archive || cpio_find(archive, archive_size, name, &e) != CPIO_OK)
        return -CAIRN_E_NOT_FOUND;
    *data = e.data;
    *size = e.size;
    return 0;
}
