/*
 * stats.c - counts of results (see stats.h).
 */
#include "stats.h"
#include <cairn/error.h>
#include <cairn/syscalls.h>
#include <rt/error.h>
#include <rt/rt.h>

#define CODES 64 /* error codes counted one by one; larger ones count as other */

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
        if (code < CAIRN_ERROR_COUNT)
            rt_printf(" %s=%llu", rt_error_name(code), (unsigned long long)errors[code]);
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
