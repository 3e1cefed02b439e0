/*
 * initrd.h - the initial ramdisk as init reads it: mapped read-only once,
 * files found by name.
 */
#ifndef CAIRN_INIT_INITRD_H
#define CAIRN_INIT_INITRD_H

#include <stddef.h>

/* Maps the ramdisk (CAIRN_AT_INITRD). Returns 0 or the error. */
long initrd_open(void);

/* The whole archive, for lib/spawn; NULL before initrd_open. */
const void *initrd_archive(size_t *size);

/* The file called name: its bytes in *data, their count in *size. Returns
 * 0, or NOT_FOUND. */
long initrd_file(const char *name, const void **data, size_t *size);

#endif
