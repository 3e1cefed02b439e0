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
