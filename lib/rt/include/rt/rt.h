/*
 * rt/rt.h - the native runtime: what every Cairn program links with. The
 * system calls themselves are declared in <cairn/syscalls.h> (generated
 * from kernel/syscalls.tbl) as cairn_<name>().
 */
#ifndef CAIRN_RT_RT_H
#define CAIRN_RT_RT_H

#include <cairn/syscalls.h>
#include <rt/thread.h>
#include <stdbool.h>

/* Writes a NUL-terminated string (at most 4096 bytes) to the console with
 * one cairn_debug_write; no newline is added (puts adds one). */
long rt_puts(const char *s);

/* printf (<stdio.h>) under its older name. */
int rt_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* rt_thread_start, rt_thread_exit and the thread blocks: <rt/thread.h>. */

#define RT_AFFINITY_ANY     0xffffffffu
#define RT_PRIORITY_DEFAULT 32

/* The initial handle the kernel passed under auxiliary-vector key key
 * (CAIRN_AT_* in <cairn/startup.h>), or CAIRN_HANDLE_NONE when it passed
 * none: a boot program gets the irq and io-port controls this way. */
cairn_handle_t rt_startup_handle(uint64_t key);

/* The value the kernel passed under auxiliary-vector key key (a handle,
 * or a number such as CAIRN_AT_INITRD_SIZE): false when there is none. */
bool rt_startup_value(uint64_t key, uint64_t *value);

/* The program's name (argv[0] as the kernel passed it), or "?" when it
 * passed none; for messages. */
const char *rt_program_name(void);

/* strlen and strcmp (<string.h>) under their older names. */
size_t rt_strlen(const char *s);
int rt_strcmp(const char *a, const char *b);

#endif
