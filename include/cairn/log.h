/*
 * cairn/log.h - reading the kernel log: the records log_read copies out
 * (see docs/syscalls.md, log_read). Values are ABI: append, never renumber.
 *
 * The kernel keeps its most recent log lines (every line it prints with
 * its log levels; not the bytes programs write with debug_write) in a
 * ring, each numbered by a sequence number that starts at 0 at boot and
 * never repeats. A holder of the kernel log capability (CAIRN_AT_KERNEL_LOG)
 * reads them from any sequence number on; lines overwritten before they
 * were read are counted as lost.
 */
#ifndef CAIRN_LOG_H
#define CAIRN_LOG_H

#include <stdint.h>

/* Most bytes one log_read copies. */
#define CAIRN_LOG_READ_MAX 16384u

/* Longest text of one record; longer kernel lines are cut (CAIRN_LOG_CUT). */
#define CAIRN_LOG_TEXT_MAX 232u

/* cairn_log_record.level */
enum cairn_log_level {
    CAIRN_LOG_DEBUG = 0,
    CAIRN_LOG_INFO = 1,
    CAIRN_LOG_WARN = 2,
    CAIRN_LOG_ERROR = 3,
};

/* cairn_log_record.flags */
#define CAIRN_LOG_CUT (1u << 0) /* the line was longer than CAIRN_LOG_TEXT_MAX */

/* One line, as log_read lays it out: the header, then `length` bytes of
 * text (no newline, no NUL), padded with zeros to a multiple of 8. The
 * next record starts at CAIRN_LOG_RECORD_SIZE(length) bytes on. */
struct cairn_log_record {
    uint64_t seq;     /* its sequence number */
    uint64_t time_ns; /* when the kernel logged it, on the clock_get clock */
    uint16_t length;  /* bytes of text, at most CAIRN_LOG_TEXT_MAX */
    uint8_t level;    /* enum cairn_log_level */
    uint8_t flags;    /* CAIRN_LOG_* */
    uint32_t reserved;
    char text[];
};

#define CAIRN_LOG_RECORD_SIZE(length) (sizeof(struct cairn_log_record) + (((length) + 7u) & ~7u))

/* The largest record: a buffer of this size always takes the next one. */
#define CAIRN_LOG_RECORD_MAX CAIRN_LOG_RECORD_SIZE(CAIRN_LOG_TEXT_MAX)

/* Where a log_read left off. */
struct cairn_log_position {
    uint64_t next; /* the sequence number to ask for next time */
    uint64_t lost; /* lines from the asked-for number on that were overwritten unread */
};

#endif
