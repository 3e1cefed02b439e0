/*
 * test_cpio.c - host tests for kernel/lib/cpio.c.
 *
 * Archives are written in memory by a small newc writer, laid out as GNU
 * cpio -H newc lays them out, then read back whole, cut at every length and
 * corrupted one field at a time.
 */
#include <lib/cpio.h>

#include <stdlib.h>

#include "check.h"

#define ARCHIVE_MAX    4096
#define FIELD_OFF(i)   (6 + 8 * (i)) /* offset of header field i */
#define FIELD_NAMESIZE 11

struct archive {
    char buf[ARCHIVE_MAX];
    size_t len;
};

static void pad4(struct archive *a, size_t start)
{
    while ((a->len - start) % 4 != 0)
        a->buf[a->len++] = '\0';
}

/* Appends an entry whose header claims namesize, whatever name really is. */
static size_t add_raw(struct archive *a, const char *name, size_t namesize, const void *data,
                      size_t size, uint32_t mode)
{
    size_t start = a->len;

    a->len +=
        (size_t)snprintf(a->buf + a->len, sizeof(a->buf) - a->len,
                         "070701%08x%08x%08x%08x%08x%08x%08zx%08x%08x%08x%08x%08zx%08x", 0x1234u,
                         mode, 0u, 0u, 1u, 0x65000000u, size, 0u, 0u, 0u, 0u, namesize, 0u);
    memcpy(a->buf + a->len, name, strlen(name) + 1);
    a->len += strlen(name) + 1;
    pad4(a, start);
    memcpy(a->buf + a->len, data, size);
    a->len += size;
    pad4(a, start);
    return start;
}

static size_t add_file(struct archive *a, const char *name, const char *data, uint32_t mode)
{
    return add_raw(a, name, strlen(name) + 1, data, strlen(data), mode);
}

/* Appends the trailer and pads to 512 bytes, as cpio(1) does. */
static size_t add_trailer(struct archive *a)
{
    size_t start = add_file(a, "TRAILER!!!", "", 0);

    while (a->len % 512 != 0)
        a->buf[a->len++] = '\0';
    return start;
}

struct expected {
    const char *name;
    const char *data;
    uint32_t mode;
};

/* Names and data of every length modulo 4, so every padding case occurs. */
static const struct expected SAMPLE[] = {
    {".", "", 040755},          {"./init", "hello", 0100755}, {"bin/sh", "#!sh", 0100755},
    {"/etc/motd", "", 0100644}, {"a", "x", 0100644},          {"ab", "xy", 0100644},
    {"abc", "xyz", 0100644},    {"abcd", "wxyz", 0100644},    {"dev", "", 020666},
};
#define NSAMPLE (sizeof(SAMPLE) / sizeof(SAMPLE[0]))

static size_t trailer_at;

static void build_sample(struct archive *a)
{
    a->len = 0;
    for (size_t i = 0; i < NSAMPLE; i++)
        add_file(a, SAMPLE[i].name, SAMPLE[i].data, SAMPLE[i].mode);
    trailer_at = add_trailer(a);
}

static void test_iterate(void)
{
    static struct archive a;
    struct cpio_entry e;
    size_t offset = 0;

    build_sample(&a);
    for (size_t i = 0; i < NSAMPLE; i++) {
        CHECK_EQ(cpio_next(a.buf, a.len, &offset, &e), CPIO_OK);
        CHECK_STR(e.name, SAMPLE[i].name);
        CHECK_EQ(e.name_len, strlen(SAMPLE[i].name));
        CHECK_EQ(e.size, strlen(SAMPLE[i].data));
        CHECK(memcmp(e.data, SAMPLE[i].data, e.size) == 0);
        CHECK_EQ(e.mode, SAMPLE[i].mode);
        CHECK_EQ(offset % 4, 0);
    }
    CHECK_EQ(offset, trailer_at);
    CHECK_EQ(cpio_next(a.buf, a.len, &offset, &e), CPIO_END);
    CHECK_EQ(offset, trailer_at);
    CHECK_EQ(cpio_next(a.buf, a.len, &offset, &e), CPIO_END);

    /* Uppercase hex digits are as good as lowercase. */
    a.len = 0;
    add_file(&a, "f", "0123456789", 0100644);
    add_trailer(&a);
    memcpy(a.buf + FIELD_OFF(6), "0000000A", 8);
    offset = 0;
    CHECK_EQ(cpio_next(a.buf, a.len, &offset, &e), CPIO_OK);
    CHECK_EQ(e.size, 10);
}

