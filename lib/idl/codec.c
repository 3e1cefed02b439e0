/*
 * codec.c - encoding and validating decoding of IDL payloads (see
 * idl/idl.h for the wire format). Pure apart from handle_info and
 * handle_close, so the host tests and the fuzzer run it as it is.
 */
#include <cairn/syscalls.h>
#include <idl/idl.h>

/* A payload: its first IDL_REG_BYTES bytes in the message words, the rest
 * in the IPC buffer's data (0 when there is no buffer). */
struct wire {
    uint8_t *regs;
    uint8_t *data;
    uint32_t len; /* bytes readable or writable: IDL_REG_BYTES + data's */
};

static void wire_put(const struct wire *w, uint32_t off, const void *src, uint32_t n)
{
    const uint8_t *from = src;
    for (; n && off < IDL_REG_BYTES; n--)
        w->regs[off++] = *from++;
    if (n)
        __builtin_memcpy(w->data + (off - IDL_REG_BYTES), from, n);
}

static void wire_get(const struct wire *w, uint32_t off, void *dst, uint32_t n)
{
    uint8_t *to = dst;
    for (; n && off < IDL_REG_BYTES; n--)
        *to++ = w->regs[off++];
    if (n)
        __builtin_memcpy(to, w->data + (off - IDL_REG_BYTES), n);
}

/* The bytes of payload word i (8 bytes at 8 * i) that lie below end. */
static uint32_t word_len(uint32_t i, uint32_t end)
{
    uint32_t start = 8 * i;
    if (end <= start)
        return 0;
    return end - start < 8 ? end - start : 8;
}

/* Payload word i's bytes below end, the rest 0. A word lies wholly in
 * the registers or wholly in the buffer (IDL_REG_BYTES is a multiple of
 * 8), so a whole word is one load. */
static uint64_t wire_word(const struct wire *w, uint32_t i, uint32_t end)
{
    uint32_t n = word_len(i, end);
    const uint8_t *at = 8 * i < IDL_REG_BYTES ? w->regs + 8 * i : w->data + (8 * i - IDL_REG_BYTES);
    uint64_t v = 0;
    if (n == 8) {
        __builtin_memcpy(&v, at, 8);
        return v;
    }
    for (uint32_t k = 0; k < n; k++)
        v |= (uint64_t)at[k] << (8 * k);
    return v;
}

/* Whether every bit s->pad marks is 0 in the payload's first end bytes. */
static bool pad_clean(const struct idl_struct *s, const struct wire *w, uint32_t end)
{
    for (uint32_t i = 0; i < s->pad_words; i++) {
        if (s->pad[i] && (wire_word(w, i, end) & s->pad[i]))
            return false;
    }
    return true;
}

/* Clears the bits s->pad marks in the payload's first end bytes: the C
 * struct's padding may hold anything (a struct assignment copies it). */
static void pad_clear(const struct idl_struct *s, const struct wire *w, uint32_t end)
{
    for (uint32_t i = 0; i < s->pad_words; i++) {
        uint32_t n = word_len(i, end);
        if (!(s->pad[i] && n))
            continue;
        uint64_t v = wire_word(w, i, end) & ~s->pad[i];
        wire_put(w, 8 * i, &v, n);
    }
}

/* Whether the register bytes from off on are 0: the payload ends there. */
static bool regs_tail_clean(const struct wire *w, uint32_t off)
{
    for (uint32_t i = off / 8; i < IDL_REG_BYTES / 8; i++) {
        uint64_t v;
        __builtin_memcpy(&v, w->regs + 8 * i, 8);
        if (i == off / 8)
            v &= ~0ull << (8 * (off % 8)); /* the payload's own bytes of this word */
        if (v)
            return false;
    }
    return true;
}

static uint32_t kind_size(uint8_t kind)
{
    switch (kind) {
    case IDL_U8:
    case IDL_I8:
    case IDL_BOOL:
        return 1;
    case IDL_U16:
    case IDL_I16:
        return 2;
    case IDL_U32:
    case IDL_I32:
    case IDL_ENUM:
        return 4;
    default:
        return 8;
    }
}

static bool enum_valid(const struct idl_enum *e, int32_t v)
{
    for (uint32_t i = 0; i < e->count; i++) {
        if (e->values[i] == v)
            return true;
    }
    return false;
}

/* Whether the scalar at p (of the field's kind) is a valid value. */
static bool scalar_valid(const struct idl_field *f, const uint8_t *p)
{
    if (f->kind == IDL_BOOL)
        return *p <= 1;
    if (f->kind == IDL_ENUM) {
        int32_t v;
        __builtin_memcpy(&v, p, 4);
        return enum_valid(f->sub, v);
    }
    return true;
}

