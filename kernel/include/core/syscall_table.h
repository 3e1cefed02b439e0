/*
 * syscall_table.h - the kernel's system-call dispatch table.
 *
 * tools/syscalls.py generates the table (build/gen/kernel/syscall_table.c)
 * from kernel/syscalls.tbl, together with the numbers SYS_<NAME> and
 * SYS_COUNT in <cairn/syscalls.h>. Every number below SYS_COUNT has an entry
 * (the table has no gaps), so the dispatcher needs only the bounds check
 * `number < SYS_COUNT` before calling syscall_table[number].handler.
 *
 * Each handler is `int64_t sys_<name>(uint64_t a0, ..., uint64_t a5)`, defined
 * by the subsystem that owns the call: every handler takes all six argument
 * registers (RDI, RSI, RDX, R10, R8, R9) so one pointer type serves the whole
 * table, and ignores those beyond its nargs. It returns the value for RAX: the
 * result, or the negated enum cairn_error.
 */
#ifndef CAIRN_CORE_SYSCALL_TABLE_H
#define CAIRN_CORE_SYSCALL_TABLE_H

#include <stdint.h>

struct syscall_entry {
    const char *name; /* the call's name in the table, for logs and traces */
    int64_t (*handler)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
    uint8_t nargs; /* how many argument registers the call uses (0-6) */
};

/* Defines the handler of the call `name` with the table's signature; the
 * body reads its arguments from a0..a5 (unused ones are fine). */
#define SYSCALL_DEFINE(name)                                                                       \
    int64_t sys_##name(__attribute__((unused)) uint64_t a0, __attribute__((unused)) uint64_t a1,   \
                       __attribute__((unused)) uint64_t a2, __attribute__((unused)) uint64_t a3,   \
                       __attribute__((unused)) uint64_t a4, __attribute__((unused)) uint64_t a5)

/* Indexed by system-call number; SYS_COUNT entries, all filled in. */
extern const struct syscall_entry syscall_table[];

#endif
