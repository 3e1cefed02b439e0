/*
 * exec.h - building a user address space from an ELF executable.
 */
#ifndef CAIRN_CORE_EXEC_H
#define CAIRN_CORE_EXEC_H

#include <stddef.h>
#include <stdint.h>

#define USER_STACK_TOP   0x00007fffffff0000ull
#define USER_STACK_PAGES 16
#define EXEC_MAX_ARGS    16
#define EXEC_MAX_AUX     8 /* auxiliary-vector entries beyond AT_PAGESZ */

/* One auxiliary-vector entry (cairn/startup.h has Cairn's keys). */
struct exec_aux {
    uint64_t key, value;
};

/* Validates the image (lib/elf.h) and maps its segments into root, each
 * page with the segment's permissions and never both writable and
 * executable. Returns 0 and the entry point, or -1 and *why. On failure the
 * pages mapped so far stay in root for the caller to free with it. */
int exec_load_elf(uint64_t root, const void *image, size_t size, uint64_t *entry, const char **why);

/* Maps a stack under USER_STACK_TOP holding the System V start-up block
 * (argc, argv[], NULL, envp NULL, auxv AT_PAGESZ, aux[0..naux-1], AT_NULL)
 * and the argument strings; naux is at most EXEC_MAX_AUX. Returns 0 and
 * the initial RSP, or -1 and *why. */
int exec_setup_stack(uint64_t root, int argc, char *const argv[], const struct exec_aux *aux,
                     unsigned naux, uint64_t *rsp, const char **why);

#endif
