/*
 * libc_rename.h - force-included (-include) into the libc host test, after
 * string_rename.h: lib/c defines the ISO C names, which would collide with
 * the host libc the test links against; renaming them to c_* lets the test
 * call lib/c's versions while the host keeps its own.
 */
#ifndef CAIRN_TESTS_HOST_LIBC_RENAME_H
#define CAIRN_TESTS_HOST_LIBC_RENAME_H

#define memchr      c_memchr
#define strrchr     c_strrchr
#define strcpy      c_strcpy
#define strncpy     c_strncpy
#define strcat      c_strcat
#define strncat     c_strncat
#define strlcat     c_strlcat
#define strspn      c_strspn
#define strcspn     c_strcspn
#define strpbrk     c_strpbrk
#define strstr      c_strstr
#define strtok_r    c_strtok_r
#define strcasecmp  c_strcasecmp
#define strncasecmp c_strncasecmp
#define strdup      c_strdup
#define strndup     c_strndup
#define strtol      c_strtol
#define strtoll     c_strtoll
#define strtoul     c_strtoul
#define strtoull    c_strtoull
#define atoi        c_atoi
#define atol        c_atol
#define atoll       c_atoll
#define qsort       c_qsort
#define bsearch     c_bsearch
#define abs         c_abs
#define labs        c_labs
#define llabs       c_llabs

/* BSD functions the host's string.h may not declare. */
#include <stddef.h>
size_t strlcpy(char *dst, const char *src, size_t size);
size_t strlcat(char *dst, const char *src, size_t size);

#endif
