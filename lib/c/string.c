/*
 * string.c - the string functions the kernel does not need (see string.h;
 * the rest are kernel/lib/string.c, linked into every program too).
 */
#include <string.h>
#include <strings.h>

#include <stdbool.h>

void *memchr(const void *s, int c, size_t n)
{
    const unsigned char *p = s;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == (unsigned char)c)
            return (void *)(p + i);
    }
    return NULL;
}

char *strrchr(const char *s, int c)
{
    const char *last = NULL;
    for (;; s++) {
        if (*s == (char)c)
            last = s;
        if (*s == '\0')
            return (char *)last;
    }
}

char *strcpy(char *dst, const char *src)
{
    return memcpy(dst, src, strlen(src) + 1);
}

/* ISO C: copies at most n bytes and pads with NULs up to n; dst is not
 * terminated when src is n bytes or longer. */
char *strncpy(char *dst, const char *src, size_t n)
{
    size_t len = strnlen(src, n);
    memcpy(dst, src, len);
    memset(dst + len, 0, n - len);
    return dst;
}

char *strcat(char *dst, const char *src)
{
    strcpy(dst + strlen(dst), src);
    return dst;
}

char *strncat(char *dst, const char *src, size_t n)
{
    char *end = dst + strlen(dst);
    size_t len = strnlen(src, n);
    memcpy(end, src, len);
    end[len] = '\0';
    return dst;
}

size_t strlcat(char *dst, const char *src, size_t size)
{
    size_t used = strnlen(dst, size);
    if (used == size)
        return size + strlen(src);
    return used + strlcpy(dst + used, src, size - used);
}

/* Whether byte c is one of set's. */
static bool in_set(char c, const char *set)
{
    for (; *set; set++) {
        if (*set == c)
            return true;
    }
    return false;
}

size_t strspn(const char *s, const char *accept)
{
    size_t n = 0;
    while (s[n] && in_set(s[n], accept))
        n++;
    return n;
}

size_t strcspn(const char *s, const char *reject)
{
    size_t n = 0;
    while (s[n] && !in_set(s[n], reject))
        n++;
    return n;
}

char *strpbrk(const char *s, const char *accept)
{
    s += strcspn(s, accept);
    return *s ? (char *)s : NULL;
}

char *strstr(const char *haystack, const char *needle)
{
    size_t n = strlen(needle);
    for (; *haystack; haystack++) {
        if (strncmp(haystack, needle, n) == 0)
            return (char *)haystack;
    }
    return n == 0 ? (char *)haystack : NULL;
}

char *strtok_r(char *s, const char *delim, char **saveptr)
{
    if (!s)
        s = *saveptr;
    s += strspn(s, delim);
    if (*s == '\0') {
        *saveptr = s;
        return NULL;
    }
    char *end = s + strcspn(s, delim);
    if (*end != '\0')
        *end++ = '\0';
    *saveptr = end;
    return s;
}

static int lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

int strncasecmp(const char *a, const char *b, size_t n)
{
    const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
    for (size_t i = 0; i < n; i++) {
        if (lower(x[i]) != lower(y[i]) || x[i] == '\0')
            return lower(x[i]) - lower(y[i]);
    }
    return 0;
}

int strcasecmp(const char *a, const char *b)
{
    return strncasecmp(a, b, (size_t)-1);
}