static void test_find(void)
{
    static struct archive a;
    struct cpio_entry e;

    build_sample(&a);
    CHECK_EQ(cpio_find(a.buf, a.len, "init", &e), CPIO_OK);
    CHECK_STR(e.name, "./init");
    CHECK_EQ(e.size, 5);
    CHECK(memcmp(e.data, "hello", 5) == 0);
    CHECK_EQ(cpio_find(a.buf, a.len, "etc/motd", &e), CPIO_OK);
    CHECK_STR(e.name, "/etc/motd");
    CHECK_EQ(e.size, 0);
    CHECK_EQ(cpio_find(a.buf, a.len, "bin/sh", &e), CPIO_OK);
    CHECK(memcmp(e.data, "#!sh", 4) == 0);
    CHECK_EQ(cpio_find(a.buf, a.len, "abc", &e), CPIO_OK);
    CHECK_EQ(e.size, 3);
    CHECK_EQ(cpio_find(a.buf, a.len, ".", &e), CPIO_OK);
    CHECK_EQ(e.mode, 040755);

    /* Exact match only; the query itself is not stripped. */
    static const char *const MISSING[] = {"./init", "/etc/motd", "ini", "initx",
                                          "bin",    "",          "ABC", "TRAILER!!!"};
    for (size_t i = 0; i < sizeof(MISSING) / sizeof(MISSING[0]); i++)
        CHECK_EQ(cpio_find(a.buf, a.len, MISSING[i], &e), CPIO_ERR_NOT_FOUND);

    /* Only one prefix is ignored. */
    a.len = 0;
    add_file(&a, ".//x", "1", 0100644);
    add_file(&a, "//y", "2", 0100644);
    add_file(&a, "/./z", "3", 0100644);
    add_trailer(&a);
    CHECK_EQ(cpio_find(a.buf, a.len, "/x", &e), CPIO_OK);
    CHECK_EQ(cpio_find(a.buf, a.len, "x", &e), CPIO_ERR_NOT_FOUND);
    CHECK_EQ(cpio_find(a.buf, a.len, "/y", &e), CPIO_OK);
    CHECK_EQ(cpio_find(a.buf, a.len, "./z", &e), CPIO_OK);

    /* An empty archive (just the trailer) holds nothing. */
    a.len = 0;
    add_trailer(&a);
    CHECK_EQ(cpio_find(a.buf, a.len, "init", &e), CPIO_ERR_NOT_FOUND);
}

/* Walks a copy of exactly len bytes (so ASan sees overreads); returns the stopping result. */
static enum cpio_error walk_copy(const char *src, size_t len)
{
    char *copy = malloc(len ? len : 1);
    size_t offset = 0;
    struct cpio_entry e;
    enum cpio_error err;

    memcpy(copy, src, len);
    while ((err = cpio_next(copy, len, &offset, &e)) == CPIO_OK)
        CHECK(offset <= len && (const char *)e.data + e.size <= copy + len);
    free(copy);
    return err;
}

static void test_truncation(void)
{
    static struct archive a;
    struct cpio_entry e;

    build_sample(&a);
    size_t trailer_name_end = trailer_at + 110 + sizeof("TRAILER!!!");
    int bad = 0;
    for (size_t len = 0; len <= a.len; len++) {
        enum cpio_error want = len >= trailer_name_end ? CPIO_END : CPIO_ERR_TRUNCATED;
        enum cpio_error got = walk_copy(a.buf, len);
        if (got != want) {
            fprintf(stderr, "cut at %zu: want %d, got %d\n", len, want, got);
            bad++;
        }
    }
    CHECK_EQ(bad, 0);

    /* An archive without a trailer ends in truncation, not success. */
    CHECK_EQ(walk_copy(a.buf, trailer_at), CPIO_ERR_TRUNCATED);
    CHECK_EQ(cpio_find(a.buf, trailer_at, "nothing", &e), CPIO_ERR_TRUNCATED);
    CHECK_EQ(cpio_find(a.buf, trailer_at, "dev", &e), CPIO_OK);

    /* An offset past the end is truncation too, and is left as it was. */
    size_t offset = a.len + 1;
    CHECK_EQ(cpio_next(a.buf, a.len, &offset, &e), CPIO_ERR_TRUNCATED);
    CHECK_EQ(offset, a.len + 1);
    offset = SIZE_MAX;
    CHECK_EQ(cpio_next(a.buf, a.len, &offset, &e), CPIO_ERR_TRUNCATED);
    CHECK_EQ(cpio_next(NULL, 0, &offset, &e), CPIO_ERR_TRUNCATED);
}

