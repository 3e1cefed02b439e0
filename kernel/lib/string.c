/*
 * string.c - memory and string primitives with their ISO C meanings.
 *
 * The kernel build copies and fills with rep movsb/stosb, which modern x86
 * CPUs run at near memory bandwidth (ERMSB). The host test build uses plain
 * byte loops instead so AddressSanitizer sees every access.
 */
#include <lib/string.h>

#include <stdint.h>

#ifndef CAIRN_HOST_TEST

void *memcpy(void *dst, const void *src, size_t n)
{
    void *d = dst;

    __asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    uintptr_t d = (uintptr_t)dst, s = (uintptr_t)src;

    if (d - s >= n)
        return memcpy(dst, src, n);
    if (n == 0)
        return dst;
    /* dst overlaps the tail of src: copy from the last byte down. */
    d += n - 1;
    s += n - 1;
    __asm__ volatile("std\n\trep movsb\n\tcld" : "+D"(d), "+S"(s), "+c"(n) : : "memory", "cc");
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    void *d = dst;

    __asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
    return dst;
}

#else

/*
 * A compiler may turn a byte-copy loop into a call to memcpy or memset,
 * which inside memcpy itself would recurse forever; forbid that here.
 */
#if defined(__clang__)
#define STRING_NO_LIBCALLS __attribute__((no_builtin))
#else
#define STRING_NO_LIBCALLS __attribute__((optimize("no-tree-loop-distribute-patterns")))
#endif

STRING_NO_LIBCALLS void *memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    while (n--)
        *d++ = *s++;
    return dst;
}

STRING_NO_LIBCALLS void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    /* Unsigned distance: dst starts outside [src, src + n) exactly when it is >= n. */
    if ((uintptr_t)d - (uintptr_t)s >= n)
        return memcpy(dst, src, n);
    while (n--)
        d[n] = s[n];
    return dst;
}

STRING_NO_LIBCALLS void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;

    while (n--)
        *d++ = (unsigned char)c;
    return dst;
}

#endif

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;

    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i])
            return x[i] - y[i];
    }
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;

    while (s[n] != '\0')
        n++;
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n] != '\0')
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;

    while (*x != '\0' && *x == *y) {
        x++;
        y++;
    }
    return *x - *y;
}

int strncmp(const char *a, const char *b, size_t n)
{
    const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;

    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i] || x[i] == '\0')
            return x[i] - y[i];
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    const char ch = (char)c;

    for (;; s++) {
        if (*s == ch)
            return (char *)s;
        if (*s == '\0')
            return NULL;
    }
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if (size > 0) {
        size_t n = len < size - 1 ? len : size - 1;

        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}
