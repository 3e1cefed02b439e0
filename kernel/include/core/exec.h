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

/* Validates the image (lib/elf.h) and maps its segments into root, each
 * page with the segment's permissions and never both writable and
 * executable. Returns 0 and the entry point, or -1 and *why. On failure the
 * pages mapped so far stay in root for the caller to free with it. */
int exec_load_elf(uint64_t root, const void *image, size_t size, uint64_t *entry, const char **why);

/* Maps a stack under USER_STACK_TOP holding the System V start-up block
 * (argc, argv[], NULL, envp NULL, auxv AT_PAGESZ then AT_NULL) and the
 * argument strings. Returns 0 and the initial RSP, or -1 and *why. */
int exec_setup_stack(uint64_t root, int argc, char *const argv[], uint64_t *rsp, const char **why);

#endif
