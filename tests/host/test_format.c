/*
 * test_format.c - host tests for kernel/lib/format.c.
 *
 * Most cases are checked against the host's vsnprintf, at several buffer
 * sizes so truncation and the return value are compared too. The kernel's
 * own choices (%p, unknown conversions) are checked against fixed strings.
 */
#include <lib/format.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"

#define BUF_SIZE 128
#define SENTINEL '\x7e'

static const size_t SIZES[] = {0, 1, 2, 3, 7, 16, BUF_SIZE};

/* Formats with both implementations at every size in SIZES; reports the first mismatch. */
__attribute__((format(printf, 2, 3))) static void check_same(int line, const char *fmt, ...)
{
    char want[BUF_SIZE], got[BUF_SIZE];

    for (size_t i = 0; i < sizeof(SIZES) / sizeof(SIZES[0]); i++) {
        va_list a, b;
        size_t size = SIZES[i];

        memset(want, SENTINEL, sizeof(want));
        memset(got, SENTINEL, sizeof(got));
        va_start(a, fmt);
        int want_ret = vsnprintf(want, size, fmt, a);
        va_end(a);
        va_start(b, fmt);
        int got_ret = fmt_vsnprintf(got, size, fmt, b);
        va_end(b);
        if (want_ret != got_ret || memcmp(want, got, sizeof(want)) != 0) {
            fprintf(stderr, "line %d: format \"%s\" size %zu: want %d \"%.*s\", got %d \"%.*s\"\n",
                    line, fmt, size, want_ret, (int)size, want, got_ret, (int)size, got);
            CHECK(0);
            return;
        }
    }
    CHECK(1);
}

#define SAME(...) check_same(__LINE__, __VA_ARGS__)

/* Formats with no compile-time format check, for deliberately bad formats. */
static const char *format_unchecked(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fmt_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return buf;
}

static void test_literals(void)
{
    SAME("%s", "");
    SAME("plain text");
    SAME("100%% sure %%");
    SAME("%c%c%c", 'a', 'b', 'c');
    SAME("[%5c][%-5c]", 'x', 'y');
    SAME("%s and %s", "this", "that");
    SAME("[%10s][%-10s]", "right", "left");
    SAME("[%.3s][%.0s][%.10s]", "abcdef", "abc", "abc");
    SAME("[%8.3s][%-8.3s]", "abcdef", "abcdef");
    SAME("[%*s][%-*s][%*s]", 6, "a", 6, "b", -6, "c");
    SAME("[%.*s][%.*s]", 2, "abcdef", -1, "abcdef");
    SAME("a long string that will be cut at many sizes: %s", "0123456789abcdef0123456789");
}

static void test_integer_extremes(void)
{
    SAME("%lld %lli", (long long)INT64_MIN, (long long)INT64_MAX);
    SAME("%llu %llx %llX %llo", (unsigned long long)UINT64_MAX, (unsigned long long)UINT64_MAX,
         (unsigned long long)UINT64_MAX, (unsigned long long)UINT64_MAX);
    SAME("%d %d %u %x", INT32_MIN, INT32_MAX, UINT32_MAX, UINT32_MAX);
    SAME("%ld %lu", (long)INT64_MIN, (unsigned long)UINT64_MAX);
    SAME("%zu %zx %zd", (size_t)SIZE_MAX, (size_t)SIZE_MAX, (ptrdiff_t)-1);
    SAME("%jd %ju %jx", (intmax_t)INT64_MIN, (uintmax_t)UINT64_MAX, (uintmax_t)0xabcdef);
    SAME("%td %tu %tx", (ptrdiff_t)PTRDIFF_MIN, (size_t)PTRDIFF_MAX, (size_t)0x1234);
    SAME("[%030lld][%-30lld][%+30lld]", (long long)INT64_MIN, (long long)INT64_MIN,
         (long long)INT64_MAX);
    SAME("[%#30llo][%#.25llx]", (unsigned long long)UINT64_MAX, (unsigned long long)UINT64_MAX);
}

static void test_star_arguments(void)
{
    SAME("[%*d][%*d][%-*d]", 5, 42, -5, 42, -5, 42);
    SAME("[%.*d][%.*d][%.*d]", 4, 42, 0, 0, -3, 7);
    SAME("[%*.*x][%0*.*x]", 8, 4, 0xab, 8, 4, 0xab);
    SAME("[%0*d]", 6, -42);
}

