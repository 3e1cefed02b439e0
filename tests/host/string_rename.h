/*
 * string_rename.h - force-included (-include) into the string host test only.
 *
 * kernel/lib/string.c defines the ISO C names, which would collide with the
 * host libc the test links against; renaming them to k_* lets the test call
 * the kernel's versions while libc keeps its own.
 */
#ifndef CAIRN_TESTS_HOST_STRING_RENAME_H
#define CAIRN_TESTS_HOST_STRING_RENAME_H

#define memcpy  k_memcpy
#define memmove k_memmove
#define memset  k_memset
#define memcmp  k_memcmp
#define strlen  k_strlen
#define strnlen k_strnlen
#define strcmp  k_strcmp
#define strncmp k_strncmp
#define strchr  k_strchr
#define strlcpy k_strlcpy

#endif
