/*
 * assert.h - assert(expr): when expr is false, prints
 *   "PROGRAM: assertion failed: EXPR (FILE:LINE, in FUNCTION)"
 * on the console and aborts the process (exit status EXIT_ABORTED, 134).
 * With NDEBUG defined before inclusion it does nothing (expr is not
 * evaluated). Like any C assert.h, it may be included again to switch.
 */
#undef assert

#ifdef NDEBUG
#define assert(expr) ((void)0)
#else
#define assert(expr) ((expr) ? (void)0 : __assert_fail(#expr, __FILE__, __LINE__, __func__))
#endif

#ifndef CAIRN_LIBC_ASSERT_H
#define CAIRN_LIBC_ASSERT_H

#define static_assert _Static_assert

__attribute__((__noreturn__)) void __assert_fail(const char *expr, const char *file, unsigned line,
                                                 const char *func);

#endif
