/*
 * stdio.h - formatted output to the console and into strings.
 *
 * stdout and stderr both write to the kernel console (debug_write); there
 * is no input and no file system yet. Output is unbuffered: each call
 * writes its text at once, a printf of up to 256 bytes in one piece that
 * other threads' output cannot split (a longer one is written in pieces
 * under a lock, so other threads' printf calls wait). Conversions are
 * those of kernel/lib/format.h: %d %i %u %x %X %o %p %s %c %% with the
 * flags, width, precision and length modifiers of ISO C; no floating
 * point (%f and the like are copied through as text), no %n.
 */
#ifndef CAIRN_LIBC_STDIO_H
#define CAIRN_LIBC_STDIO_H

#include <stdarg.h>
#include <stddef.h>

#define EOF (-1)

typedef struct cairn_file FILE;

extern FILE *const stdout;
extern FILE *const stderr;
#define stdout stdout
#define stderr stderr

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
int fprintf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vfprintf(FILE *f, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Writes at most size - 1 characters and a NUL (nothing when size is 0);
 * returns the length the whole output has. */
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
/* Unbounded: prefer snprintf. */
int sprintf(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vsprintf(char *buf, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* s and a newline. */
int puts(const char *s);
/* s alone. */
int fputs(const char *s, FILE *f);
int fputc(int c, FILE *f);
int putc(int c, FILE *f);
int putchar(int c);
size_t fwrite(const void *buf, size_t size, size_t n, FILE *f);
/* Nothing is buffered: returns 0. */
int fflush(FILE *f);

#endif
