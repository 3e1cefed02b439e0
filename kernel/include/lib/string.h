/*
 * lib/string.h - the C string and memory primitives the kernel needs.
 *
 * The names and semantics are exactly those of ISO C (plus BSD strlcpy)
 * because the compiler emits calls to memcpy, memmove, memset and memcmp on
 * its own for struct copies and large initialisers. All functions may run in
 * any context: they take no locks and touch only the memory they are given.
 */
#ifndef CAIRN_LIB_STRING_H
#define CAIRN_LIB_STRING_H

#include <stddef.h>

/* Copies n bytes from src to dst; the ranges must not overlap. Returns dst. */
void *memcpy(void *dst, const void *src, size_t n);

/* Copies n bytes from src to dst; the ranges may overlap. Returns dst. */
void *memmove(void *dst, const void *src, size_t n);

/* Fills n bytes at dst with (unsigned char)c. Returns dst. */
void *memset(void *dst, int c, size_t n);

/*
 * Compares n bytes as unsigned char. Returns <0, 0 or >0 as a is below,
 * equal to or above b at the first differing byte.
 */
int memcmp(const void *a, const void *b, size_t n);

/* Returns the number of bytes before the terminating NUL of s. */
size_t strlen(const char *s);

/* Like strlen, but reads at most max bytes and returns at most max. */
size_t strnlen(const char *s, size_t max);

/* Compares two NUL-terminated strings as unsigned char; result as memcmp. */
int strcmp(const char *a, const char *b);

/* Like strcmp, but compares at most n bytes. */
int strncmp(const char *a, const char *b, size_t n);

/*
 * Returns a pointer to the first occurrence of (char)c in s, or NULL. The
 * terminating NUL counts as part of s, so strchr(s, '\0') finds the end.
 */
char *strchr(const char *s, int c);

/*
 * Copies src into dst of size bytes, truncating if needed; dst is always
 * NUL-terminated when size > 0. Returns strlen(src), so truncation happened
 * exactly when the result is >= size.
 */
size_t strlcpy(char *dst, const char *src, size_t size);

#endif
