/*
 * lib/format.h - printf-style formatting without libc.
 *
 * Supported: conversions %d %i %u %x %X %o %p %s %c %%; length modifiers
 * hh h l ll z j t; flags '-' '0' '+' ' ' '#'; field width and precision,
 * each either digits or '*' (a negative '*' width means '-' plus its
 * magnitude, a negative '*' precision means none). These follow ISO C with
 * three kernel choices:
 *   - %p always prints "0x" and 16 lowercase hex digits, NULL included;
 *   - %s of NULL prints "(null)" (cut by the precision like any string);
 *   - an unknown conversion is copied to the output verbatim.
 * No floating point. All functions are reentrant and take no locks, so they
 * may run in any context; a sink callback inherits the caller's context.
 */
#ifndef CAIRN_LIB_FORMAT_H
#define CAIRN_LIB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Formats fmt with ap, passing each output character in order to
 * emit(c, ctx); there is no length limit. Returns the number of characters
 * emitted, or -1 if that number does not fit in an int (all of them are
 * still emitted).
 */
int fmt_vprint(void (*emit)(char c, void *ctx), void *ctx, const char *fmt, va_list ap);

/*
 * Formats into buf of size bytes. When size > 0 the result is always
 * NUL-terminated, truncated to size - 1 characters if needed; when size is 0
 * buf is not touched and may be NULL. Returns the length the untruncated
 * output has (excluding the NUL), so truncation happened exactly when the
 * result is >= size; -1 as for fmt_vprint.
 */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* fmt_vsnprintf with the arguments given inline. */
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
