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