static void test_bad_magic_and_hex(void)
{
    static struct archive a;
    struct cpio_entry e;
    size_t offset;
    static const char *const MAGICS[] = {"070702", "070707", "070700", "170701", "07070 "};

    for (size_t i = 0; i < sizeof(MAGICS) / sizeof(MAGICS[0]); i++) {
        build_sample(&a);
        memcpy(a.buf, MAGICS[i], 6);
        offset = 0;
        CHECK_EQ(cpio_next(a.buf, a.len, &offset, &e), CPIO_ERR_MAGIC);
        CHECK_EQ(offset, 0);
    }
    /* A non-hex character in any position of any field. */
    static const char BAD_DIGITS[] = {'g', 'G', ' ', 'x', '\0', '/', ':', '@', '`'};
    for (int field = 0; field < 13; field++) {
        for (size_t d = 0; d < sizeof(BAD_DIGITS); d++) {
            build_sample(&a);
            a.buf[FIELD_OFF(field) + (field + (int)d) % 8] = BAD_DIGITS[d];
            offset = 0;
            CHECK_EQ(cpio_next(a.buf, a.len, &offset, &e), CPIO_ERR_HEX);
        }
    }
    /* A corrupt later entry stops a search that has not found its name yet. */
    build_sample(&a);
    size_t second = 0;
    CHECK_EQ(cpio_next(a.buf, a.len, &second, &e), CPIO_OK);
    a.buf[second] = 'X';
    CHECK_EQ(cpio_find(a.buf, a.len, "bin/sh", &e), CPIO_ERR_MAGIC);
    CHECK_EQ(cpio_find(a.buf, a.len, ".", &e), CPIO_OK);
}

static void test_bad_names(void)
{
    static struct archive a;
    struct cpio_entry e;
    size_t offset;

    /* namesize 0. */
    a.len = 0;
    add_raw(&a, "", 0, "", 0, 0100644);
    add_trailer(&a);
    offset = 0;
    CHECK_EQ(cpio_next(a.buf, a.len, &offset, &e), CPIO_ERR_NAME);

    /* namesize stops short of the NUL: the name is not terminated where it says. */
    a.len = 0;
    add_raw(&a, "abcdef", 4, "", 0, 0100644);
    add_trailer(&a);
    offset = 0;
    CHECK_EQ(cpio_next(a.buf, a.len, &offset, &e), CPIO_ERR_NAME);

    /* namesize runs past the NUL: an embedded NUL. */
    a.len = 0;
    add_raw(&a, "ab", 4, "", 0, 0100644);
    add_trailer(&a);
    offset = 0;
    CHECK_EQ(cpio_next(a.buf, a.len, &offset, &e), CPIO_ERR_NAME);

    /* A trailer name with a bad size is still a bad name, not the end. */
    a.len = 0;
    add_raw(&a, "TRAILER!!!", 10, "", 0, 0);
    offset = 0;
    CHECK_EQ(cpio_next(a.buf, a.len, &offset, &e), CPIO_ERR_NAME);

    /* namesize or filesize far beyond the archive. */
    build_sample(&a);
    memcpy(a.buf + FIELD_OFF(FIELD_NAMESIZE), "ffffffff", 8);
    offset = 0;
    CHECK_EQ(cpio_next(a.buf, a.len, &offset, &e), CPIO_ERR_TRUNCATED);
    build_sample(&a);
    memcpy(a.buf + FIELD_OFF(6), "ffffffff", 8);
    offset = 0;
    CHECK_EQ(cpio_next(a.buf, a.len, &offset, &e), CPIO_ERR_TRUNCATED);
}

static void test_strerror(void)
{
    CHECK_STR(cpio_strerror(CPIO_OK), "no error");
    CHECK_STR(cpio_strerror(CPIO_ERR_NOT_FOUND), "no such file in archive");
    for (int e = CPIO_END; e <= CPIO_ERR_NOT_FOUND; e++) {
        const char *s = cpio_strerror((enum cpio_error)e);
        CHECK(s != NULL && strcmp(s, "unknown cpio error") != 0);
        CHECK(strcmp(s, cpio_strerror((enum cpio_error)(e - 1))) != 0);
    }
    CHECK_STR(cpio_strerror((enum cpio_error)77), "unknown cpio error");
}

int main(void)
{
    test_iterate();
    test_find();
    test_truncation();
    test_bad_magic_and_hex();
    test_bad_names();
    test_strerror();
    return CHECK_DONE("cpio");
}
