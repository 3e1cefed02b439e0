/*
 * test_log_relay.c - host tests for the two ends of init's hand-over of
 * its lines to the log service: lib/svc/logq.c (the bounded queue: lines
 * numbered in order, a full queue drops and counts, and the note about
 * the dropped lines takes their place once there is room) and
 * user/log/writers.c (a line sent again is kept once; writers are told
 * apart; the one heard from least recently makes room for a new one).
 */
#include "writers.h"
#include <svc/logq.h>

#include <stdlib.h>

#include "check.h"

static void test_queue_order(void)
{
    struct logq *q = calloc(1, sizeof(*q));
    logq_init(q, "init");
    CHECK(logq_head(q, 0) == NULL);
    logq_put(q, 10, 1, "init: one");
    logq_put(q, 20, 3, "init: two");
    const struct logq_line *l = logq_head(q, 99);
    CHECK_EQ(l->n, 1);
    CHECK_EQ(l->time_ns, 10);
    CHECK_EQ(l->level, 1);
    CHECK_STR(l->text, "init: one");
    /* Not removed until popped: a line whose call failed is sent again. */
    CHECK(logq_head(q, 99) == l);
    logq_pop(q);
    l = logq_head(q, 99);
    CHECK_EQ(l->n, 2);
    CHECK_STR(l->text, "init: two");
    logq_pop(q);
    CHECK(logq_head(q, 99) == NULL);
    logq_pop(q); /* popping an empty queue changes nothing */
    CHECK_EQ(q->count, 0);
    logq_put(q, 30, 1, "init: three");
    CHECK_EQ(logq_head(q, 0)->n, 3);
    free(q);
}

static void test_queue_cut(void)
{
    struct logq *q = calloc(1, sizeof(*q));
    char big[LOGQ_TEXT_MAX + 40];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    logq_init(q, "a-writer-name-much-longer-than-thirty-one-bytes");
    CHECK_EQ(strlen(q->writer), sizeof(q->writer) - 1);
    logq_put(q, 0, 1, big);
    CHECK_EQ(strlen(logq_head(q, 0)->text), LOGQ_TEXT_MAX);
    free(q);
}

/* A full queue drops new lines and counts them; the note takes their
 * place before the next line queued once there is room for both. */
static void test_queue_overflow(void)
{
    struct logq *q = calloc(1, sizeof(*q));
    char text[32];
    logq_init(q, "init");
    for (unsigned i = 0; i < LOGQ_LINES + 5; i++) {
        snprintf(text, sizeof(text), "line %u", i);
        logq_put(q, i, 1, text);
    }
    CHECK_EQ(q->count, LOGQ_LINES);
    CHECK_EQ(q->dropped, 5);
    logq_pop(q); /* one free slot: not room for the note and a line */
    logq_put(q, 100, 1, "still dropped");
    CHECK_EQ(q->dropped, 6);
    CHECK_EQ(q->count, LOGQ_LINES - 1);
    logq_pop(q);
    logq_put(q, 200, 1, "kept");
    CHECK_EQ(q->dropped, 0);
    CHECK_EQ(q->count, LOGQ_LINES);
    for (unsigned i = 0; i < LOGQ_LINES - 2; i++) {
        snprintf(text, sizeof(text), "line %u", i + 2);
        CHECK_STR(logq_head(q, 0)->text, text);
        CHECK_EQ(logq_head(q, 0)->n, i + 3);
        logq_pop(q);
    }
    const struct logq_line *l = logq_head(q, 0);
    CHECK_STR(l->text, "init: 6 lines dropped before the log service could take them");
    CHECK_EQ(l->level, LOGQ_WARN);
    CHECK_EQ(l->time_ns, 200);
    CHECK_EQ(l->n, LOGQ_LINES + 1);
    logq_pop(q);
    CHECK_STR(logq_head(q, 0)->text, "kept");
    CHECK_EQ(logq_head(q, 0)->n, LOGQ_LINES + 2);
    logq_pop(q);
    CHECK(logq_head(q, 0) == NULL);
    free(q);
}

/* With no line to follow, the note is the last line, made when asked for. */
static void test_queue_note_last(void)
{
    struct logq *q = calloc(1, sizeof(*q));
    logq_init(q, "init");
    for (unsigned i = 0; i < LOGQ_LINES + 2; i++)
        logq_put(q, i, 1, "x");
    for (unsigned i = 0; i < LOGQ_LINES; i++)
        logq_pop(q);
    const struct logq_line *l = logq_head(q, 777);
    CHECK(l != NULL);
    CHECK_STR(l->text, "init: 2 lines dropped before the log service could take them");
    CHECK_EQ(l->time_ns, 777);
    logq_pop(q);
    CHECK(logq_head(q, 0) == NULL);
    /* Clearing forgets lines and drops, not the numbering. */
    logq_put(q, 0, 1, "y");
    uint64_t n = logq_head(q, 0)->n;
    for (unsigned i = 0; i < LOGQ_LINES + 3; i++)
        logq_put(q, 0, 1, "z");
    logq_clear(q);
    CHECK(logq_head(q, 0) == NULL);
    logq_put(q, 0, 1, "after");
    CHECK_EQ(logq_head(q, 0)->n, n + LOGQ_LINES);
    free(q);
}

static void test_writers(void)
{
    struct writers *ws = calloc(1, sizeof(*ws));
    CHECK(writers_take(ws, 1, 1));
    CHECK(writers_take(ws, 1, 2));
    CHECK(!writers_take(ws, 1, 2)); /* sent again after a timeout */
    CHECK(!writers_take(ws, 1, 1));
    CHECK(!writers_take(ws, 7, 0)); /* numbers start at 1 */
    CHECK(writers_take(ws, 7, 2));  /* another writer: its own numbers */
    CHECK(writers_take(ws, 1, 5));  /* a gap (lines dropped) is fine */
    CHECK(!writers_take(ws, 1, 4));
    /* Fill the table; writer 7 was heard from least recently. */
    CHECK(writers_take(ws, 1, 6));
    for (uint32_t s = 100; s < 100 + WRITERS_MAX - 2; s++)
        CHECK(writers_take(ws, s, 1));
    CHECK(writers_take(ws, 1, 7));
    CHECK(writers_take(ws, 999, 1)); /* takes writer 7's place */
    CHECK(!writers_take(ws, 1, 7));  /* writer 1 is still remembered */
    CHECK(writers_take(ws, 7, 2));   /* 7 forgotten: taken as new */
    free(ws);
}

int main(void)
{
    test_queue_order();
    test_queue_cut();
    test_queue_overflow();
    test_queue_note_last();
    test_writers();
    return CHECK_DONE("log_relay");
}
