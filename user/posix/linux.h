/*
 * linux.h - the Linux system calls the personality implements, served for
 * the processes it started (docs/linux.md lists them and their limits).
 */
#ifndef CAIRN_POSIX_LINUX_H
#define CAIRN_POSIX_LINUX_H

#include "load.h"

#include <stdbool.h>
#include <stdint.h>

/* One forwarded call: the registers the kernel sent (include/cairn/foreign.h). */
struct linux_call {
    uint64_t nr, a0, a1, a2;
};

/* What the handler answers. */
struct linux_result {
    bool exit;      /* the process exits with status `value` */
    uint64_t value; /* RAX, or the exit status */
};

/* Performs call for lp, using its process and thread handles. */
struct linux_result linux_syscall(struct linux_process *lp, const struct linux_call *call);

#endif
