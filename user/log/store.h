/*
 * store.h - the log service's memory of recent lines: a ring of the last
 * STORE_LINES lines, each numbered by a sequence number that starts at 0
 * and never repeats, with when it was logged, by whom (the writer's
 * namespace id, STORE_SOURCE_KERNEL for lines drained from the kernel
 * log) and at which level. Pure (host-tested); one thread uses it.
 */
#ifndef CAIRN_LOG_STORE_H
#define CAIRN_LOG_STORE_H

#include <stddef.h>
#include <stdint.h>

#define STORE_LINES         512
#define STORE_TEXT_MAX      239 /* bytes of text of one line; longer ones are cut */
#define STORE_SOURCE_KERNEL 0u

struct store_line {
    uint64_t seq;
    uint64_t time_ns;
    uint32_t source;
    uint32_t level;                /* enum cairn_log_level */
    char text[STORE_TEXT_MAX + 1]; /* NUL-terminated */
};

struct store {
    struct store_line lines[STORE_LINES]; /* line s at s % STORE_LINES */
    uint64_t next;                        /* the next line's sequence number */
};

/* Appends a line of len bytes of text (cut to STORE_TEXT_MAX; a NUL ends
 * it early; control characters become '?', so that a line mirrored to the
 * console is one line and carries no escape sequence); returns it. */
const struct store_line *store_append(struct store *s, uint64_t time_ns, uint32_t source,
                                      uint32_t level, const char *text, size_t len);

/* The first line kept from seq on, in *out, and how many lines from seq
 * on were overwritten before it in *lost. Returns 0; -WOULD_BLOCK when
 * seq is the next line's number (nothing new yet); -INVALID_ARGUMENT
 * when seq is beyond it. */
long store_read(const struct store *s, uint64_t seq, const struct store_line **out, uint64_t *lost);

#endif
