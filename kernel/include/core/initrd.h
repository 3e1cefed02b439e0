/*
 * initrd.h - the initial ramdisk: the cpio archive GRUB loads as the boot
 * module named "initrd", holding the first programs.
 */
#ifndef CAIRN_CORE_INITRD_H
#define CAIRN_CORE_INITRD_H

#include <core/boot_info.h>
#include <stddef.h>

/* Finds the module; without one, every lookup fails. */
void initrd_init(const struct boot_info *bi);

struct memory;

/* The whole archive as a read-only memory object for boot programs
 * (core/startup.h), and its size in bytes; NULL when there is none. The
 * kernel keeps its own reference. */
struct memory *initrd_memory(size_t *size);

/* The file's bytes, or NULL with *why set to the reason. */
const void *initrd_find(const char *path, size_t *size, const char **why);

#endif
