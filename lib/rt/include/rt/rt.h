/*
 * rt/rt.h - the native runtime: what every Cairn program links with. The
 * system calls themselves are declared in <cairn/syscalls.h> (generated
 * from kernel/syscalls.tbl) as cairn_<name>().
 */
#ifndef CAIRN_RT_RT_H
#define CAIRN_RT_RT_H

#include <cairn/syscalls.h>

/* Writes a NUL-terminated string to the console with cairn_debug_write. */
long rt_puts(const char *s);

/* printf to the console; one call is one debug_write (at most 512 bytes). */
int rt_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* String helpers the runtime offers every program. */
size_t rt_strlen(const char *s);
int rt_strcmp(const char *a, const char *b);

#endif
