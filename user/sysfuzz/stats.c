/*
 * stats.c - counts of results (see stats.h).
 */
#include "stats.h"
#include <cairn/error.h>
#include <cairn/syscalls.h>
#include <rt/rt.h>

#define CODES 64 /* error codes counted one by one; larger ones count as other */

static const char *const NAMES[CODES] = {
    [CAIRN_E_INVALID_SYSCALL] = "INVALID_SYSCALL",
    [CAIRN_E_INVALID_ARGUMENT] = "INVALID_ARGUMENT",
    [CAIRN_E_BAD_ADDRESS] = "BAD_ADDRESS",
    [CAIRN_E_TOO_LARGE] = "TOO_LARGE",
    [CAIRN_E_NO_MEMORY] = "NO_MEMORY",
    [CAIRN_E_BAD_HANDLE] = "BAD_HANDLE",
    [CAIRN_E_REVOKED] = "REVOKED",
    [CAIRN_E_WRONG_TYPE] = "WRONG_TYPE",
    [CAIRN_E_ACCESS_DENIED] = "ACCESS_DENIED",
    [CAIRN_E_NO_HANDLES] = "NO_HANDLES",
    [CAIRN_E_QUOTA] = "QUOTA",
    [CAIRN_E_TIMED_OUT] = "TIMED_OUT",
    [CAIRN_E_PEER_DEAD] = "PEER_DEAD",
    [CAIRN_E_WOULD_BLOCK] = "WOULD_BLOCK",
    [CAIRN_E_BUSY] = "BUSY",
    [CAIRN_E_NOT_FOUND] = "NOT_FOUND",
    [CAIRN_E_NOT_SUPPORTED] = "NOT_SUPPORTED",
    [CAIRN_E_RESERVED] = "RESERVED",
};

static uint64_t ok, errors[CODES], other;
static uint64_t made[SYS_COUNT], succeeded[SYS_COUNT];

void stats_count(uint64_t number, long result)
{
    if (result >= 0)
        ok++;
    else if (result > -CODES)
        errors[-result]++;
    else
        other++;
    if (number < SYS_COUNT) {
        made[number]++;
        if (result >= 0)
            succeeded[number]++;
    }
}

void stats_print_results(void)
{
    rt_printf(" ok=%llu", (unsigned long long)ok);
    for (int code = 1; code < CODES; code++) {
        if (!errors[code])
            continue;
        if (NAMES[code])
            rt_printf(" %s=%llu", NAMES[code], (unsigned long long)errors[code]);
        else
            rt_printf(" E%d=%llu", code, (unsigned long long)errors[code]);
    }
    if (other)
        rt_printf(" other=%llu", (unsigned long long)other);
}

void stats_print_calls(void)
{
    for (unsigned n = 0; n < SYS_COUNT; n++)
        rt_printf(" %u:%llu/%llu", n, (unsigned long long)made[n],
                  (unsigned long long)succeeded[n]);
}