static const char *const LENGTHS[] = {"hh", "h", "", "l", "ll", "z", "j", "t"};
#define NLENGTHS (sizeof(LENGTHS) / sizeof(LENGTHS[0]))

/* Runs one signed format through every length modifier, passing the type each one reads. */
static void check_signed_lengths(int line, const char *flags_width_prec, char conv)
{
    static const long long VALUES[] = {0,      1,  42,        -42,       127,       -128,     32767,
                                       -32768, -1, INT32_MAX, INT32_MIN, INT64_MAX, INT64_MIN};
    char fmt[32];

    for (size_t l = 0; l < NLENGTHS; l++) {
        snprintf(fmt, sizeof(fmt), "[%%%s%s%c]", flags_width_prec, LENGTHS[l], conv);
        for (size_t i = 0; i < sizeof(VALUES) / sizeof(VALUES[0]); i++) {
            if (l <= 2)
                check_same(line, fmt, (int)VALUES[i]);
            else if (l == 6)
                check_same(line, fmt, (intmax_t)VALUES[i]);
            else
                check_same(line, fmt, (ptrdiff_t)VALUES[i]);
        }
    }
}

/* As check_signed_lengths, for the unsigned conversions. */
static void check_unsigned_lengths(int line, const char *flags_width_prec, char conv)
{
    static const unsigned long long VALUES[] = {
        0, 1, 8, 42, 255, 0x8000, 0xdeadbeef, UINT32_MAX, 0x123456789abcdef0ULL, UINT64_MAX};
    char fmt[32];

    for (size_t l = 0; l < NLENGTHS; l++) {
        snprintf(fmt, sizeof(fmt), "[%%%s%s%c]", flags_width_prec, LENGTHS[l], conv);
        for (size_t i = 0; i < sizeof(VALUES) / sizeof(VALUES[0]); i++) {
            if (l <= 2)
                check_same(line, fmt, (unsigned)VALUES[i]);
            else if (l == 6)
                check_same(line, fmt, (uintmax_t)VALUES[i]);
            else
                check_same(line, fmt, (size_t)VALUES[i]);
        }
    }
}

/* Every combination of flags, width and precision for every integer conversion. */
static void test_integer_table(void)
{
    static const char *const FLAGS[] = {"",   "-",  "0",  "+",  " ",  "#", "-+",
                                        "0+", "0 ", "-#", "0#", "+ ", "-0"};
    static const char *const WIDTHS[] = {"", "1", "5", "25"};
    static const char *const PRECISIONS[] = {"", ".", ".0", ".1", ".5", ".22"};
    static const char CONVS[] = {'d', 'i', 'u', 'x', 'X', 'o'};
    char spec[16];

    for (size_t f = 0; f < sizeof(FLAGS) / sizeof(FLAGS[0]); f++) {
        for (size_t w = 0; w < sizeof(WIDTHS) / sizeof(WIDTHS[0]); w++) {
            for (size_t p = 0; p < sizeof(PRECISIONS) / sizeof(PRECISIONS[0]); p++) {
                for (size_t c = 0; c < sizeof(CONVS); c++) {
                    bool is_signed = CONVS[c] == 'd' || CONVS[c] == 'i';
                    snprintf(spec, sizeof(spec), "%s%s%s", FLAGS[f], WIDTHS[w], PRECISIONS[p]);
                    /* '#' with a signed conversion is undefined in C. */
                    if (is_signed && !strchr(FLAGS[f], '#'))
                        check_signed_lengths(__LINE__, spec, CONVS[c]);
                    else if (!is_signed)
                        check_unsigned_lengths(__LINE__, spec, CONVS[c]);
                }
            }
        }
    }
}

static void test_pointer(void)
{
    char buf[BUF_SIZE];

    fmt_snprintf(buf, sizeof(buf), "%p", (void *)0x1234);
    CHECK_STR(buf, "0x0000000000001234");
    fmt_snprintf(buf, sizeof(buf), "%p", (void *)NULL);
    CHECK_STR(buf, "0x0000000000000000");
    fmt_snprintf(buf, sizeof(buf), "%p", (void *)UINTPTR_MAX);
    CHECK_STR(buf, "0xffffffffffffffff");
    fmt_snprintf(buf, sizeof(buf), "%p", (void *)0xffff8000deadbeefULL);
    CHECK_STR(buf, "0xffff8000deadbeef");
    CHECK_EQ(fmt_snprintf(buf, sizeof(buf), "[%20p]", (void *)0xab), 22);
    CHECK_STR(buf, "[  0x00000000000000ab]");
    fmt_snprintf(buf, sizeof(buf), "[%-20p]", (void *)0xab);
    CHECK_STR(buf, "[0x00000000000000ab  ]");
    CHECK_EQ(fmt_snprintf(buf, 5, "%p", (void *)0xab), 18);
    CHECK_STR(buf, "0x00");
}

