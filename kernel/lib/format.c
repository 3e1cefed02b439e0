/*
 * format.c - printf-style formatting to a character sink.
 *
 * Everything is built on one sink callback so the console can print without
 * a buffer and fmt_vsnprintf is just a sink that stores what fits. The code
 * calls no other library function so it can be used before anything else
 * works.
 */
#include <lib/format.h>

#include <stdbool.h>
#include <stdint.h>

#define FMT_INT_MAX 0x7fffffff

enum fmt_flag {
    FLAG_LEFT = 1 << 0,  /* '-' */
    FLAG_ZERO = 1 << 1,  /* '0' */
    FLAG_PLUS = 1 << 2,  /* '+' */
    FLAG_SPACE = 1 << 3, /* ' ' */
    FLAG_ALT = 1 << 4,   /* '#' */
};

enum fmt_length { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_J, LEN_T };

struct fmt_spec {
    unsigned flags;
    size_t width;
    bool has_precision;
    size_t precision;
    enum fmt_length length;
};

struct fmt_out {
    void (*emit)(char c, void *ctx);
    void *ctx;
    size_t count;
};

static void out_chars(struct fmt_out *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out->emit(s[i], out->ctx);
    out->count += n;
}

static void out_repeat(struct fmt_out *out, char c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out->emit(c, out->ctx);
    out->count += n;
}

/* Emits body (len chars) padded with spaces to the field width. */
static void out_padded(struct fmt_out *out, const struct fmt_spec *spec, const char *body,
                       size_t len)
{
    size_t pad = spec->width > len ? spec->width - len : 0;

    if (!(spec->flags & FLAG_LEFT))
        out_repeat(out, ' ', pad);
    out_chars(out, body, len);
    if (spec->flags & FLAG_LEFT)
        out_repeat(out, ' ', pad);
}

/*
 * Lays out prefix, precision zeros and digits within the field width. The
 * '0' flag pads with zeros after the prefix, but C ignores it when a
 * precision is given or '-' is set.
 */
static void out_integer(struct fmt_out *out, const struct fmt_spec *spec, const char *prefix,
                        size_t prefix_len, const char *digits, size_t ndigits, size_t zeros)
{
    size_t body = prefix_len + zeros + ndigits;
    size_t pad = spec->width > body ? spec->width - body : 0;
    bool zero_pad = (spec->flags & FLAG_ZERO) && !(spec->flags & FLAG_LEFT) && !spec->has_precision;

    if (zero_pad) {
        zeros += pad;
        pad = 0;
    }
    if (!(spec->flags & FLAG_LEFT))
        out_repeat(out, ' ', pad);
    out_chars(out, prefix, prefix_len);
    out_repeat(out, '0', zeros);
    out_chars(out, digits, ndigits);
    if (spec->flags & FLAG_LEFT)
        out_repeat(out, ' ', pad);
}

/*
 * Formats magnitude in base with the sign and '#' prefix that apply.
 * force_prefix prints "0x" even for zero, as %p needs.
 */
static void put_number(struct fmt_out *out, const struct fmt_spec *spec, uint64_t magnitude,
                       bool negative, bool is_signed, unsigned base, bool upper, bool force_prefix)
{
    const char *digit_set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char buf[24]; /* 64 bits in octal is 22 digits */
    size_t ndigits = 0;
    size_t precision = spec->has_precision ? spec->precision : 1;
    char prefix[2];
    size_t prefix_len = 0;

    /* Digits are produced least significant first, into the end of buf. */
    while (magnitude != 0) {
        buf[sizeof(buf) - 1 - ndigits++] = digit_set[magnitude % base];
        magnitude /= base;
    }
    size_t zeros = precision > ndigits ? precision - ndigits : 0;

    if (is_signed && negative)
        prefix[prefix_len++] = '-';
    else if (is_signed && (spec->flags & FLAG_PLUS))
        prefix[prefix_len++] = '+';
    else if (is_signed && (spec->flags & FLAG_SPACE))
        prefix[prefix_len++] = ' ';
    if (base == 16 && (force_prefix || ((spec->flags & FLAG_ALT) && ndigits > 0))) {
        prefix[prefix_len++] = '0';
        prefix[prefix_len++] = upper ? 'X' : 'x';
    }
    /* '#' with %o makes the first digit a zero, adding one only if needed. */
    if (base == 8 && (spec->flags & FLAG_ALT) && zeros == 0)
        zeros = 1;
    out_integer(out, spec, prefix, prefix_len, buf + sizeof(buf) - ndigits, ndigits, zeros);
}

