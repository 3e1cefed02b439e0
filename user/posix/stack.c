/*
 * stack.c - the Linux start-up stack (see stack.h).
 */
#include "stack.h"

#include <lib/string.h>

/* Auxiliary vector keys, as numbered by Linux (include/uapi/linux/auxvec.h). */
enum {
    AT_NULL = 0,
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
#define AUXV_PAIRS      12

/* Copies n bytes to the top of the free area [buf, buf + *used from the
 * end) and returns their user address, or 0 when they do not fit. */
static uint64_t push_bytes(uint8_t *buf, size_t size, uint64_t top, size_t *used, const void *src,
                           size_t n)
{
    if (n > size - *used)
        return 0;
    *used += n;
    memcpy(buf + size - *used, src, n);
    return top - *used;
}

uint64_t linux_stack_build(uint8_t *buf, size_t size, uint64_t top, const struct linux_start *s)
{
    uint64_t argv_user[s->argc + 1], envp_user[s->envc + 1];
    size_t used = 0;

    for (int i = 0; i < s->argc; i++)
        if (!(argv_user[i] = push_bytes(buf, size, top, &used, s->argv[i], strlen(s->argv[i]) + 1)))
            return 0;
    for (int i = 0; i < s->envc; i++)
        if (!(envp_user[i] = push_bytes(buf, size, top, &used, s->envp[i], strlen(s->envp[i]) + 1)))
            return 0;
    argv_user[s->argc] = envp_user[s->envc] = 0;
    uint64_t random = push_bytes(buf, size, top, &used, s->random, sizeof(s->random));
    if (!random)
        return 0;

    const uint64_t auxv[AUXV_PAIRS * 2] = {
        AT_PHDR,   s->phdr,  AT_PHENT,  ELF64_PHDR_SIZE,
        AT_PHNUM,  s->phnum, AT_PAGESZ, 4096,
        AT_ENTRY,  s->entry, AT_UID,    0,
        AT_EUID,   0,        AT_GID,    0,
        AT_EGID,   0,        AT_SECURE, 0,
        AT_RANDOM, random,   AT_NULL,   0,
    };
    size_t words = 1 + (size_t)s->argc + 1 + (size_t)s->envc + 1 + AUXV_PAIRS * 2;
    size_t vectors = words * sizeof(uint64_t);
    /* RSP (pointing at argc) must be 16-byte aligned at entry. */
    used = (used + vectors + 15) & ~(size_t)15;
    if (used > size)
        return 0;
    /* Copied byte-wise: buf need not be aligned as top is. */
    uint8_t *w = buf + size - used;
    uint64_t argc = (uint64_t)s->argc;
    memcpy(w, &argc, sizeof(argc));
    w += sizeof(argc);
    memcpy(w, argv_user, sizeof(argv_user));
    w += sizeof(argv_user);
    memcpy(w, envp_user, sizeof(envp_user));
    w += sizeof(envp_user);
    memcpy(w, auxv, sizeof(auxv));
    return top - used;
}
