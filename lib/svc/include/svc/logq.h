/*
 * svc/logq.h - a bounded queue of log lines waiting for the log service
 * (docs/services.md, "init's lines in the log"): a writer that must not
 * wait for the log service (init, which starts and restarts it) queues
 * its lines here and hands them over with the log's `append` method
 * (svc/relay.h) while the service runs.
 *
 * Each line is numbered when queued, from 1 up, so that the log service
 * keeps a line sent twice (after a call that timed out) only once. When
 * the queue is full a new line is dropped and counted; once there is
 * room again a note "WRITER: N lines dropped ..." (level warn) takes the
 * place of the lost ones, before the next line queued or, when no line
 * comes, as the last one. Pure (host-tested); one thread uses it.
 */
#ifndef CAIRN_SVC_LOGQ_H
#define CAIRN_SVC_LOGQ_H

#include <stdint.h>

#define LOGQ_LINES    64
#define LOGQ_TEXT_MAX 239 /* idl/log.idl: string<239>; longer lines are cut */
#define LOGQ_WARN     2u  /* the note's level (enum log_level: warn) */

struct logq_line {
    uint64_t n;       /* the line's number */
    uint64_t time_ns; /* when the writer made it (clock_get) */
    uint32_t level;   /* enum log_level */
    char text[LOGQ_TEXT_MAX + 1];
};

struct logq {
    struct logq_line lines[LOGQ_LINES]; /* the count oldest from head, in a ring */
    unsigned head, count;
    uint64_t next_n;  /* the next line's number */
    uint64_t dropped; /* lines dropped since the last note */
    char writer[32];  /* names the writer in the note */
};

/* Empties q; writer (cut to 31 bytes) starts the note's text. */
void logq_init(struct logq *q, const char *writer);

/* Queues a line (cut to LOGQ_TEXT_MAX bytes), made at time_ns, or counts
 * it as dropped when there is no room for it (and for the note owed). */
void logq_put(struct logq *q, uint64_t time_ns, uint32_t level, const char *text);

/* The oldest line, or 0 when none is queued. With no line queued but
 * some dropped, the note about them is queued (made at now) and is it. */
const struct logq_line *logq_head(struct logq *q, uint64_t now);

/* Removes the oldest line (after the service took it). */
void logq_pop(struct logq *q);

/* Forgets every line queued or dropped (no service will take them); the
 * numbering goes on. */
void logq_clear(struct logq *q);

#endif
