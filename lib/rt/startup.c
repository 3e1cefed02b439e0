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

bool rt_startup_value(uint64_t key, uint64_t *value)
{
    const uint64_t *w = rt_startup_block;
    if (!w || key == AT_NULL)
        return false;
    w += 1 + w[0] + 1; /* argc, argv[], NULL */
    while (*w)
        w++; /* envp[] */
    for (w++; w[0] != AT_NULL; w += 2) {
        if (w[0] == key) {
            *value = w[1];
            return true;
        }
    }
    return false;
}

cairn_handle_t rt_startup_handle(uint64_t key)
{
    uint64_t v;
    if (!rt_startup_value(key, &v) || v > UINT32_MAX)
        return CAIRN_HANDLE_NONE;
    return (cairn_handle_t)v;
}

const char *rt_program_name(void)
{
    const uint64_t *w = rt_startup_block;
    if (!w || w[0] == 0 || !w[1])
        return "?";
    return (const char *)w[1];
}
