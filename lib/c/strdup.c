/*
 * strdup.c - string copies in allocated memory (see string.h).
 */
#include <stdlib.h>
#include <string.h>

char *strndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *copy = malloc(len + 1);
    if (!copy)
        return NULL;
    memcpy(copy, s, len);
    copy[len] = '\0';
    return copy;
}

char *strdup(const char *s)
{
    return strndup(s, (size_t)-1);
}
