/*
 * log.c - formats kernel messages, hands them to the console sinks and
 * keeps them in the ring log_read reads (core/log_ring.h).
 */
#include <arch/serial.h>
#include <core/fbcon.h>
#include <core/log.h>
#include <core/log_ring.h>
#include <core/panic.h>
#include <core/spinlock.h>
#include <lib/format.h>

#define LINE_MAX 512

int log_show_debug;

static struct spinlock log_lock = SPINLOCK_INIT;

static const uint32_t level_colour[] = {
    [LOG_DEBUG] = 0x808080,
    [LOG_INFO] = 0xc0c0c0,
    [LOG_WARN] = 0xffd75f,
    [LOG_ERROR] = 0xff5f5f,
};

/* While panicking, the other CPUs are stopped and may have died holding the
 * lock: the panicking CPU writes without it. */
static bool log_lock_take(void)
{
    return panic_in_progress ? irq_save() : spin_lock(&log_lock);
}

static void log_lock_drop(bool irq)
{
    if (panic_in_progress)
        irq_restore(irq);
    else
        spin_unlock(&log_lock, irq);
}

static void emit(const char *s, unsigned long len, uint32_t colour)
{
    for (unsigned long i = 0; i < len; i++) {
        serial_putc(s[i]);
        fbcon_putc(s[i], colour);
    }
}

void log_write(enum log_level level, const char *fmt, ...)
{
    char line[LINE_MAX];
    va_list ap;

    if (level == LOG_DEBUG && !log_show_debug)
        return;
    va_start(ap, fmt);
    int n = fmt_vsnprintf(line, sizeof(line) - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    unsigned long len = (unsigned long)n < sizeof(line) - 2 ? (unsigned long)n : sizeof(line) - 2;
    line[len++] = '\n';

    bool irq = log_lock_take();
    emit(line, len, level_colour[level]);
    log_ring_append(level, line, len - 1);
    log_lock_drop(irq);
}

void log_write_raw(const char *buf, unsigned long len)
{
    bool irq = log_lock_take();
    emit(buf, len, level_colour[LOG_INFO]);
    log_lock_drop(irq);
}
