/*
 * test_logbuf.c - host tests for kernel/lib/logbuf.c, the kernel log's
 * ring: records laid out in order with their numbers and padding, long
 * lines cut and flagged, a buffer that takes only whole records, and
 * lines overwritten before they were read counted as lost.
 */
#include <lib/logbuf.h>

#include <stdlib.h>

#include "check.h"

static uint64_t double_ns(uint64_t stamp)
{
    return stamp * 2;
}

static const struct cairn_log_record *at(const char *buf, size_t off)
{
    return (const struct cairn_log_record *)(buf + off);
}

static void put(struct logbuf *b, uint64_t stamp, const char *s)
{
    logbuf_put(b, stamp, CAIRN_LOG_INFO, s, strlen(s));
}

int main(void)
{
    struct logbuf *b = calloc(1, sizeof(*b));
    static char buf[CAIRN_LOG_READ_MAX] __attribute__((aligned(8)));
    struct cairn_log_position pos;

    CHECK_EQ(logbuf_copy(b, 0, buf, sizeof(buf), &pos, double_ns), 0);
    CHECK_EQ(pos.next, 0);
    CHECK_EQ(pos.lost, 0);

    put(b, 10, "first");
    logbuf_put(b, 11, CAIRN_LOG_ERROR, "second line", 11);
    size_t used = logbuf_copy(b, 0, buf, sizeof(buf), &pos, double_ns);
    CHECK_EQ(used, CAIRN_LOG_RECORD_SIZE(5) + CAIRN_LOG_RECORD_SIZE(11));
    CHECK_EQ(CAIRN_LOG_RECORD_SIZE(5), sizeof(struct cairn_log_record) + 8);
    CHECK_EQ(pos.next, 2);
    CHECK_EQ(at(buf, 0)->seq, 0);
    CHECK_EQ(at(buf, 0)->time_ns, 20);
    CHECK_EQ(at(buf, 0)->length, 5);
    CHECK_EQ(at(buf, 0)->level, CAIRN_LOG_INFO);
    CHECK(memcmp(at(buf, 0)->text, "first\0\0\0", 8) == 0); /* zero padding */
    const struct cairn_log_record *r = at(buf, CAIRN_LOG_RECORD_SIZE(5));
    CHECK_EQ(r->seq, 1);
    CHECK_EQ(r->level, CAIRN_LOG_ERROR);
    CHECK(memcmp(r->text, "second line", 11) == 0);

    /* From 1 on; from the end nothing. */
    CHECK_EQ(logbuf_copy(b, 1, buf, sizeof(buf), &pos, double_ns), CAIRN_LOG_RECORD_SIZE(11));
    CHECK_EQ(logbuf_copy(b, 2, buf, sizeof(buf), &pos, double_ns), 0);
    CHECK_EQ(pos.next, 2);

    /* Only whole records: room for one. */
    CHECK_EQ(logbuf_copy(b, 0, buf, CAIRN_LOG_RECORD_SIZE(5) + 8, &pos, double_ns),
             CAIRN_LOG_RECORD_SIZE(5));
    CHECK_EQ(pos.next, 1);
    CHECK_EQ(logbuf_copy(b, 0, buf, 0, &pos, double_ns), 0);
    CHECK_EQ(pos.next, 0);

    /* A long line is cut and flagged. */
    char big[400];
    memset(big, 'x', sizeof(big));
    logbuf_put(b, 12, CAIRN_LOG_WARN, big, sizeof(big));
    used = logbuf_copy(b, 2, buf, sizeof(buf), &pos, double_ns);
    CHECK_EQ(used, CAIRN_LOG_RECORD_MAX);
    CHECK_EQ(at(buf, 0)->length, CAIRN_LOG_TEXT_MAX);
    CHECK_EQ(at(buf, 0)->flags, CAIRN_LOG_CUT);

    /* Overwritten lines are lost: 3 + LOGBUF_LINES + 5 lines in all. */
    for (unsigned i = 0; i < LOGBUF_LINES + 5; i++)
        put(b, i, "n");
    used = logbuf_copy(b, 0, buf, sizeof(buf), &pos, double_ns);
    CHECK_EQ(pos.lost, 8);
    CHECK_EQ(at(buf, 0)->seq, 8);
    CHECK_EQ(used, (size_t)(pos.next - 8) * CAIRN_LOG_RECORD_SIZE(1));
    used = logbuf_copy(b, 9, buf, sizeof(buf), &pos, double_ns);
    CHECK_EQ(pos.lost, 0);
    CHECK_EQ(at(buf, 0)->seq, 9);
    free(b);
    return CHECK_DONE("logbuf");
}