static int64_t fetch_signed(va_list *ap, enum fmt_length length)
{
    switch (length) {
    case LEN_HH:
        return (signed char)va_arg(*ap, int);
    case LEN_H:
        return (short)va_arg(*ap, int);
    case LEN_L:
        return va_arg(*ap, long);
    case LEN_LL:
        return va_arg(*ap, long long);
    case LEN_Z:
    case LEN_T:
        /* ptrdiff_t is also the signed type of size_t's width. */
        return va_arg(*ap, ptrdiff_t);
    case LEN_J:
        return va_arg(*ap, intmax_t);
    default:
        return va_arg(*ap, int);
    }
}

static uint64_t fetch_unsigned(va_list *ap, enum fmt_length length)
{
    switch (length) {
    case LEN_HH:
        return (unsigned char)va_arg(*ap, unsigned int);
    case LEN_H:
        return (unsigned short)va_arg(*ap, unsigned int);
    case LEN_L:
        return va_arg(*ap, unsigned long);
    case LEN_LL:
        return va_arg(*ap, unsigned long long);
    case LEN_Z:
    case LEN_T:
        return va_arg(*ap, size_t);
    case LEN_J:
        return va_arg(*ap, uintmax_t);
    default:
        return va_arg(*ap, unsigned int);
    }
}

/* Reads decimal digits, saturating at FMT_INT_MAX so a huge width cannot wrap. */
static size_t parse_decimal(const char **p)
{
    size_t value = 0;

    while (**p >= '0' && **p <= '9') {
        value = value * 10 + (size_t)(**p - '0');
        if (value > FMT_INT_MAX)
            value = FMT_INT_MAX;
        (*p)++;
    }
    return value;
}

static unsigned parse_flags(const char **p)
{
    unsigned flags = 0;

    for (;; (*p)++) {
        switch (**p) {
        case '-':
            flags |= FLAG_LEFT;
            break;
        case '0':
            flags |= FLAG_ZERO;
            break;
        case '+':
            flags |= FLAG_PLUS;
            break;
        case ' ':
            flags |= FLAG_SPACE;
            break;
        case '#':
            flags |= FLAG_ALT;
            break;
        default:
            return flags;
        }
    }
}

static void parse_width(const char **p, struct fmt_spec *spec, va_list *ap)
{
    if (**p != '*') {
        spec->width = parse_decimal(p);
        return;
    }
    (*p)++;
    int width = va_arg(*ap, int);
    if (width < 0) {
        spec->flags |= FLAG_LEFT;
        /* Negate in unsigned arithmetic: -INT_MIN overflows an int. */
        spec->width = -(unsigned)width;
    } else {
        spec->width = (size_t)width;
    }
}

static void parse_precision(const char **p, struct fmt_spec *spec, va_list *ap)
{
    spec->has_precision = false;
    if (**p != '.')
        return;
    (*p)++;
    if (**p != '*') {
        spec->has_precision = true;
        spec->precision = parse_decimal(p);
        return;
    }
    (*p)++;
    int precision = va_arg(*ap, int);
    if (precision >= 0) {
        spec->has_precision = true;
        spec->precision = (size_t)precision;
    }
}

static enum fmt_length parse_length(const char **p)
{
    const char *s = *p;
    enum fmt_length length;

    switch (*s) {
    case 'h':
        length = s[1] == 'h' ? LEN_HH : LEN_H;
        break;
    case 'l':
        length = s[1] == 'l' ? LEN_LL : LEN_L;
        break;
    case 'z':
        length = LEN_Z;
        break;
    case 'j':
        length = LEN_J;
        break;
    case 't':
        length = LEN_T;
        break;
    default:
        return LEN_NONE;
    }
    *p += (length == LEN_HH || length == LEN_LL) ? 2 : 1;
    return length;
}

