/*
 * string.h - memory and string functions, with their ISO C (and POSIX or
 * BSD, where named) meanings. The first group is kernel/lib/string.c,
 * shared with the kernel; the rest is lib/c/string.c (strdup and strndup,
 * which allocate, lib/c/strdup.c). All are reentrant and thread-safe.
 */
#ifndef CAIRN_LIBC_STRING_H
#define CAIRN_LIBC_STRING_H

#include <stddef.h>

/* kernel/lib/string.c */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
size_t strlcpy(char *dst, const char *src, size_t size);

/* lib/c/string.c */
void *memchr(const void *s, int c, size_t n);
char *strrchr(const char *s, int c);
char *strcpy(char *dst, const char *src);
char *strncpy(char *dst, const char *src, size_t n);
char *strcat(char *dst, const char *src);
char *strncat(char *dst, const char *src, size_t n);
size_t strlcat(char *dst, const char *src, size_t size);
size_t strspn(const char *s, const char *accept);
size_t strcspn(const char *s, const char *reject);
char *strpbrk(const char *s, const char *accept);
char *strstr(const char *haystack, const char *needle);
/* Splits *saveptr's string at runs of delim bytes (s on the first call,
 * NULL after): the next token, NUL-terminated in place, or NULL. */
char *strtok_r(char *s, const char *delim, char **saveptr);
/* A short English description of an errno value (<errno.h>); never NULL.
 * The string is constant: do not write to it. */
char *strerror(int err);

/* lib/c/strdup.c: copies in memory from malloc; NULL when none is left. */
char *strdup(const char *s);
char *strndup(const char *s, size_t n);

#endif
