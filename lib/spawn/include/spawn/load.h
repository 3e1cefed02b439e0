/*
 * spawn/load.h - building a new process's memory from the caller: an ELF
 * executable's segments and a stack, each a fresh memory object filled
 * through a temporary mapping in the caller and then mapped into the new
 * process with its final permissions. The executable is checked by the
 * kernel's own ELF validator (kernel/lib/elf.c) before anything is mapped.
 *
 * The temporary mappings use [SPAWN_SCRATCH_BASE, +SPAWN_SCRATCH_SLOTS GiB)
 * of the caller's address space, which nothing else in it may use. Each
 * fill claims a slot atomically, so several threads may load at once.
 */
#ifndef CAIRN_SPAWN_LOAD_H
#define CAIRN_SPAWN_LOAD_H

#include <cairn/handle.h>
#include <lib/elf.h>
#include <stddef.h>
#include <stdint.h>

#define SPAWN_SCRATCH_BASE  0x300000000000ull
#define SPAWN_SCRATCH_SLOTS 64 /* each 1 GiB, CAIRN_MEMORY_MAX_SIZE */

/*
 * Creates a memory object of length bytes (a multiple of 4096), lets
 * fill(ctx, view) write it through a temporary writable mapping here, and
 * maps it at vaddr in process with prot. Returns 0 or a negative error
 * (CAIRN_E_BUSY when every scratch slot is in use); the object's handle is
 * closed on every path (the mapping keeps it).
 */
long spawn_map_filled(cairn_handle_t process, uint64_t vaddr, uint64_t length, uint64_t prot,
                      void (*fill)(void *ctx, uint8_t *view), void *ctx);

/*
 * Validates image[0, size) as a static x86_64 executable whose segments lie
 * in [CAIRN_VM_USER_BASE, limit) and maps its segments into process, each
 * with its own permissions. Returns 0 with *elf filled, -CAIRN_E_INVALID_ARGUMENT
 * for a bad image (*why then says why), or the error of the failed call.
 */
long spawn_load_elf(cairn_handle_t process, const void *image, size_t size, uint64_t limit,
                    struct elf_image *elf, const char **why);

#endif
