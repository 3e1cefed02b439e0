/*
 * logbuf.h - a ring of the most recent log lines, numbered by sequence
 * numbers that start at 0 and never repeat, and their layout as the
 * records log_read copies out (cairn/log.h). Pure: the caller provides
 * the locking (core/log_ring.h) and the clock; host-tested.
 */
#ifndef CAIRN_LIB_LOGBUF_H
#define CAIRN_LIB_LOGBUF_H

#include <cairn/log.h>
#include <stddef.h>
#include <stdint.h>

#define LOGBUF_LINES 256 /* a power of two */

struct logbuf_line {
    uint64_t stamp; /* the caller's time stamp (the kernel: a TSC value) */
    uint16_t length;
    uint8_t level;
    uint8_t flags;
    char text[CAIRN_LOG_TEXT_MAX];
};

struct logbuf {
    struct logbuf_line lines[LOGBUF_LINES]; /* line s at s % LOGBUF_LINES */
    uint64_t next;                          /* the next line's sequence number */
};

/* Records len bytes of text (cut to CAIRN_LOG_TEXT_MAX, flagged
 * CAIRN_LOG_CUT) at level with stamp. */
void logbuf_put(struct logbuf *b, uint64_t stamp, unsigned level, const char *text, size_t len);

/* Lays out records from sequence number seq on into out (len bytes), as
 * many whole records as fit, each stamp turned into nanoseconds by
 * to_ns; says where it left off in *pos (lines from seq on that were
 * overwritten are counted in pos->lost). Returns the bytes laid out. */
size_t logbuf_copy(const struct logbuf *b, uint64_t seq, void *out, size_t len,
                   struct cairn_log_position *pos, uint64_t (*to_ns)(uint64_t stamp));

#endif
