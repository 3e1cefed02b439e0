/*
 * startup.c - reading the start-up block the kernel left on the stack
 * (see rt/rt.h and docs/abi.md).
 */
#include <cairn/handle.h>
#include <rt/rt.h>

#define AT_NULL 0

/* Where RSP pointed at _start: argc, argv[], NULL, envp[], NULL, auxv.
 * Set by crt0.S before main; the block stays at the top of the stack. */
const uint64_t *rt_startup_block;

cairn_handle_t rt_startup_handle(uint64_t key)
{
    const uint64_t *w = rt_startup_block;
    if (!w || key == AT_NULL)
        return CAIRN_HANDLE_NONE;
    w += 1 + w[0] + 1; /* argc, argv[], NULL */
    while (*w)
        w++; /* envp[] */
    for (w++; w[0] != AT_NULL; w += 2) {
        if (w[0] == key)
            return w[1] <= UINT32_MAX ? (cairn_handle_t)w[1] : CAIRN_HANDLE_NONE;
    }
    return CAIRN_HANDLE_NONE;
}
