/*
 * stdio.c - console output and formatting into strings (see stdio.h), on
 * kernel/lib/format.c.
 *
 * A printf formats into a buffer on the stack and writes it with one
 * debug_write when it fits; longer output is written a buffer at a time
 * with console_lock held, so it is not interleaved with another thread's.
 */
#include <stdio.h>

#include <cairn/abi.h>
#include <cairn/syscalls.h>
#include <lib/format.h>
#include <rt/mutex.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define CHUNK 256

struct cairn_file {
    int unused; /* both streams are the console */
};

static struct cairn_file console;
FILE *const stdout = &console;
FILE *const stderr = &console;

static struct rt_mutex console_lock = RT_MUTEX_INIT;

struct console_out {
    char buf[CHUNK];
    size_t len;
    bool locked; /* console_lock is held: the output took more than one write */
};

static void console_flush(struct console_out *out)
{
    if (out->len)
        cairn_debug_write(out->buf, out->len);
    out->len = 0;
}

static void console_emit(char c, void *ctx)
{
    struct console_out *out = ctx;
    if (out->len == CHUNK) {
        if (!out->locked) {
            rt_mutex_lock(&console_lock);
            out->locked = true;
        }
        console_flush(out);
    }
    out->buf[out->len++] = c;
}

int vfprintf(FILE *f, const char *fmt, va_list ap)
{
    (void)f;
    struct console_out out = {.len = 0, .locked = false};
    int n = fmt_vprint(console_emit, &out, fmt, ap);
    console_flush(&out);
    if (out.locked)
        rt_mutex_unlock(&console_lock);
    return n;
}

int vprintf(const char *fmt, va_list ap)
{
    return vfprintf(stdout, fmt, ap);
}

int fprintf(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vfprintf(f, fmt, ap);
    va_end(ap);
    return n;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vfprintf(stdout, fmt, ap);
    va_end(ap);
    return n;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    return fmt_vsnprintf(buf, size, fmt, ap);
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = fmt_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

int vsprintf(char *buf, const char *fmt, va_list ap)
{
    return fmt_vsnprintf(buf, SIZE_MAX, fmt, ap);
}

int sprintf(char *buf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = fmt_vsnprintf(buf, SIZE_MAX, fmt, ap);
    va_end(ap);
    return n;
}

size_t fwrite(const void *buf, size_t size, size_t n, FILE *f)
{
    (void)f;
    size_t total;
    if (size == 0 || n == 0 || __builtin_mul_overflow(size, n, &total))
        return 0;
    const char *p = buf;
    bool pieces = total > CAIRN_DEBUG_WRITE_MAX;
    if (pieces)
        rt_mutex_lock(&console_lock);
    size_t done = 0;
    while (done < total) {
        size_t len = total - done < CAIRN_DEBUG_WRITE_MAX ? total - done : CAIRN_DEBUG_WRITE_MAX;
        if (cairn_debug_write(p + done, len) < 0)
            break;
        done += len;
    }
    if (pieces)
        rt_mutex_unlock(&console_lock);
    return done / size;
}

int fputs(const char *s, FILE *f)
{
    size_t len = strlen(s);
    return fwrite(s, 1, len, f) == len ? 0 : EOF;
}

int puts(const char *s)
{
    return printf("%s\n", s) < 0 ? EOF : 0;
}

int fputc(int c, FILE *f)
{
    unsigned char byte = (unsigned char)c;
    return fwrite(&byte, 1, 1, f) == 1 ? byte : EOF;
}

int putc(int c, FILE *f)
{
    return fputc(c, f);
}

int putchar(int c)
{
    return fputc(c, stdout);
}

int fflush(FILE *f)
{
    (void)f;
    return 0;
}
