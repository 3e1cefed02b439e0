/*
 * test_string.c - host tests for kernel/lib/string.c.
 *
 * Built with -include tests/host/string_rename.h, so every call below goes to
 * the kernel's k_* functions, never to the host libc.
 */
#include <lib/string.h>

#include "check.h"

#define GUARD 0xa5

static void test_memcpy(void)
{
    unsigned char src[32], dst[34];

    for (int i = 0; i < 32; i++)
        src[i] = (unsigned char)(i * 7 + 1);
    for (size_t n = 0; n <= 32; n++) {
        for (int i = 0; i < 34; i++)
            dst[i] = GUARD;
        CHECK(memcpy(dst + 1, src, n) == dst + 1);
        int ok = dst[0] == GUARD && dst[n + 1] == GUARD;
        for (size_t i = 0; i < n; i++)
            ok = ok && dst[i + 1] == src[i];
        CHECK(ok);
    }
}

static void test_memmove(void)
{
    char buf[16];

    /* dst above src: must copy from the end down. */
    for (int i = 0; i < 16; i++)
        buf[i] = (char)('a' + i);
    CHECK(memmove(buf + 2, buf, 10) == buf + 2);
    CHECK(memcmp(buf, "ababcdefghijmnop", 16) == 0);

    /* dst below src: must copy from the start up. */
    for (int i = 0; i < 16; i++)
        buf[i] = (char)('a' + i);
    CHECK(memmove(buf, buf + 3, 10) == buf);
    CHECK(memcmp(buf, "defghijklmklmnop", 16) == 0);

    /* Same pointer and zero length are no-ops. */
    CHECK(memmove(buf, buf, 16) == buf);
    CHECK(memcmp(buf, "defghijklmklmnop", 16) == 0);
    CHECK(memmove(buf + 1, buf, 0) == buf + 1);
    CHECK(memcmp(buf, "defghijklmklmnop", 16) == 0);

    /* Overlap by a single byte in each direction. */
    memcpy(buf, "0123456789", 10);
    memmove(buf + 1, buf, 9);
    CHECK(memcmp(buf, "0012345678", 10) == 0);
    memcpy(buf, "0123456789", 10);
    memmove(buf, buf + 1, 9);
    CHECK(memcmp(buf, "1234567899", 10) == 0);
}

static void test_memset(void)
{
    unsigned char buf[10];

    for (int i = 0; i < 10; i++)
        buf[i] = GUARD;
    CHECK(memset(buf + 1, 0x141, 8) == buf + 1);
    CHECK_EQ(buf[0], GUARD);
    CHECK_EQ(buf[1], 0x41);
    CHECK_EQ(buf[8], 0x41);
    CHECK_EQ(buf[9], GUARD);
    memset(buf, -1, 10);
    CHECK_EQ(buf[5], 0xff);
    memset(buf, 0, 0);
    CHECK_EQ(buf[0], 0xff);
}

static void test_memcmp(void)
{
    CHECK_EQ(memcmp("abc", "abc", 3), 0);
    CHECK_EQ(memcmp("abc", "abd", 0), 0);
    CHECK(memcmp("abc", "abd", 3) < 0);
    CHECK(memcmp("abd", "abc", 3) > 0);
    /* Bytes compare as unsigned: 0x80 is above 0x7f. */
    CHECK(memcmp("\x80", "\x7f", 1) > 0);
    CHECK(memcmp("\x01", "\xff", 1) < 0);
    /* The difference is found past an embedded NUL. */
    CHECK(memcmp("a\0b", "a\0c", 3) < 0);
}

static void test_strlen(void)
{
    CHECK_EQ(strlen(""), 0);
    CHECK_EQ(strlen("a"), 1);
    CHECK_EQ(strlen("hello, world"), 12);
    CHECK_EQ(strlen("ab\0cd"), 2);

    CHECK_EQ(strnlen("hello", 0), 0);
    CHECK_EQ(strnlen("hello", 3), 3);
    CHECK_EQ(strnlen("hello", 5), 5);
    CHECK_EQ(strnlen("hello", 100), 5);
    /* strnlen must not read past max: this buffer has no NUL at all. */
    char raw[4] = {'w', 'x', 'y', 'z'};
    CHECK_EQ(strnlen(raw, sizeof(raw)), 4);
}

static void test_strcmp(void)
{
    CHECK_EQ(strcmp("", ""), 0);
    CHECK_EQ(strcmp("abc", "abc"), 0);
    CHECK(strcmp("abc", "abd") < 0);
    CHECK(strcmp("abd", "abc") > 0);
    CHECK(strcmp("ab", "abc") < 0);
    CHECK(strcmp("abc", "ab") > 0);
    CHECK(strcmp("\xff", "a") > 0);

    CHECK_EQ(strncmp("abcx", "abcy", 3), 0);
    CHECK(strncmp("abcx", "abcy", 4) < 0);
    CHECK_EQ(strncmp("abc", "xyz", 0), 0);
    CHECK(strncmp("ab", "abc", 5) < 0);
    /* Equal strings stop at the NUL: bytes after it are never compared. */
    CHECK_EQ(strncmp("ab\0x", "ab\0y", 4), 0);
    CHECK(strncmp("\x80", "\x01", 1) > 0);
}

static void test_strchr(void)
{
    const char *s = "hello";

    CHECK(strchr(s, 'h') == s);
    CHECK(strchr(s, 'l') == s + 2);
    CHECK(strchr(s, 'o') == s + 4);
    CHECK(strchr(s, 'z') == NULL);
    CHECK(strchr(s, '\0') == s + 5);
    /* c is converted to char: 0x100 + 'e' finds 'e'. */
    CHECK(strchr(s, 0x100 + 'e') == s + 1);
    CHECK(strchr("\xe9t\xe9", 0xe9) != NULL);
}

static void test_strlcpy(void)
{
    char buf[8];

    memset(buf, 'X', sizeof(buf));
    CHECK_EQ(strlcpy(buf, "abc", sizeof(buf)), 3);
    CHECK_STR(buf, "abc");
    CHECK_EQ(buf[4], 'X');

    memset(buf, 'X', sizeof(buf));
    CHECK_EQ(strlcpy(buf, "abcdefghij", sizeof(buf)), 10);
    CHECK_STR(buf, "abcdefg");

    memset(buf, 'X', sizeof(buf));
    CHECK_EQ(strlcpy(buf, "abcdefg", sizeof(buf)), 7);
    CHECK_STR(buf, "abcdefg");

    memset(buf, 'X', sizeof(buf));
    CHECK_EQ(strlcpy(buf, "abc", 1), 3);
    CHECK_EQ(buf[0], '\0');
    CHECK_EQ(buf[1], 'X');

    memset(buf, 'X', sizeof(buf));
    CHECK_EQ(strlcpy(buf, "abc", 0), 3);
    CHECK_EQ(buf[0], 'X');

    CHECK_EQ(strlcpy(buf, "", sizeof(buf)), 0);
    CHECK_STR(buf, "");
}

int main(void)
{
    test_memcpy();
    test_memmove();
    test_memset();
    test_memcmp();
    test_strlen();
    test_strcmp();
    test_strchr();
    test_strlcpy();
    return CHECK_DONE("string");
}
