/*
 * log.h - the kernel's one logging API.
 *
 * Every line goes to every console sink (COM1 and, once set up, the
 * framebuffer console) as one unit: lines from different CPUs never
 * interleave. Messages start with their subsystem ("smp: ..."); the level
 * picks the colour on the framebuffer and whether debug lines are shown.
 * Callable from any context, including interrupt handlers and panic.
 */
#ifndef CAIRN_CORE_LOG_H
#define CAIRN_CORE_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_write(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_write(LOG_DEBUG, __VA_ARGS__)
#define log_info(...)  log_write(LOG_INFO, __VA_ARGS__)
#define log_warn(...)  log_write(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_write(LOG_ERROR, __VA_ARGS__)

/* Writes raw bytes (no newline added) under the same lock, for user output. */
void log_write_raw(const char *buf, unsigned long len);

/* Whether LOG_DEBUG lines are shown; set from the "debug" command-line flag. */
extern int log_show_debug;

#endif
