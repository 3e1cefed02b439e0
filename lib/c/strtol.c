/*
 * strtol.c - text to integers (see stdlib.h). Every variant runs the one
 * unsigned parser and then applies its own range.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>

struct parsed {
    unsigned long long value; /* the magnitude, ULLONG_MAX when it overflowed */
    bool negative;
    bool overflow;
};

static bool is_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* The value of digit c in any base up to 36, or 36 when it is none. */
static unsigned digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return (unsigned)(c - '0');
    if (c >= 'a' && c <= 'z')
        return (unsigned)(c - 'a' + 10);
    if (c >= 'A' && c <= 'Z')
        return (unsigned)(c - 'A' + 10);
    return 36;
}

static struct parsed parse(const char *s, char **end, int base)
{
    struct parsed r = {0, false, false};
    const char *p = s;
    if (base < 0 || base == 1 || base > 36) {
        errno = EINVAL;
        if (end)
            *end = (char *)s;
        return r;
    }
    while (is_space(*p))
        p++;
    if (*p == '+' || *p == '-')
        r.negative = *p++ == '-';
    /* "0x" counts as a prefix only when a hex digit follows it. */
    if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
        digit_value(p[2]) < 16) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = p[0] == '0' ? 8 : 10;
    }
    const char *digits = p;
    for (unsigned d; (d = digit_value(*p)) < (unsigned)base; p++) {
        if (__builtin_mul_overflow(r.value, (unsigned)base, &r.value) ||
            __builtin_add_overflow(r.value, d, &r.value))
            r.overflow = true;
    }
    if (r.overflow)
        r.value = ULLONG_MAX;
    if (end)
        *end = (char *)(p == digits ? s : p);
    if (p == digits)
        r.negative = false;
    return r;
}

unsigned long long strtoull(const char *s, char **end, int base)
{
    struct parsed r = parse(s, end, base);
    if (r.overflow) {
        errno = ERANGE;
        return ULLONG_MAX;
    }
    return r.negative ? -r.value : r.value;
}

unsigned long strtoul(const char *s, char **end, int base)
{
    return strtoull(s, end, base); /* unsigned long is 64 bits here */
}

long long strtoll(const char *s, char **end, int base)
{
    struct parsed r = parse(s, end, base);
    unsigned long long limit = r.negative ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX;
    if (r.overflow || r.value > limit) {
        errno = ERANGE;
        return r.negative ? LLONG_MIN : LLONG_MAX;
    }
    return r.negative ? (long long)(0 - r.value) : (long long)r.value;
}

long strtol(const char *s, char **end, int base)
{
    return strtoll(s, end, base); /* long is 64 bits here */
}

long long atoll(const char *s)
{
    return strtoll(s, NULL, 10);
}

long atol(const char *s)
{
    return strtol(s, NULL, 10);
}

int atoi(const char *s)
{
    return (int)strtol(s, NULL, 10);
}
