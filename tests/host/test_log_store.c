/*
 * test_log_store.c - host tests for user/log/store.c: lines come back in
 * order with their numbers, cut to the bound, and lines overwritten
 * before they were read are counted as lost.
 */
#include "store.h"

#include <cairn/error.h>
#include <stdlib.h>

#include "check.h"

int main(void)
{
    struct store *s = calloc(1, sizeof(*s));
    const struct store_line *l = NULL;
    uint64_t lost = 99;
    CHECK_EQ(store_read(s, 0, &l, &lost), -CAIRN_E_WOULD_BLOCK);
    CHECK_EQ(store_read(s, 1, &l, &lost), -CAIRN_E_INVALID_ARGUMENT);
    CHECK_EQ(store_append(s, 5, 7, 1, "hello", 5)->seq, 0);
    CHECK_EQ(store_append(s, 6, 0, 2, "kernel line\0junk", 16)->seq, 1);
    CHECK_EQ(store_read(s, 0, &l, &lost), 0);
    CHECK_EQ(lost, 0);
    CHECK_EQ(l->seq, 0);
    CHECK_EQ(l->time_ns, 5);
    CHECK_EQ(l->source, 7);
    CHECK_EQ(l->level, 1);
    CHECK_STR(l->text, "hello");
    CHECK_EQ(store_read(s, 1, &l, &lost), 0);
    CHECK_STR(l->text, "kernel line");
    CHECK_EQ(store_read(s, 2, &l, &lost), -CAIRN_E_WOULD_BLOCK);
    char big[STORE_TEXT_MAX + 50];
    memset(big, 'x', sizeof(big));
    store_append(s, 0, 1, 1, big, sizeof(big));
    CHECK_EQ(store_read(s, 2, &l, &lost), 0);
    CHECK_EQ(strlen(l->text), STORE_TEXT_MAX);
    for (unsigned i = 0; i < STORE_LINES; i++)
        store_append(s, i, 1, 1, "n", 1);
    /* Control characters cannot make a mirrored line two, or colour it. */
    CHECK_STR(store_append(s, 0, 1, 1, "a\nb\rc\x1b[31md\x7f", 12)->text, "a?b?c?[31md?");
    /* 4 + STORE_LINES lines: 0..3 are gone. */
    CHECK_EQ(store_read(s, 0, &l, &lost), 0);
    CHECK_EQ(lost, 4);
    CHECK_EQ(l->seq, 4);
    CHECK_EQ(store_read(s, 4, &l, &lost), 0);
    CHECK_EQ(lost, 0);
    CHECK_EQ(store_read(s, 4 + STORE_LINES, &l, &lost), -CAIRN_E_WOULD_BLOCK);
    CHECK_EQ(store_read(s, UINT64_MAX, &l, &lost), -CAIRN_E_INVALID_ARGUMENT);
    free(s);
    return CHECK_DONE("log_store");
}