static void test_kernel_choices(void)
{
    char buf[BUF_SIZE];

    fmt_snprintf(buf, sizeof(buf), "[%s]", (const char *)NULL);
    CHECK_STR(buf, "[(null)]");
    fmt_snprintf(buf, sizeof(buf), "[%8s][%.3s]", (const char *)NULL, (const char *)NULL);
    CHECK_STR(buf, "[  (null)][(nu]");

    CHECK_STR(format_unchecked(buf, sizeof(buf), "a%yb", 1), "a%yb");
    CHECK_STR(format_unchecked(buf, sizeof(buf), "[%-08.3q]", 1), "[%-08.3q]");
    CHECK_STR(format_unchecked(buf, sizeof(buf), "end%"), "end%");
    CHECK_STR(format_unchecked(buf, sizeof(buf), "end%-5"), "end%-5");
    CHECK_STR(format_unchecked(buf, sizeof(buf), "%lld%", 5LL), "5%");
    /* A star width is consumed even when the conversion turns out unknown. */
    CHECK_STR(format_unchecked(buf, sizeof(buf), "%*y%d", 3, 9), "%*y9");
}

static void test_precision_not_overread(void)
{
    char buf[BUF_SIZE];
    /* No NUL: %.4s must stop at the precision and never read raw[4]. */
    char raw[4] = {'w', 'x', 'y', 'z'};

    fmt_snprintf(buf, sizeof(buf), "[%.4s]", raw);
    CHECK_STR(buf, "[wxyz]");
}

static void test_size_zero(void)
{
    char buf[4] = {'a', 'b', 'c', 'd'};

    CHECK_EQ(fmt_snprintf(NULL, 0, "%d-%s", 12345, "xyz"), 9);
    CHECK_EQ(fmt_snprintf(buf, 0, "%d", 7), 1);
    CHECK_EQ(buf[0], 'a');
    CHECK_EQ(fmt_snprintf(buf, 1, "%d", 7), 1);
    CHECK_EQ(buf[0], '\0');
    CHECK_EQ(buf[1], 'b');
    CHECK_EQ(fmt_snprintf(buf, 4, "%s", ""), 0);
    CHECK_EQ(buf[0], '\0');
    CHECK_EQ(buf[1], 'b');
}

struct collect {
    char buf[BUF_SIZE];
    size_t len;
};

static void collect_emit(char c, void *ctx)
{
    struct collect *col = ctx;

    if (col->len < sizeof(col->buf))
        col->buf[col->len] = c;
    col->len++;
}

static int print_to(struct collect *col, const char *fmt, ...)
{
    va_list ap;
    int ret;

    va_start(ap, fmt);
    ret = fmt_vprint(collect_emit, col, fmt, ap);
    va_end(ap);
    return ret;
}

static void test_vprint_sink(void)
{
    struct collect col = {.len = 0};

    CHECK_EQ(print_to(&col, "%s=%#x%c", "key", 255, '!'), 9);
    CHECK_EQ(col.len, 9);
    CHECK(memcmp(col.buf, "key=0xff!", 9) == 0);
    /* The sink sees every character, including NULs from %c. */
    col.len = 0;
    CHECK_EQ(print_to(&col, "a%cb", '\0'), 3);
    CHECK(col.len == 3 && col.buf[1] == '\0' && col.buf[2] == 'b');
    col.len = 0;
    CHECK_EQ(print_to(&col, ""), 0);
    CHECK_EQ(col.len, 0);
}

int main(void)
{
    test_literals();
    test_integer_extremes();
    test_star_arguments();
    test_integer_table();
    test_pointer();
    test_kernel_choices();
    test_precision_not_overread();
    test_size_zero();
    test_vprint_sink();
    return CHECK_DONE("format");
}
