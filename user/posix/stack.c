/*
 * stack.c - the Linux start-up stack (see stack.h), laid out by lib/spawn.
 */
#include "stack.h"

#include <spawn/stack.h>

/* Auxiliary vector keys, as numbered by Linux (include/uapi/linux/auxvec.h). */
enum {
    AT_PHDR = 3,
    AT_PHENT = 4,
    AT_PHNUM = 5,
    AT_PAGESZ = 6,
    AT_ENTRY = 9,
    AT_UID = 11,
    AT_EUID = 12,
    AT_GID = 13,
    AT_EGID = 14,
    AT_SECURE = 23,
    AT_RANDOM = 25,
};

#define ELF64_PHDR_SIZE 56

uint64_t linux_stack_build(uint8_t *buf, size_t size, uint64_t top, const struct linux_start *s)
{
    const struct spawn_aux aux[] = {
        {AT_PHDR, s->phdr},   {AT_PHENT, ELF64_PHDR_SIZE},
        {AT_PHNUM, s->phnum}, {AT_PAGESZ, 4096},
        {AT_ENTRY, s->entry}, {AT_UID, 0},
        {AT_EUID, 0},         {AT_GID, 0},
        {AT_EGID, 0},         {AT_SECURE, 0},
        {AT_RANDOM, 0},
    };
    const struct spawn_startup startup = {
        .argc = s->argc,
        .argv = s->argv,
        .envc = s->envc,
        .envp = s->envp,
        .aux = aux,
        .naux = sizeof(aux) / sizeof(aux[0]),
        .data = s->random,
        .data_len = sizeof(s->random),
        .data_key = AT_RANDOM,
    };
    return spawn_stack_build(buf, size, top, &startup);
}