static void put_string(struct fmt_out *out, const struct fmt_spec *spec, const char *s)
{
    size_t len = 0;

    if (s == NULL)
        s = "(null)";
    /* Stop at the precision: the string need not be terminated before it. */
    while ((!spec->has_precision || len < spec->precision) && s[len] != '\0')
        len++;
    out_padded(out, spec, s, len);
}

/*
 * Formats one conversion character. Returns false if conv is not one this
 * formatter knows, having emitted nothing.
 */
static bool put_conversion(struct fmt_out *out, struct fmt_spec *spec, char conv, va_list *ap)
{
    char c;

    switch (conv) {
    case 'd':
    case 'i': {
        int64_t v = fetch_signed(ap, spec->length);
        /* The magnitude of INT64_MIN only fits unsigned. */
        uint64_t magnitude = v < 0 ? -(uint64_t)v : (uint64_t)v;
        put_number(out, spec, magnitude, v < 0, true, 10, false, false);
        return true;
    }
    case 'u':
        put_number(out, spec, fetch_unsigned(ap, spec->length), false, false, 10, false, false);
        return true;
    case 'x':
    case 'X':
        put_number(out, spec, fetch_unsigned(ap, spec->length), false, false, 16, conv == 'X',
                   false);
        return true;
    case 'o':
        put_number(out, spec, fetch_unsigned(ap, spec->length), false, false, 8, false, false);
        return true;
    case 'p':
        spec->has_precision = true;
        spec->precision = 16;
        put_number(out, spec, (uintptr_t)va_arg(*ap, void *), false, false, 16, false, true);
        return true;
    case 's':
        put_string(out, spec, va_arg(*ap, const char *));
        return true;
    case 'c':
        c = (char)va_arg(*ap, int);
        out_padded(out, spec, &c, 1);
        return true;
    case '%':
        out_chars(out, "%", 1);
        return true;
    default:
        return false;
    }
}

/*
 * Formats the conversion whose '%' is at *p and advances *p past it. An
 * unknown conversion is emitted verbatim so a bad format shows in the output.
 */
static void format_one(struct fmt_out *out, const char **p, va_list *ap)
{
    const char *start = *p;
    struct fmt_spec spec;

    (*p)++;
    spec.flags = parse_flags(p);
    parse_width(p, &spec, ap);
    parse_precision(p, &spec, ap);
    spec.length = parse_length(p);
    if (put_conversion(out, &spec, **p, ap)) {
        (*p)++;
        return;
    }
    if (**p != '\0')
        (*p)++;
    out_chars(out, start, (size_t)(*p - start));
}

int fmt_vprint(void (*emit)(char c, void *ctx), void *ctx, const char *fmt, va_list ap)
{
    struct fmt_out out = {.emit = emit, .ctx = ctx, .count = 0};
    const char *p = fmt;
    va_list args;

    /* A copy gives helpers a va_list * that works whatever va_list's type. */
    va_copy(args, ap);
    while (*p != '\0') {
        if (*p == '%') {
            format_one(&out, &p, &args);
        } else {
            out_chars(&out, p, 1);
            p++;
        }
    }
    va_end(args);
    return out.count > FMT_INT_MAX ? -1 : (int)out.count;
}

struct fmt_buffer {
    char *buf;
    size_t size;
    size_t len;
};

/* Stores c if a byte is left besides the NUL's; counts it either way. */
static void buffer_emit(char c, void *ctx)
{
    struct fmt_buffer *b = ctx;

    if (b->size > 0 && b->len < b->size - 1)
        b->buf[b->len] = c;
    b->len++;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct fmt_buffer b = {.buf = buf, .size = size, .len = 0};
    int ret = fmt_vprint(buffer_emit, &b, fmt, ap);

    if (size > 0)
        buf[b.len < size - 1 ? b.len : size - 1] = '\0';
    return ret;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int ret;

    va_start(ap, fmt);
    ret = fmt_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return ret;
}
