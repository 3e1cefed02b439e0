/*
 * rt.c - small helpers of the native runtime (see rt/rt.h); the older
 * names for what lib/c now provides under the standard ones.
 */
#include <rt/rt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

size_t rt_strlen(const char *s)
{
    return strlen(s);
}

int rt_strcmp(const char *a, const char *b)
{
    return strcmp(a, b);
}

long rt_puts(const char *s)
{
    return cairn_debug_write(s, strlen(s));
}

int rt_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

long rt_thread_start(void (*fn)(uint64_t), uint64_t arg, void *stack, size_t stack_size,
                     unsigned priority, uint32_t affinity)
{
    /* As if fn had been called: RSP + 8 is 16-byte aligned at entry. */
    uint64_t top = ((uint64_t)stack + stack_size) & ~15ull;
    struct cairn_thread_params params = {
        .entry = (uint64_t)fn,
        .stack = top - 8,
        .arg = arg,
        .priority = priority,
        .affinity = affinity,
    };
    return cairn_thread_create(CAIRN_PROCESS_SELF, &params);
}