/* Whether every bool and enum of s in C struct c holds a valid value. */
static bool values_valid(const struct idl_struct *s, const uint8_t *c)
{
    for (uint16_t i = 0; i < s->count; i++) {
        const struct idl_field *f = &s->fields[i];
        if (f->kind == IDL_STRUCT ? !values_valid(f->sub, c + f->c_offset)
                                  : !scalar_valid(f, c + f->c_offset))
            return false;
    }
    return true;
}

/* Copies n bytes between a flat C struct and the payload, 8 at a time
 * where it can (the common case: a few words, all in registers). */
static void flat_put(const struct wire *w, const uint8_t *c, uint32_t n)
{
    uint32_t words = (n < IDL_REG_BYTES ? n : IDL_REG_BYTES) / 8;
    for (uint32_t i = 0; i < words; i++)
        __builtin_memcpy(w->regs + 8 * i, c + 8 * i, 8);
    wire_put(w, 8 * words, c + 8 * words, n - 8 * words);
}

static void flat_get(const struct wire *w, uint8_t *c, uint32_t n)
{
    uint32_t words = (n < IDL_REG_BYTES ? n : IDL_REG_BYTES) / 8;
    for (uint32_t i = 0; i < words; i++)
        __builtin_memcpy(c + 8 * i, w->regs + 8 * i, 8);
    wire_get(w, 8 * words, c + 8 * words, n - 8 * words);
}

bool idl_values_valid(const struct idl_struct *s, const void *c)
{
    return values_valid(s, c);
}

long idl_reply_status(const struct cairn_msg *msg)
{
    int32_t status = (int32_t)CAIRN_MSGINFO_LABEL(msg->info);
    if (msg->info != CAIRN_MSGINFO(status) || status >= 0 || status <= -CAIRN_ERROR_COUNT ||
        (msg->words[0] | msg->words[1] | msg->words[2] | msg->words[3]))
        return -CAIRN_E_INVALID_ARGUMENT;
    return status;
}

/* --- encoding ----------------------------------------------------------------- */

/* Writes the fixed-part fields of s from C struct c at wire offset base. */
static long encode_fixed(const struct idl_struct *s, const uint8_t *c, const struct wire *w,
                         uint32_t base)
{
    for (uint16_t i = 0; i < s->count; i++) {
        const struct idl_field *f = &s->fields[i];
        const uint8_t *v = c + f->c_offset;
        if (f->kind == IDL_STRUCT) {
            long r = encode_fixed(f->sub, v, w, base + f->wire);
            if (r < 0)
                return r;
        } else if (f->kind <= IDL_ENUM) {
            if (!scalar_valid(f, v))
                return -CAIRN_E_INVALID_ARGUMENT;
            wire_put(w, base + f->wire, v, kind_size(f->kind));
        }
    }
    return 0;
}

/* The length of string or byte array f in C struct c, or -1 when it is
 * over its bound (or a string has no NUL within it). */
static long var_len(const struct idl_field *f, const uint8_t *c)
{
    if (f->kind == IDL_STRING) {
        const char *str = (const char *)(c + f->c_offset);
        uint32_t n = 0;
        while (n <= f->bound && str[n])
            n++;
        return n > f->bound ? -1 : (long)n;
    }
    uint32_t n;
    __builtin_memcpy(&n, c + f->c_len, 4);
    return n > f->bound ? -1 : (long)n;
}

/* A flat struct travels as the C struct's bytes. */
static long encode_flat(const struct idl_struct *s, const uint8_t *c, struct cairn_msg *msg,
                        struct cairn_ipc_buffer *buf)
{
    if ((s->flags & IDL_CHECKED) && !values_valid(s, c))
        return -CAIRN_E_INVALID_ARGUMENT;
    if (s->fixed > IDL_REG_BYTES && !buf)
        return -CAIRN_E_BAD_ADDRESS;
    for (unsigned i = 0; i < CAIRN_IPC_WORDS; i++)
        msg->words[i] = 0;
    struct wire w = {(uint8_t *)msg->words, buf ? buf->data : 0, IDL_MAX_PAYLOAD};
    flat_put(&w, c, s->fixed);
    pad_clear(s, &w, s->fixed);
    return (long)CAIRN_MSGINFO_MAKE(0, s->fixed > IDL_REG_BYTES ? s->fixed - IDL_REG_BYTES : 0, 0);
}

