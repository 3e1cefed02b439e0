/*
 * writers.h - the log service's memory of the last line number each
 * writer appended (idl/log.idl, method append), so that a line sent again
 * after a call that timed out (its first copy was taken, the reply lost)
 * is kept once. Pure (host-tested); one thread uses it.
 *
 * It remembers WRITERS_MAX writers; a new one takes the place of the
 * writer heard from least recently (which, should it append again, is
 * then taken as new: at worst a line resent after a timeout is kept
 * twice). Only init appends today.
 */
#ifndef CAIRN_LOG_WRITERS_H
#define CAIRN_LOG_WRITERS_H

#include <stdbool.h>
#include <stdint.h>

#define WRITERS_MAX 8

struct writer {
    uint32_t source; /* the namespace id of the badge */
    uint64_t last;   /* the highest line number taken; 0: slot free */
    uint64_t heard;  /* writers.tick when last heard from */
};

struct writers {
    struct writer w[WRITERS_MAX];
    uint64_t tick;
};

/* Whether line n of source is new: its n is above the last taken from
 * source (which it then becomes). A copy (n not above it) is not. */
bool writers_take(struct writers *ws, uint32_t source, uint64_t n);

#endif
