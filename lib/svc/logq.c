/*
 * logq.c - the queue of lines waiting for the log service (see
 * svc/logq.h).
 */
#include <stdio.h>
#include <string.h>
#include <svc/logq.h>

void logq_init(struct logq *q, const char *writer)
{
    memset(q, 0, sizeof(*q));
    q->next_n = 1;
    snprintf(q->writer, sizeof(q->writer), "%s", writer);
}

/* Appends a line; the caller made sure there is room. */
static void logq_push(struct logq *q, uint64_t time_ns, uint32_t level, const char *text)
{
    struct logq_line *l = &q->lines[(q->head + q->count++) % LOGQ_LINES];
    l->n = q->next_n++;
    l->time_ns = time_ns;
    l->level = level;
    snprintf(l->text, sizeof(l->text), "%s", text);
}

/* Queues the note about the lines dropped so far; the caller made sure
 * there is room. */
static void logq_note(struct logq *q, uint64_t time_ns)
{
    char note[LOGQ_TEXT_MAX + 1];
    snprintf(note, sizeof(note), "%s: %llu lines dropped before the log service could take them",
             q->writer, (unsigned long long)q->dropped);
    q->dropped = 0;
    logq_push(q, time_ns, LOGQ_WARN, note);
}

void logq_put(struct logq *q, uint64_t time_ns, uint32_t level, const char *text)
{
    unsigned need = q->dropped ? 2 : 1;
    if (q->count + need > LOGQ_LINES) {
        q->dropped++;
        return;
    }
    if (q->dropped)
        logq_note(q, time_ns);
    logq_push(q, time_ns, level, text);
}

const struct logq_line *logq_head(struct logq *q, uint64_t now)
{
    if (q->count == 0 && q->dropped)
        logq_note(q, now);
    return q->count ? &q->lines[q->head] : 0;
}

void logq_pop(struct logq *q)
{
    if (q->count == 0)
        return;
    q->head = (q->head + 1) % LOGQ_LINES;
    q->count--;
}

void logq_clear(struct logq *q)
{
    q->head = 0;
    q->count = 0;
    q->dropped = 0;
}