long idl_encode(const struct idl_struct *s, const void *c_in, struct cairn_msg *msg,
                struct cairn_ipc_buffer *buf)
{
    const uint8_t *c = c_in;
    if (s->flags & IDL_FLAT)
        return encode_flat(s, c, msg, buf);
    uint32_t total = s->fixed;
    for (uint16_t i = 0; i < s->count; i++) {
        const struct idl_field *f = &s->fields[i];
        if (f->kind != IDL_STRING && f->kind != IDL_BYTES)
            continue;
        long n = var_len(f, c);
        if (n < 0)
            return -CAIRN_E_TOO_LARGE;
        total += (uint32_t)n + (f->kind == IDL_STRING);
    }
    if ((total > IDL_REG_BYTES || s->caps) && !buf)
        return -CAIRN_E_BAD_ADDRESS;
    for (unsigned i = 0; i < CAIRN_IPC_WORDS; i++)
        msg->words[i] = 0;
    struct wire w = {(uint8_t *)msg->words, buf ? buf->data : 0, IDL_MAX_PAYLOAD};
    long r = encode_fixed(s, c, &w, 0);
    if (r < 0)
        return r;
    pad_clear(s, &w, s->fixed); /* the buffer's padding holds what the buffer last held */
    uint32_t off = s->fixed;
    for (uint16_t i = 0; i < s->count; i++) {
        const struct idl_field *f = &s->fields[i];
        const uint8_t *v = c + f->c_offset;
        if (f->kind == IDL_STRING || f->kind == IDL_BYTES) {
            uint16_t n = (uint16_t)var_len(f, c);
            wire_put(&w, f->wire, &n, 2);
            n += f->kind == IDL_STRING; /* its NUL */
            wire_put(&w, off, v, n);
            off += n;
        } else if (f->kind == IDL_CAP) {
            cairn_handle_t h;
            __builtin_memcpy(&h, v, sizeof(h));
            if (h == CAIRN_HANDLE_NONE || (h & CAIRN_IPC_CAP_MOVE))
                return -CAIRN_E_INVALID_ARGUMENT;
            buf->caps[f->wire] = h | (f->cap_move ? CAIRN_IPC_CAP_MOVE : 0);
        }
    }
    return (long)CAIRN_MSGINFO_MAKE(0, total > IDL_REG_BYTES ? total - IDL_REG_BYTES : 0, s->caps);
}

void idl_moved_caps_close(const struct idl_struct *s, const void *c_in)
{
    const uint8_t *c = c_in;
    for (uint16_t i = 0; i < s->count; i++) {
        const struct idl_field *f = &s->fields[i];
        cairn_handle_t h;
        if (f->kind != IDL_CAP || !f->cap_move)
            continue;
        __builtin_memcpy(&h, c + f->c_offset, sizeof(h));
        if (h != CAIRN_HANDLE_NONE)
            cairn_handle_close(h);
    }
}

/* --- decoding ----------------------------------------------------------------- */

/* Descriptor bits no message of an interface has: the call's timeout (the
 * kernel strips it), NOTIFIED (not a message) and the reserved bits. */
#define MSGINFO_FLAGS(info) ((info) >> 48)

/* Reads and checks the fixed-part fields of s at wire offset base into C
 * struct c. */
static long decode_fixed(const struct idl_struct *s, uint8_t *c, const struct wire *w,
                         uint32_t base)
{
    for (uint16_t i = 0; i < s->count; i++) {
        const struct idl_field *f = &s->fields[i];
        uint8_t *v = c + f->c_offset;
        if (f->kind == IDL_STRUCT) {
            long r = decode_fixed(f->sub, v, w, base + f->wire);
            if (r < 0)
                return r;
        } else if (f->kind <= IDL_ENUM) {
            wire_get(w, base + f->wire, v, kind_size(f->kind));
            if (!scalar_valid(f, v))
                return -CAIRN_E_INVALID_ARGUMENT;
        }
    }
    return 0;
}

/* Reads the variable parts: each string must hold exactly its length in
 * non-NUL bytes and then a NUL. */
static long decode_var(const struct idl_struct *s, uint8_t *c, const struct wire *w)
{
    uint32_t off = s->fixed;
    for (uint16_t i = 0; i < s->count; i++) {
        const struct idl_field *f = &s->fields[i];
        uint8_t *v = c + f->c_offset;
        if (f->kind != IDL_STRING && f->kind != IDL_BYTES)
            continue;
        uint16_t n;
        wire_get(w, f->wire, &n, 2);
        if (f->kind == IDL_BYTES) {
            uint32_t len = n;
            wire_get(w, off, v, n);
            __builtin_memcpy(c + f->c_len, &len, 4);
            off += n;
            continue;
        }
        wire_get(w, off, v, n + 1u);
        off += n + 1u;
        if (v[n] != 0)
            return -CAIRN_E_INVALID_ARGUMENT;
        for (uint16_t k = 0; k < n; k++) {
            if (v[k] == 0)
                return -CAIRN_E_INVALID_ARGUMENT;
        }
    }
    return 0;
}

