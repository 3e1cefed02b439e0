/*
 * rt/sys.h - the native runtime's system-call wrappers (provisional ABI of
 * include/cairn/syscall.h). Results are as the kernel returns them:
 * non-negative on success, -enum cairn_error on failure.
 */
#ifndef CAIRN_RT_SYS_H
#define CAIRN_RT_SYS_H

#include <stddef.h>

long sys_debug_write(const void *buf, size_t len);
__attribute__((noreturn)) void sys_exit(int status);

/* Writes a NUL-terminated string with sys_debug_write. */
long rt_puts(const char *s);

#endif
