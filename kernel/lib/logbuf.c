/*
 * logbuf.c - the ring of recent log lines (see logbuf.h).
 */
#include <lib/logbuf.h>
#include <lib/string.h>

_Static_assert((LOGBUF_LINES & (LOGBUF_LINES - 1)) == 0, "the ring's size is a power of two");

void logbuf_put(struct logbuf *b, uint64_t stamp, unsigned level, const char *text, size_t len)
{
    struct logbuf_line *l = &b->lines[b->next++ % LOGBUF_LINES];
    l->stamp = stamp;
    l->level = (uint8_t)level;
    l->flags = len > CAIRN_LOG_TEXT_MAX ? CAIRN_LOG_CUT : 0;
    l->length = (uint16_t)(len > CAIRN_LOG_TEXT_MAX ? CAIRN_LOG_TEXT_MAX : len);
    memcpy(l->text, text, l->length);
}

/* Lays out line seq as a record at out; returns its size. */
static size_t record_put(const struct logbuf_line *l, uint64_t seq, char *out,
                         uint64_t (*to_ns)(uint64_t stamp))
{
    struct cairn_log_record r = {
        .seq = seq,
        .time_ns = to_ns(l->stamp),
        .length = l->length,
        .level = l->level,
        .flags = l->flags,
    };
    size_t size = CAIRN_LOG_RECORD_SIZE(l->length);
    memset(out, 0, size);
    memcpy(out, &r, sizeof(r));
    memcpy(out + sizeof(r), l->text, l->length);
    return size;
}

size_t logbuf_copy(const struct logbuf *b, uint64_t seq, void *out, size_t len,
                   struct cairn_log_position *pos, uint64_t (*to_ns)(uint64_t stamp))
{
    size_t used = 0;
    uint64_t oldest = b->next > LOGBUF_LINES ? b->next - LOGBUF_LINES : 0;
    pos->lost = seq < oldest ? oldest - seq : 0;
    if (seq < oldest)
        seq = oldest;
    for (; seq < b->next; seq++) {
        const struct logbuf_line *l = &b->lines[seq % LOGBUF_LINES];
        if (len - used < CAIRN_LOG_RECORD_SIZE(l->length))
            break;
        used += record_put(l, seq, (char *)out + used, to_ns);
    }
    pos->next = seq;
    return used;
}
