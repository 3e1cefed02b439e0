/*
 * test_libc.c - host tests for lib/c's string, number and sorting
 * functions (string.c, strdup.c, strtol.c, qsort.c, abs.c).
 *
 * Built with -include string_rename.h -include libc_rename.h, so every
 * call below goes to lib/c's c_* (and kernel/lib's k_*) functions, never
 * to the host libc; the host's errno is the one strtol sets.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"

static void test_search(void)
{
    const char s[] = "hello, world";
    CHECK(memchr(s, 'o', sizeof(s)) == s + 4);
    CHECK(memchr(s, 'o', 4) == NULL);
    CHECK(memchr(s, '\0', sizeof(s)) == s + 12);
    CHECK(memchr(s, 'h' + 256, 3) == s); /* c is converted to unsigned char */
    CHECK(strrchr(s, 'o') == s + 8);
    CHECK(strrchr(s, 'z') == NULL);
    CHECK(strrchr(s, '\0') == s + 12);
    CHECK_EQ(strspn(s, "hel"), 4);
    CHECK_EQ(strspn(s, ""), 0);
    CHECK_EQ(strcspn(s, ", "), 5);
    CHECK_EQ(strcspn(s, "xyz"), 12);
    CHECK(strpbrk(s, "wr") == s + 7);
    CHECK(strpbrk(s, "xyz") == NULL);
    CHECK(strstr(s, "world") == s + 7);
    CHECK(strstr(s, "worlds") == NULL);
    CHECK(strstr(s, "") == s);
    CHECK(strstr(s, "d") == s + 11);
    CHECK(strstr("aaab", "aab") != NULL);
    CHECK(strstr("", "a") == NULL);
}

static void test_copy_and_append(void)
{
    char buf[16];
    memset(buf, 'x', sizeof(buf));
    CHECK(strcpy(buf, "abc") == buf);
    CHECK_STR(buf, "abc");
    CHECK(strcat(buf, "def") == buf);
    CHECK_STR(buf, "abcdef");
    CHECK(strncat(buf, "ghijk", 2) == buf);
    CHECK_STR(buf, "abcdefgh");

    /* strncpy pads with NULs, and leaves dst unterminated when src fills it. */
    memset(buf, 'x', sizeof(buf));
    strncpy(buf, "ab", 6);
    CHECK(memcmp(buf, "ab\0\0\0\0x", 7) == 0);
    strncpy(buf, "abcdefgh", 4);
    CHECK(memcmp(buf, "abcd\0\0x", 7) == 0);

    /* strlcat: the length it tried to make; truncates and terminates. */
    char small[8] = "abc";
    CHECK_EQ(strlcat(small, "de", sizeof(small)), 5);
    CHECK_STR(small, "abcde");
    CHECK_EQ(strlcat(small, "fghij", sizeof(small)), 10);
    CHECK_STR(small, "abcdefg");
    CHECK_EQ(strlcat(small, "x", 4), 4 + 1); /* dst already longer than size */
    CHECK_STR(small, "abcdefg");
}

static void test_tokens(void)
{
    char s[] = ",,a,bc;;d,";
    char *save;
    CHECK_STR(strtok_r(s, ",;", &save), "a");
    CHECK_STR(strtok_r(NULL, ",;", &save), "bc");
    CHECK_STR(strtok_r(NULL, ",;", &save), "d");
    CHECK(strtok_r(NULL, ",;", &save) == NULL);
    CHECK(strtok_r(NULL, ",;", &save) == NULL);
    char empty[] = ";;;";
    CHECK(strtok_r(empty, ";", &save) == NULL);
    char one[] = "word";
    CHECK_STR(strtok_r(one, " ", &save), "word");
    CHECK(strtok_r(NULL, " ", &save) == NULL);
}

static void test_case(void)
{
    CHECK_EQ(strcasecmp("Hello", "hELLO"), 0);
    CHECK(strcasecmp("abc", "ABD") < 0);
    CHECK(strcasecmp("b", "A") > 0);
    CHECK(strcasecmp("ab", "abc") < 0);
    CHECK_EQ(strncasecmp("HelloX", "helloY", 5), 0);
    CHECK(strncasecmp("HelloX", "helloY", 6) < 0);
    CHECK_EQ(strncasecmp("a", "b", 0), 0);
}

static void test_dup(void)
{
    char *d = strdup("cairn");
    CHECK_STR(d, "cairn");
    free(d);
    d = strndup("cairn", 3);
    CHECK_STR(d, "cai");
    free(d);
    d = strndup("ab", 10);
    CHECK_STR(d, "ab");
    free(d);
}

