/*
 * fuzz_idl.c - libFuzzer target for the IDL runtime with the generated
 * code of tests/idl/echo.idl, over the fake kernel of tests/idl/host.c.
 *
 * Input: a mode byte, a method byte, a descriptor, the four words, a
 * (type, rights) pair per capability, then the buffer bytes. In server
 * mode the message goes to echo_dispatch, whose handlers abort on any
 * value the contract does not allow; the reply must be a status alone or
 * a well-formed result, and no handle may be left over. In client mode
 * the message is decoded for the method (as its reply, or with
 * MODE_ARGS as its request): on success it must encode again to exactly
 * the same message (one value has one encoding), and a register-only one
 * must be judged the same by the register path; on failure every handle
 * must be closed.
 */
#include "../idl/host.h"
#include <cairn/syscalls.h>
#include <idl/echo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MODE_CLIENT   1u /* decode as a reply, not a request */
#define MODE_RAW      2u /* the label as given, not echo's */
#define MODE_RAW_INFO 4u /* byte count and reserved bits as given */
#define MODE_ARGS     8u /* client mode: decode with the arguments' shape */

static cairn_handle_t server_ep;

/* Aborts (a finding) with what did not hold. */
#define need(ok)                                                                                   \
    do {                                                                                           \
        if (!(ok)) {                                                                               \
            fprintf(stderr, "%s:%d: expected %s\n", __FILE__, __LINE__, #ok);                      \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static bool color_valid(enum echo_color c)
{
    return c == ECHO_COLOR_RED || c == ECHO_COLOR_GREEN || c == ECHO_COLOR_BLUE ||
           c == ECHO_COLOR_BLACK;
}

static bool bool_valid(const bool *b)
{
    uint8_t raw;
    memcpy(&raw, b, 1);
    return raw <= 1;
}

static long on_add(void *ctx, const struct idl_call *call, uint64_t a, uint64_t b, uint64_t *sum)
{
    (void)ctx;
    need(call->method == ECHO_ADD);
    *sum = a + b;
    return 0;
}

static long on_ints(void *ctx, const struct idl_call *call, uint8_t a, uint16_t b, uint32_t c,
                    uint64_t d, int8_t e, int16_t f, int32_t g, int64_t h, uint8_t *ra,
                    uint16_t *rb, uint32_t *rc, uint64_t *rd, int8_t *re, int16_t *rf, int32_t *rg,
                    int64_t *rh)
{
    (void)ctx;
    (void)call;
    *ra = a, *rb = b, *rc = c, *rd = d, *re = e, *rf = f, *rg = g, *rh = h;
    return 0;
}

static long on_shapes(void *ctx, const struct idl_call *call, bool flag, enum echo_color c,
                      const struct echo_point *p, bool *rflag, enum echo_color *rc,
                      struct echo_point *rp)
{
    (void)ctx;
    (void)call;
    need(bool_valid(&flag) && bool_valid(&p->visible) && color_valid(c) && color_valid(p->tint));
    *rflag = flag, *rc = c, *rp = *p;
    return 0;
}

static long on_text(void *ctx, const struct idl_call *call, const char *s, const uint8_t *b,
                    uint32_t b_len, char rs[101], uint8_t rb[200], uint32_t *rb_len)
{
    (void)ctx;
    (void)call;
    need(strnlen(s, 101) <= 100 && b_len <= 200);
    strcpy(rs, s);
    memcpy(rb, b, b_len);
    *rb_len = b_len;
    return 0;
}

static long on_share(void *ctx, const struct idl_call *call, cairn_handle_t mem, uint32_t offset,
                     uint64_t *rights)
{
    (void)ctx;
    (void)call;
    struct cairn_handle_info info;
    need(cairn_handle_info(mem, &info) == 0 && info.type == CAIRN_OBJ_MEMORY &&
         (info.rights & (CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP)) ==
             (CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP));
    cairn_handle_close(mem);
    *rights = info.rights + offset;
    return 0;
}

static long on_mirror(void *ctx, const struct idl_call *call, cairn_handle_t *ep)
{
    (void)ctx;
    (void)call;
    *ep = server_ep;
    return 0;
}

static long on_ping(void *ctx, const struct idl_call *call)
{
    (void)ctx;
    (void)call;
    return -CAIRN_E_BUSY;
}

static long on_big(void *ctx, const struct idl_call *call, const char *s, uint32_t *len)
{
    (void)ctx;
    (void)call;
    *len = (uint32_t)strnlen(s, 4001);
    need(*len <= 4000);
    return 0;
}

static long on_wide(void *ctx, const struct idl_call *call, uint64_t a, uint64_t b, uint64_t c,
                    uint64_t d, uint8_t e, uint32_t f, uint64_t *ra, uint64_t *rb, uint64_t *rc,
                    uint64_t *rd, uint8_t *re, char rs[9])
{
    (void)ctx;
    (void)call;
    *ra = a, *rb = b, *rc = c, *rd = d, *re = e;
    memset(rs, 'w', f < 8 ? f : 8);
    memset(host_server_buf.data, 0xee, 64); /* stale bytes where padding travels */
    return 0;
}

static const struct echo_ops ops = {on_add,    on_ints, on_shapes, on_text, on_share,
                                    on_mirror, on_ping, on_big,    on_wide};

static const struct idl_method *method_of(uint8_t number)
{
    for (uint32_t i = 0; i < echo_interface.count; i++) {
        if (echo_interface.methods[i].number == number)
            return &echo_interface.methods[i];
    }
    return NULL;
}

/* A decoded message must encode again to exactly the message: the same
 * counts, words and bytes (capabilities aside: handles differ). */
static void reencode(const struct idl_struct *s, const void *c, const struct cairn_msg *msg)
{
    static struct cairn_ipc_buffer buf;
    struct cairn_msg again;
    memset(buf.data, 0xee, sizeof(buf.data)); /* stale bytes must not travel */
    long r = idl_encode(s, c, &again, &buf);
    need(r >= 0 && CAIRN_MSGINFO_BYTES((uint64_t)r) == CAIRN_MSGINFO_BYTES(msg->info) &&
         CAIRN_MSGINFO_CAPS((uint64_t)r) == CAIRN_MSGINFO_CAPS(msg->info));
    need(memcmp(again.words, msg->words, sizeof(again.words)) == 0);
    need(memcmp(buf.data, host_server_buf.data, CAIRN_MSGINFO_BYTES(msg->info)) == 0);
}

/* The register path judges a message of registers only as idl_decode
 * does, and its encoding is the same. */
static void regs_agree(const struct idl_struct *s, const struct cairn_msg *msg, long decoded,
                       const void *c)
{
    if (!(s->flags & IDL_REGS) || msg->info != CAIRN_MSGINFO(CAIRN_MSGINFO_LABEL(msg->info)))
        return;
    _Alignas(8) uint8_t regs[IDL_REG_BYTES];
    bool ok = idl_regs_get(s, msg->words, regs);
    if (ok && (s->flags & IDL_CHECKED))
        ok = idl_values_valid(s, regs);
    need(ok == (decoded == 0));
    if (!ok)
        return;
    need(memcmp(regs, c, s->fixed) == 0);
    uint64_t words[CAIRN_IPC_WORDS];
    idl_regs_put(s, regs, words);
    need(memcmp(words, msg->words, sizeof(words)) == 0);
}

static void server_mode(struct cairn_msg *msg, unsigned baseline)
{
    uint8_t number = (uint8_t)IDL_LABEL_METHOD(CAIRN_MSGINFO_LABEL(msg->info));
    echo_dispatch(&ops, NULL, msg, &host_server_buf);
    int32_t status = (int32_t)CAIRN_MSGINFO_LABEL(msg->info);
    need(status <= 0 && !CAIRN_MSGINFO_RESERVED(msg->info));
    need(host_handles_live() == baseline); /* every received handle closed */
    if (status < 0) {
        need(CAIRN_MSGINFO_BYTES(msg->info) == 0 && CAIRN_MSGINFO_CAPS(msg->info) == 0);
        return;
    }
    /* The reply decodes on the client side (capabilities aside: they are
     * the server's own here, not transferred). */
    const struct idl_method *m = method_of(number);
    need(m != NULL);
    if (m->out.caps)
        return;
    static _Alignas(16) uint8_t out[IDL_MAX_ARGS];
    memset(out, 0, m->out.c_size);
    need(idl_decode(&m->out, msg, &host_server_buf, out) == 0);
    reencode(&m->out, out, msg);
}

static void client_mode(struct cairn_msg *msg, uint8_t number, bool args, unsigned baseline)
{
    const struct idl_method *m = method_of(number);
    if (!m) {
        idl_caps_close(msg, &host_server_buf);
        return;
    }
    const struct idl_struct *s = args ? &m->in : &m->out;
    static _Alignas(16) uint8_t out[IDL_MAX_ARGS];
    memset(out, 0, s->c_size);
    long r = idl_decode(s, msg, &host_server_buf, out);
    regs_agree(s, msg, r, out);
    if (r < 0) {
        need(host_handles_live() == baseline);
        return;
    }
    need(r == 0);
    reencode(s, out, msg);
    idl_caps_close(msg, &host_server_buf);
    need(host_handles_live() == baseline && host_bad_closes() == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2 + 8 + 32)
        return 0;
    host_handles_reset();
    server_ep = host_handle_new(CAIRN_OBJ_ENDPOINT, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_TRANSFER);
    uint8_t mode = data[0], number = data[1];
    uint64_t info;
    struct cairn_msg msg = {0};
    memcpy(&info, data + 2, 8);
    memcpy(msg.words, data + 10, 32);
    data += 42, size -= 42;

    unsigned caps = (info >> 45) & 7;
    if (caps > CAIRN_IPC_MAX_CAPS)
        caps = CAIRN_IPC_MAX_CAPS;
    unsigned baseline = host_handles_live();
    for (unsigned i = 0; i < caps; i++) {
        uint32_t type = i * 3 < size ? data[i * 3] % CAIRN_OBJ_TYPE_COUNT : CAIRN_OBJ_MEMORY;
        uint32_t rights = i * 3 + 2 < size
                              ? (data[i * 3 + 1] | data[i * 3 + 2] << 8u) & CAIRN_RIGHTS_ALL
                              : CAIRN_RIGHTS_ALL;
        host_server_buf.caps[i] = host_handle_new(type, rights);
    }
    size_t skip = caps * 3 < size ? caps * 3 : size;
    data += skip, size -= skip;
    size_t bytes = size < CAIRN_IPC_MAX_BYTES ? size : CAIRN_IPC_MAX_BYTES;
    memcpy(host_server_buf.data, data, bytes);

    uint32_t label = mode & MODE_RAW ? (uint32_t)info : IDL_LABEL(ECHO_ID, number);
    if (mode & MODE_CLIENT)
        label = mode & MODE_RAW ? (uint32_t)info : 0;
    uint64_t rest = mode & MODE_RAW_INFO ? info & ~0xffffffffull & ~(7ull << 45)
                                         : CAIRN_MSGINFO_MAKE(0, bytes, 0);
    msg.info = CAIRN_MSGINFO(label) | rest | CAIRN_MSGINFO_MAKE(0, 0, caps);
    msg.badge = info;

    if (mode & MODE_CLIENT)
        client_mode(&msg, number, mode & MODE_ARGS, baseline);
    else
        server_mode(&msg, baseline);
    need(host_bad_closes() == 0);
    return 0;
}
