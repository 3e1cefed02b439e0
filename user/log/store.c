/*
 * store.c - the log service's ring of lines (see store.h).
 */
#include "store.h"
#include <cairn/error.h>
#include <string.h>

const struct store_line *store_append(struct store *s, uint64_t time_ns, uint32_t source,
                                      uint32_t level, const char *text, size_t len)
{
    struct store_line *l = &s->lines[s->next % STORE_LINES];
    size_t n = strnlen(text, len < STORE_TEXT_MAX ? len : STORE_TEXT_MAX);
    l->seq = s->next++;
    l->time_ns = time_ns;
    l->source = source;
    l->level = level;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        l->text[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
    }
    l->text[n] = '\0';
    return l;
}

long store_read(const struct store *s, uint64_t seq, const struct store_line **out, uint64_t *lost)
{
    uint64_t oldest = s->next > STORE_LINES ? s->next - STORE_LINES : 0;
    *lost = 0;
    if (seq > s->next)
        return -CAIRN_E_INVALID_ARGUMENT;
    if (seq == s->next)
        return -CAIRN_E_WOULD_BLOCK;
    if (seq < oldest) {
        *lost = oldest - seq;
        seq = oldest;
    }
    *out = &s->lines[seq % STORE_LINES];
    return 0;
}