/* The payload's length from its fixed part's length fields, or -1 when a
 * length is over its bound. */
static long payload_len(const struct idl_struct *s, const struct wire *w)
{
    uint32_t total = s->fixed;
    for (uint16_t i = 0; i < s->count; i++) {
        const struct idl_field *f = &s->fields[i];
        if (f->kind != IDL_STRING && f->kind != IDL_BYTES)
            continue;
        uint16_t n;
        wire_get(w, f->wire, &n, 2);
        if (n > f->bound)
            return -1;
        total += n + (f->kind == IDL_STRING);
    }
    return total;
}

/* Checks the received capabilities against s and stores them in c. */
static long decode_caps(const struct idl_struct *s, uint8_t *c, const struct cairn_ipc_buffer *buf)
{
    for (uint16_t i = 0; i < s->count; i++) {
        const struct idl_field *f = &s->fields[i];
        if (f->kind != IDL_CAP)
            continue;
        cairn_handle_t h = buf->caps[f->wire];
        long r = idl_cap_check(h, f->cap_type, f->bound);
        if (r < 0)
            return r;
        __builtin_memcpy(c + f->c_offset, &h, sizeof(h));
    }
    return 0;
}

/* A flat struct: exactly its fixed part, its padding and the register
 * bytes after it 0, copied, then its values checked. */
static long decode_flat(const struct idl_struct *s, const struct wire *w, uint8_t *c)
{
    if (w->len != (s->fixed > IDL_REG_BYTES ? s->fixed : IDL_REG_BYTES) || !pad_clean(s, w, w->len))
        return -CAIRN_E_INVALID_ARGUMENT;
    flat_get(w, c, s->fixed);
    if ((s->flags & IDL_CHECKED) && !values_valid(s, c))
        return -CAIRN_E_INVALID_ARGUMENT;
    return 0;
}

static long decode(const struct idl_struct *s, const struct cairn_msg *msg,
                   const struct cairn_ipc_buffer *buf, uint8_t *c)
{
    uint32_t bytes = CAIRN_MSGINFO_BYTES(msg->info);
    if (CAIRN_MSGINFO_CAPS(msg->info) != s->caps || MSGINFO_FLAGS(msg->info) ||
        bytes > CAIRN_IPC_MAX_BYTES || ((bytes || s->caps) && !buf))
        return -CAIRN_E_INVALID_ARGUMENT;
    struct wire w = {(uint8_t *)msg->words, buf ? (uint8_t *)buf->data : 0, IDL_REG_BYTES + bytes};
    if (s->flags & IDL_FLAT)
        return decode_flat(s, &w, c);
    if (s->fixed > w.len)
        return -CAIRN_E_INVALID_ARGUMENT;
    long total = payload_len(s, &w);
    if (total < 0 || (total <= IDL_REG_BYTES ? bytes != 0 : (uint32_t)total != w.len))
        return -CAIRN_E_INVALID_ARGUMENT;
    if (!pad_clean(s, &w, w.len) || !regs_tail_clean(&w, (uint32_t)total))
        return -CAIRN_E_INVALID_ARGUMENT;
    long r = decode_fixed(s, c, &w, 0);
    if (r == 0)
        r = decode_var(s, c, &w);
    if (r == 0)
        r = decode_caps(s, c, buf);
    return r;
}

long idl_decode(const struct idl_struct *s, const struct cairn_msg *msg,
                const struct cairn_ipc_buffer *buf, void *c)
{
    long r = decode(s, msg, buf, c);
    if (r < 0)
        idl_caps_close(msg, buf);
    return r;
}

long idl_cap_check(cairn_handle_t h, uint32_t type, uint32_t rights)
{
    struct cairn_handle_info info;
    long r = cairn_handle_info(h, &info);
    if (r < 0)
        return r;
    if (info.type != type)
        return -CAIRN_E_WRONG_TYPE;
    if ((info.rights & rights) != rights)
        return -CAIRN_E_ACCESS_DENIED;
    return 0;
}

void idl_caps_close(const struct cairn_msg *msg, const struct cairn_ipc_buffer *buf)
{
    unsigned n = CAIRN_MSGINFO_CAPS(msg->info);
    if (!buf)
        return;
    for (unsigned i = 0; i < n && i < CAIRN_IPC_MAX_CAPS; i++)
        cairn_handle_close(buf->caps[i]);
}
