/*
 * strings.h - case-insensitive comparison (POSIX), ASCII only; in
 * lib/c/string.c.
 */
#ifndef CAIRN_LIBC_STRINGS_H
#define CAIRN_LIBC_STRINGS_H

#include <stddef.h>

int strcasecmp(const char *a, const char *b);
int strncasecmp(const char *a, const char *b, size_t n);

#endif
