/*
 * rt.c - small helpers of the native runtime (see rt/rt.h).
 */
#include <lib/format.h>
#include <rt/rt.h>

#define PRINTF_MAX 512

size_t rt_strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

int rt_strcmp(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

long rt_puts(const char *s)
{
    return cairn_debug_write(s, rt_strlen(s));
}

int rt_printf(const char *fmt, ...)
{
    char buf[PRINTF_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0)
        return n;
    size_t len = (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1;
    cairn_debug_write(buf, len);
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
