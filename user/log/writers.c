/*
 * writers.c - the last line number of each appending writer (see
 * writers.h).
 */
#include "writers.h"

/* The slot of source, or the one it may take: a free slot, else the
 * writer heard from least recently. */
static struct writer *writer_slot(struct writers *ws, uint32_t source)
{
    struct writer *victim = &ws->w[0];
    for (unsigned i = 0; i < WRITERS_MAX; i++) {
        struct writer *w = &ws->w[i];
        if (w->last && w->source == source)
            return w;
        if (!victim->last)
            continue;
        if (!w->last || w->heard < victim->heard)
            victim = w;
    }
    victim->source = source;
    victim->last = 0;
    return victim;
}

bool writers_take(struct writers *ws, uint32_t source, uint64_t n)
{
    struct writer *w = writer_slot(ws, source);
    w->heard = ++ws->tick;
    if (n <= w->last)
        return false;
    w->last = n;
    return true;
}
