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

/* Starts fn(arg) in a new thread of this process on the given stack
 * memory (no TLS, not suspended); fn must end with cairn_thread_exit().
 * Returns the thread handle or a negative error, as thread_create. */
long rt_thread_start(void (*fn)(uint64_t), uint64_t arg, void *stack, size_t stack_size,
                     unsigned priority, uint32_t affinity);

#define RT_AFFINITY_ANY     0xffffffffu
#define RT_PRIORITY_DEFAULT 32

/* String helpers the runtime offers every program. */
size_t rt_strlen(const char *s);
int rt_strcmp(const char *a, const char *b);

#endif
