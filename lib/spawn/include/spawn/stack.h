/*
 * spawn/stack.h - the System V start-up block a new process finds at RSP:
 * argc, argv[], NULL, envp[], NULL, the auxiliary vector of (key, value)
 * pairs ending with AT_NULL; the strings (and optional extra bytes) above
 * them. Native programs read it with lib/rt (docs/abi.md), Linux programs
 * with their libc; both loaders build it here. Pure: no system calls.
 */
#ifndef CAIRN_SPAWN_STACK_H
#define CAIRN_SPAWN_STACK_H

#include <stddef.h>
#include <stdint.h>

/* One auxiliary-vector entry. */
struct spawn_aux {
    uint64_t key, value;
};

struct spawn_startup {
    int argc;
    char *const *argv; /* argc strings */
    int envc;
    char *const *envp;           /* envc strings */
    const struct spawn_aux *aux; /* naux entries, in order; AT_NULL is appended */
    unsigned naux;
    /* Optional bytes copied above the vectors (Linux's AT_RANDOM): the aux
     * entry whose key is data_key gets their user address as its value. */
    const void *data;
    size_t data_len;
    uint64_t data_key;
};

/*
 * Lays out the block in buf[0, size), which the caller maps so that
 * buf + size is user address top (16-byte aligned): argv strings, envp
 * strings and the data from the top down, then the vectors. Returns the
 * initial RSP (16-byte aligned, pointing at argc), or 0 when it does not
 * fit in size bytes. buf need not be aligned.
 */
uint64_t spawn_stack_build(uint8_t *buf, size_t size, uint64_t top, const struct spawn_startup *s);

#endif