static void test_strtol(void)
{
    char *end;
    errno = 0;
    CHECK_EQ(strtol("  -42xyz", &end, 10), -42);
    CHECK_STR(end, "xyz");
    CHECK_EQ(strtol("+17", NULL, 10), 17);
    CHECK_EQ(strtol("0x1F", &end, 0), 31);
    CHECK_STR(end, "");
    CHECK_EQ(strtol("0X1f", NULL, 16), 31);
    CHECK_EQ(strtol("1f", NULL, 16), 31);
    CHECK_EQ(strtol("017", NULL, 0), 15);
    CHECK_EQ(strtol("0", &end, 0), 0);
    CHECK_STR(end, "");
    CHECK_EQ(strtol("0xg", &end, 0), 0); /* "0", then "xg" is not a number */
    CHECK_STR(end, "xg");
    CHECK_EQ(strtol("z", NULL, 36), 35);
    CHECK_EQ(strtol("101", NULL, 2), 5);
    CHECK_EQ(errno, 0);

    /* No digits: 0 and end at the start, even after space and sign. */
    const char *none = "  -x";
    CHECK_EQ(strtol(none, &end, 10), 0);
    CHECK(end == none);
    CHECK_EQ(strtol("", &end, 10), 0);

    /* The limits, and one past them. */
    CHECK_EQ(strtol("9223372036854775807", NULL, 10), LONG_MAX);
    CHECK_EQ(strtol("-9223372036854775808", NULL, 10), LONG_MIN);
    CHECK_EQ(errno, 0);
    CHECK_EQ(strtol("9223372036854775808", &end, 10), LONG_MAX);
    CHECK_EQ(errno, ERANGE);
    CHECK_STR(end, "");
    errno = 0;
    CHECK_EQ(strtol("-9223372036854775809", NULL, 10), LONG_MIN);
    CHECK_EQ(errno, ERANGE);
    errno = 0;
    CHECK_EQ(strtoll("99999999999999999999999", NULL, 10), LLONG_MAX);
    CHECK_EQ(errno, ERANGE);
    errno = 0;
    CHECK(strtoull("18446744073709551615", NULL, 10) == ULLONG_MAX);
    CHECK_EQ(errno, 0);
    CHECK(strtoull("18446744073709551616", NULL, 10) == ULLONG_MAX);
    CHECK_EQ(errno, ERANGE);
    errno = 0;
    CHECK(strtoul("-1", NULL, 10) == ULONG_MAX); /* ISO C: the negation */
    CHECK(strtoull("0xffffffffffffffff", NULL, 16) == ULLONG_MAX);
    CHECK_EQ(errno, 0);

    /* A bad base. */
    CHECK_EQ(strtol("10", &end, 1), 0);
    CHECK_EQ(errno, EINVAL);
    errno = 0;
    CHECK_EQ(strtol("10", NULL, 37), 0);
    CHECK_EQ(errno, EINVAL);
    errno = 0;

    CHECK_EQ(atoi(" 123abc"), 123);
    CHECK_EQ(atoi("-7"), -7);
    CHECK_EQ(atol("x"), 0);
    CHECK_EQ(atoll("-9000000000"), -9000000000ll);
    CHECK_EQ(abs(-5), 5);
    CHECK_EQ(labs(-5000000000l), 5000000000l);
    CHECK_EQ(llabs(7), 7);
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

struct wide {
    unsigned key;
    char pad[13];
};

static int cmp_wide(const void *a, const void *b)
{
    unsigned x = ((const struct wide *)a)->key, y = ((const struct wide *)b)->key;
    return (x > y) - (x < y);
}

static int cmp_byte(const void *a, const void *b)
{
    return *(const unsigned char *)a - *(const unsigned char *)b;
}

static void test_qsort(void)
{
    static int v[1000];
    uint64_t x = 88172645463325252ull;
    for (size_t n = 0; n <= 1000; n = n * 3 + 1) {
        long sum = 0, sorted_sum = 0;
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            v[i] = (int)(x % 100) - 50; /* many duplicates */
            sum += v[i];
        }
        qsort(v, n, sizeof(v[0]), cmp_int);
        int ok = 1;
        for (size_t i = 0; i < n; i++) {
            ok &= i == 0 || v[i - 1] <= v[i];
            sorted_sum += v[i];
        }
        CHECK(ok);
        CHECK_EQ(sorted_sum, sum);
    }
    /* Already sorted, reversed, and elements of odd sizes. */
    for (int i = 0; i < 100; i++)
        v[i] = 100 - i;
    qsort(v, 100, sizeof(int), cmp_int);
    CHECK(v[0] == 1 && v[99] == 100);
    qsort(v, 100, sizeof(int), cmp_int);
    CHECK(v[0] == 1 && v[50] == 51 && v[99] == 100);
    struct wide w[50];
    for (unsigned i = 0; i < 50; i++) {
        w[i].key = (i * 37) % 50;
        memset(w[i].pad, (int)w[i].key, sizeof(w[i].pad));
    }
    qsort(w, 50, sizeof(w[0]), cmp_wide);
    int ok = 1;
    for (unsigned i = 0; i < 50; i++)
        ok &= w[i].key == i && w[i].pad[12] == (char)i;
    CHECK(ok);
    unsigned char bytes[] = "qwertyuiop";
    qsort(bytes, 10, 1, cmp_byte);
    CHECK(memcmp(bytes, "eiopqrtuwy", 10) == 0);

    /* bsearch on the sorted array. */
    int keys[] = {1, 3, 5, 7, 9};
    int k = 7;
    CHECK(bsearch(&k, keys, 5, sizeof(int), cmp_int) == &keys[3]);
    k = 1;
    CHECK(bsearch(&k, keys, 5, sizeof(int), cmp_int) == &keys[0]);
    k = 9;
    CHECK(bsearch(&k, keys, 5, sizeof(int), cmp_int) == &keys[4]);
    k = 4;
    CHECK(bsearch(&k, keys, 5, sizeof(int), cmp_int) == NULL);
    CHECK(bsearch(&k, keys, 0, sizeof(int), cmp_int) == NULL);
}

int main(void)
{
    test_search();
    test_copy_and_append();
    test_tokens();
    test_case();
    test_dup();
    test_strtol();
    test_qsort();
    return CHECK_DONE("libc");
}
