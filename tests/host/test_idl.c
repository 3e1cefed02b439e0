/*
 * test_idl.c - the generated client stubs of tests/idl/echo.idl against
 * its generated server dispatch, in one process, over the fake kernel of
 * tests/idl/host.c: round trips of every type; every kind of malformed
 * request rejected before a handler runs, its capabilities closed; every
 * kind of malformed reply rejected by the client.
 */
#include "../idl/host.h"
#include "check.h"
#include <cairn/syscalls.h>
#include <idl/echo.h>
#include <rt/ipc.h>

static struct cairn_ipc_buffer client_buf __attribute__((aligned(4096)));
static cairn_handle_t endpoint;    /* the client's, to the server */
static cairn_handle_t server_ep;   /* what mirror returns */
static unsigned handled;           /* handler calls */
static long force_status;          /* every handler's result when not 0 */
static bool overlong_result;       /* text: answer an unterminated string */
static bool dirty_results;         /* shapes, wide: leave garbage where padding travels */
static struct cairn_msg bad_reply; /* evil_server's reply */
static uint8_t bad_data[64];       /* and its first IPC buffer bytes */

/* --- the echo server ---------------------------------------------------------- */

static long on_add(void *ctx, const struct idl_call *call, uint64_t a, uint64_t b, uint64_t *sum)
{
    (void)ctx;
    (void)call;
    handled++;
    *sum = a + b;
    return force_status;
}

static long on_ints(void *ctx, const struct idl_call *call, uint8_t a, uint16_t b, uint32_t c,
                    uint64_t d, int8_t e, int16_t f, int32_t g, int64_t h, uint8_t *ra,
                    uint16_t *rb, uint32_t *rc, uint64_t *rd, int8_t *re, int16_t *rf, int32_t *rg,
                    int64_t *rh)
{
    (void)ctx;
    (void)call;
    handled++;
    *ra = a, *rb = b, *rc = c, *rd = d, *re = e, *rf = f, *rg = g, *rh = h;
    return force_status;
}

static bool color_valid(enum echo_color c)
{
    return c == ECHO_COLOR_RED || c == ECHO_COLOR_GREEN || c == ECHO_COLOR_BLUE ||
           c == ECHO_COLOR_BLACK;
}

static long on_shapes(void *ctx, const struct idl_call *call, bool flag, enum echo_color c,
                      const struct echo_point *p, bool *rflag, enum echo_color *rc,
                      struct echo_point *rp)
{
    (void)ctx;
    (void)call;
    uint8_t raw_flag, raw_visible;
    memcpy(&raw_flag, &flag, 1);
    memcpy(&raw_visible, &p->visible, 1);
    CHECK(raw_flag <= 1 && raw_visible <= 1 && color_valid(c) && color_valid(p->tint));
    handled++;
    *rflag = flag, *rc = c;
    struct echo_point copy;
    memset(&copy, dirty_results ? 0xa5 : 0, sizeof(copy)); /* its padding */
    copy.x = p->x, copy.y = p->y, copy.visible = p->visible, copy.tint = p->tint;
    *rp = copy; /* a struct assignment copies the padding too */
    return force_status;
}

static long on_text(void *ctx, const struct idl_call *call, const char *s, const uint8_t *b,
                    uint32_t b_len, char rs[101], uint8_t rb[200], uint32_t *rb_len)
{
    (void)ctx;
    (void)call;
    CHECK(strlen(s) <= 100 && b_len <= 200);
    handled++;
    strcpy(rs, s);
    memcpy(rb, b, b_len);
    *rb_len = b_len;
    if (overlong_result)
        memset(rs, 'x', 101);
    return force_status;
}

static long on_share(void *ctx, const struct idl_call *call, cairn_handle_t mem, uint32_t offset,
                     uint64_t *rights)
{
    (void)ctx;
    (void)call;
    (void)offset;
    struct cairn_handle_info info;
    CHECK_EQ(cairn_handle_info(mem, &info), 0);
    CHECK_EQ(info.type, CAIRN_OBJ_MEMORY);
    handled++;
    *rights = info.rights;
    cairn_handle_close(mem);
    return force_status;
}

static long on_mirror(void *ctx, const struct idl_call *call, cairn_handle_t *ep)
{
    (void)ctx;
    (void)call;
    handled++;
    *ep = server_ep;
    return force_status;
}

static long on_ping(void *ctx, const struct idl_call *call)
{
    CHECK_EQ(call->badge, 0x5eed);
    CHECK_EQ(call->method, ECHO_PING);
    CHECK(ctx == &handled);
    handled++;
    return force_status;
}

static long on_big(void *ctx, const struct idl_call *call, const char *s, uint32_t *len)
{
    (void)ctx;
    (void)call;
    handled++;
    *len = (uint32_t)strlen(s);
    return force_status;
}

static long on_wide(void *ctx, const struct idl_call *call, uint64_t a, uint64_t b, uint64_t c,
                    uint64_t d, uint8_t e, uint32_t f, uint64_t *ra, uint64_t *rb, uint64_t *rc,
                    uint64_t *rd, uint8_t *re, char rs[9])
{
    (void)ctx;
    (void)call;
    handled++;
    *ra = a, *rb = b, *rc = c, *rd = d, *re = e;
    memset(rs, 'w', f < 8 ? f : 8);
    if (dirty_results) /* what the server's IPC buffer held before */
        memset(host_server_buf.data, 0xee, sizeof(host_server_buf.data));
    return force_status;
}

static const struct echo_ops ops = {on_add,    on_ints, on_shapes, on_text, on_share,
                                    on_mirror, on_ping, on_big,    on_wide};
static const struct echo_ops no_ops;

static void echo_server(struct cairn_msg *msg, struct cairn_ipc_buffer *buf)
{
    echo_dispatch(&ops, &handled, msg, buf);
}

static void empty_server(struct cairn_msg *msg, struct cairn_ipc_buffer *buf)
{
    echo_dispatch(&no_ops, 0, msg, buf);
}

/* Replies with bad_reply, putting n fresh handles of type/rights in the
 * reply's capability list. */
static unsigned evil_caps;
static uint32_t evil_type = CAIRN_OBJ_ENDPOINT;
static void evil_server(struct cairn_msg *msg, struct cairn_ipc_buffer *buf)
{
    idl_caps_close(msg, buf);
    *msg = bad_reply;
    memcpy(buf->data, bad_data, sizeof(bad_data));
    for (unsigned i = 0; i < evil_caps; i++)
        buf->caps[i] = host_handle_new(evil_type, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_TRANSFER) |
                       CAIRN_IPC_CAP_MOVE;
    msg->info |= CAIRN_MSGINFO_MAKE(0, 0, evil_caps);
}

static void setup(void)
{
    host_handles_reset();
    endpoint = host_handle_new(CAIRN_OBJ_ENDPOINT, CAIRN_RIGHT_SIGNAL);
    server_ep = host_handle_new(CAIRN_OBJ_ENDPOINT, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_TRANSFER);
    host_server = echo_server;
    host_badge = 0x5eed;
    force_status = 0;
    overlong_result = false;
    dirty_results = false;
    evil_caps = 0;
    evil_type = CAIRN_OBJ_ENDPOINT;
    memset(bad_data, 0, sizeof(bad_data));
}

/* --- round trips ------------------------------------------------------------------ */

static void test_round_trips(void)
{
    setup();
    uint64_t sum = 0;
    CHECK_EQ(echo_add(endpoint, 40, 2, &sum), 0);
    CHECK_EQ(sum, 42);
    CHECK_EQ(echo_add(endpoint, UINT64_MAX, 2, &sum), 0);
    CHECK_EQ(sum, 1);
    CHECK_EQ(echo_add(endpoint, 1, 2, NULL), 0);

    uint8_t ra;
    uint16_t rb;
    uint32_t rc;
    uint64_t rd;
    int8_t re;
    int16_t rf;
    int32_t rg;
    int64_t rh;
    CHECK_EQ(echo_ints(endpoint, 0xff, 0xffff, 0xffffffffu, UINT64_MAX, INT8_MIN, INT16_MIN,
                       INT32_MIN, INT64_MIN, &ra, &rb, &rc, &rd, &re, &rf, &rg, &rh),
             0);
    CHECK(ra == 0xff && rb == 0xffff && rc == 0xffffffffu && rd == UINT64_MAX);
    CHECK(re == INT8_MIN && rf == INT16_MIN && rg == INT32_MIN && rh == INT64_MIN);
    CHECK_EQ(echo_ints(endpoint, 1, 2, 3, 4, -5, -6, -7, INT64_MAX, &ra, &rb, &rc, &rd, &re, &rf,
                       &rg, &rh),
             0);
    CHECK(ra == 1 && rb == 2 && rc == 3 && rd == 4 && re == -5 && rf == -6 && rg == -7 &&
          rh == INT64_MAX);

    struct echo_point p = {-3, 9, true, ECHO_COLOR_BLACK}, rp;
    bool rflag;
    enum echo_color rcol;
    CHECK_EQ(echo_shapes(endpoint, true, ECHO_COLOR_BLUE, &p, &rflag, &rcol, &rp), 0);
    CHECK(rflag && rcol == ECHO_COLOR_BLUE && rp.x == -3 && rp.y == 9 && rp.visible &&
          rp.tint == ECHO_COLOR_BLACK);

    char rs[101];
    uint8_t bytes[200], rbytes[200];
    uint32_t rlen;
    for (unsigned i = 0; i < sizeof(bytes); i++)
        bytes[i] = (uint8_t)i; /* includes 0 bytes: byte arrays may */
    /* idl_client_init: the older name of rt_ipc_buffer_set. */
    CHECK_EQ(idl_client_init(&client_buf), 0);
    CHECK_EQ(echo_text(endpoint, "hello", bytes, 200, rs, rbytes, &rlen), 0);
    CHECK_STR(rs, "hello");
    CHECK_EQ(rlen, 200);
    CHECK(memcmp(rbytes, bytes, 200) == 0);
    CHECK_EQ(echo_text(endpoint, "", NULL, 0, rs, rbytes, &rlen), 0);
    CHECK_STR(rs, "");
    CHECK_EQ(rlen, 0);
    char full[101];
    memset(full, 'a', 100);
    full[100] = 0;
    CHECK_EQ(echo_text(endpoint, full, bytes, 7, rs, rbytes, &rlen), 0);
    CHECK_STR(rs, full);
    CHECK_EQ(rlen, 7);

    unsigned live = host_handles_live();
    cairn_handle_t mem = host_handle_new(CAIRN_OBJ_MEMORY,
                                         CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP | CAIRN_RIGHT_TRANSFER);
    uint64_t rights = 0;
    CHECK_EQ(echo_share(endpoint, mem, 4096, &rights), 0);
    CHECK_EQ(rights, CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP | CAIRN_RIGHT_TRANSFER);
    CHECK(host_handle_live(mem)); /* copied, not moved */
    CHECK_EQ(host_handles_live(), live + 1);

    cairn_handle_t ep = 0;
    CHECK_EQ(echo_mirror(endpoint, &ep), 0);
    CHECK(ep != 0 && ep != server_ep && host_handle_live(ep) && host_handle_live(server_ep));
    struct cairn_handle_info info;
    CHECK_EQ(cairn_handle_info(ep, &info), 0);
    CHECK_EQ(info.type, CAIRN_OBJ_ENDPOINT);
    live = host_handles_live();
    CHECK_EQ(echo_mirror(endpoint, NULL), 0); /* an unwanted capability is closed */
    CHECK_EQ(host_handles_live(), live);

    CHECK_EQ(echo_ping(endpoint), 0);

    static char big[4001];
    memset(big, 'b', 4000);
    uint32_t len = 0;
    CHECK_EQ(echo_big(endpoint, big, &len), 0);
    CHECK_EQ(len, 4000);
    CHECK_EQ(host_bad_closes(), 0);
}

/* The small call travels in registers only. */
static struct cairn_msg seen, seen_reply; /* the last request and reply */
static uint8_t seen_data[64], seen_reply_data[64];
static void spy_server(struct cairn_msg *msg, struct cairn_ipc_buffer *buf)
{
    seen = *msg;
    memcpy(seen_data, buf->data, sizeof(seen_data));
    echo_dispatch(&ops, &handled, msg, buf);
    seen_reply = *msg;
    memcpy(seen_reply_data, buf->data, sizeof(seen_reply_data));
}

static void test_registers_only(void)
{
    setup();
    host_server = spy_server;
    uint64_t sum;
    CHECK_EQ(echo_add(endpoint, 7, 8, &sum), 0);
    CHECK_EQ(CAIRN_MSGINFO_BYTES(seen.info), 0);
    CHECK_EQ(CAIRN_MSGINFO_CAPS(seen.info), 0);
    CHECK_EQ(CAIRN_MSGINFO_LABEL(seen.info), IDL_LABEL(ECHO_ID, ECHO_ADD));
    CHECK_EQ(seen.words[0], 7);
    CHECK_EQ(seen.words[1], 8);
    CHECK_EQ(seen.words[3], 0);
    CHECK_EQ(seen_reply.info, 0); /* status 0, no bytes, no capabilities */
    struct echo_point p = {1, 2, true, ECHO_COLOR_BLUE}, rp;
    bool rflag;
    enum echo_color rc;
    CHECK_EQ(echo_shapes(endpoint, true, ECHO_COLOR_GREEN, &p, &rflag, &rc, &rp), 0);
    /* flag, 3 bytes of padding (0, not the caller's stack), c */
    CHECK_EQ(seen.words[0], 1 | (uint64_t)ECHO_COLOR_GREEN << 32);
    CHECK_EQ(seen.words[2], 1 | (uint64_t)ECHO_COLOR_BLUE << 32);
    char rs[101];
    uint8_t rb[200];
    uint32_t rlen;
    CHECK_EQ(rt_ipc_buffer_set(&client_buf), 0);
    CHECK_EQ(echo_text(endpoint, "four", (const uint8_t *)"ab", 2, rs, rb, &rlen), 0);
    /* 4 bytes of lengths, "four\0", "ab": 11 bytes, all in registers */
    CHECK_EQ(CAIRN_MSGINFO_BYTES(seen.info), 0);
    static char text[101];
    memset(text, 't', 100);
    CHECK_EQ(echo_text(endpoint, text, (const uint8_t *)"ab", 2, rs, rb, &rlen), 0);
    CHECK_EQ(CAIRN_MSGINFO_BYTES(seen.info), 4 + 101 + 2 - 32);
}

/* --- the client's own checks ---------------------------------------------------- */

static void test_client_checks(void)
{
    setup();
    CHECK_EQ(rt_ipc_buffer_set(&client_buf), 0);
    static char long_text[200];
    memset(long_text, 'l', 101);
    char rs[101];
    uint8_t rb[200], bytes[201] = {0};
    uint32_t rlen;
    unsigned calls = host_calls;
    CHECK_EQ(echo_text(endpoint, long_text, bytes, 1, rs, rb, &rlen), -CAIRN_E_TOO_LARGE);
    CHECK_EQ(echo_text(endpoint, "ok", bytes, 201, rs, rb, &rlen), -CAIRN_E_TOO_LARGE);
    CHECK_EQ(echo_text(endpoint, NULL, bytes, 1, rs, rb, &rlen), -CAIRN_E_TOO_LARGE);
    CHECK_EQ(echo_text(endpoint, "ok", NULL, 1, rs, rb, &rlen), -CAIRN_E_TOO_LARGE);
    struct echo_point p = {0, 0, false, (enum echo_color)3};
    bool rflag;
    enum echo_color rc;
    struct echo_point rp;
    CHECK_EQ(echo_shapes(endpoint, false, (enum echo_color)2, &p, &rflag, &rc, &rp),
             -CAIRN_E_INVALID_ARGUMENT);
    CHECK_EQ(echo_shapes(endpoint, false, ECHO_COLOR_RED, &p, &rflag, &rc, &rp),
             -CAIRN_E_INVALID_ARGUMENT);
    p.tint = ECHO_COLOR_RED;
    uint8_t two = 2;
    memcpy(&p.visible, &two, 1);
    CHECK_EQ(echo_shapes(endpoint, false, ECHO_COLOR_RED, &p, &rflag, &rc, &rp),
             -CAIRN_E_INVALID_ARGUMENT);
    CHECK_EQ(echo_shapes(endpoint, false, ECHO_COLOR_RED, NULL, &rflag, &rc, &rp),
             -CAIRN_E_INVALID_ARGUMENT);
    uint64_t rights;
    cairn_handle_t ep = host_handle_new(CAIRN_OBJ_ENDPOINT, CAIRN_RIGHTS_ALL);
    cairn_handle_t ro = host_handle_new(CAIRN_OBJ_MEMORY, CAIRN_RIGHT_READ | CAIRN_RIGHT_TRANSFER);
    cairn_handle_t stuck =
        host_handle_new(CAIRN_OBJ_MEMORY, CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP); /* no TRANSFER */
    CHECK_EQ(echo_share(endpoint, ep, 0, &rights), -CAIRN_E_WRONG_TYPE);
    CHECK_EQ(echo_share(endpoint, ro, 0, &rights), -CAIRN_E_ACCESS_DENIED);
    CHECK_EQ(echo_share(endpoint, stuck, 0, &rights), -CAIRN_E_ACCESS_DENIED);
    CHECK_EQ(echo_share(endpoint, 0, 0, &rights), -CAIRN_E_INVALID_ARGUMENT);
    CHECK_EQ(echo_share(endpoint, 999, 0, &rights), -CAIRN_E_BAD_HANDLE);
    CHECK_EQ(host_calls, calls); /* nothing was sent */
    CHECK_EQ(handled, handled);

    /* Without an IPC buffer (the runtime could not allocate the thread's
     * own) only register-sized calls work. */
    CHECK_EQ(rt_ipc_buffer_set(NULL), 0);
    CHECK_EQ(echo_text(endpoint, "ok", bytes, 1, rs, rb, &rlen), -CAIRN_E_NO_MEMORY);
    cairn_handle_t ep_out;
    CHECK_EQ(echo_mirror(endpoint, &ep_out), -CAIRN_E_NO_MEMORY);
    uint64_t sum;
    CHECK_EQ(echo_add(endpoint, 1, 1, &sum), 0);
    CHECK_EQ(rt_ipc_buffer_set(&client_buf), 0);
}

/* --- malformed requests ------------------------------------------------------------ */

/* Dispatches msg (with n fresh capabilities of type/rights) and checks
 * that no handler ran, every capability was closed and the reply is
 * `error` with nothing else. */
static void expect_rejected(const char *what, struct cairn_msg msg, const uint8_t *data, unsigned n,
                            uint32_t type, uint32_t rights, long error)
{
    unsigned before = handled, live = host_handles_live();
    msg.info |= CAIRN_MSGINFO_MAKE(0, 0, n);
    if (data)
        memcpy(host_server_buf.data, data, CAIRN_MSGINFO_BYTES(msg.info));
    for (unsigned i = 0; i < n; i++)
        host_server_buf.caps[i] = host_handle_new(type, rights);
    echo_dispatch(&ops, &handled, &msg, &host_server_buf);
    if (handled != before || (int32_t)msg.info != error || host_handles_live() != live ||
        msg.words[0] || msg.words[1] || msg.words[2] || msg.words[3]) {
        check_failed++;
        fprintf(stderr,
                "%s:%d: FAIL: %s: reply %d (expected %ld), %u handler calls, %d handles "
                "left\n",
                __FILE__, __LINE__, what, (int32_t)msg.info, error, handled - before,
                (int)(host_handles_live() - live));
    } else {
        check_passed++;
    }
}

static struct cairn_msg request(unsigned method, unsigned bytes)
{
    return (struct cairn_msg){.info = CAIRN_MSGINFO_MAKE(IDL_LABEL(ECHO_ID, method), bytes, 0)};
}

static void test_bad_requests(void)
{
    setup();
    const long inval = -CAIRN_E_INVALID_ARGUMENT;
    struct cairn_msg m = request(ECHO_ADD, 0);
    m.info = CAIRN_MSGINFO_MAKE(IDL_LABEL(ECHO_ID ^ 1, ECHO_ADD), 0, 0);
    expect_rejected("another interface", m, 0, 0, 0, 0, -CAIRN_E_NOT_SUPPORTED);
    m.info = CAIRN_MSGINFO_MAKE(IDL_LABEL(ECHO_ID, 0), 0, 0);
    expect_rejected("method 0", m, 0, 1, CAIRN_OBJ_MEMORY, CAIRN_RIGHTS_ALL,
                    -CAIRN_E_NOT_SUPPORTED);
    m.info = CAIRN_MSGINFO_MAKE(IDL_LABEL(ECHO_ID, 10), 0, 0);
    expect_rejected("method 10", m, 0, 0, 0, 0, -CAIRN_E_NOT_SUPPORTED);
    m.info = CAIRN_MSGINFO_MAKE(0xffffffffu, 0, 0);
    expect_rejected("label -1", m, 0, 0, 0, 0, -CAIRN_E_NOT_SUPPORTED);

    static const uint8_t zeros[CAIRN_IPC_MAX_BYTES];
    expect_rejected("add with bytes", request(ECHO_ADD, 8), zeros, 0, 0, 0, inval);
    expect_rejected("add with a capability", request(ECHO_ADD, 0), 0, 1, CAIRN_OBJ_MEMORY,
                    CAIRN_RIGHTS_ALL, inval);
    m = request(ECHO_ADD, 0);
    m.info |= 1ull << 55;
    expect_rejected("reserved bits", m, 0, 0, 0, 0, inval);

    m = request(ECHO_SHAPES, 0);
    m.words[0] = 2; /* flag */
    expect_rejected("bool 2", m, 0, 0, 0, 0, inval);
    m.words[0] = (uint64_t)3 << 32; /* c = 3 */
    expect_rejected("enum 3", m, 0, 0, 0, 0, inval);
    m.words[0] = (uint64_t)0xfffffffe << 32; /* c = -2 */
    expect_rejected("enum -2", m, 0, 0, 0, 0, inval);
    m.words[0] = 0;
    m.words[2] = 9; /* p.visible */
    expect_rejected("struct bool 9", m, 0, 0, 0, 0, inval);
    m.words[2] = (uint64_t)8 << 32; /* p.tint */
    expect_rejected("struct enum 8", m, 0, 0, 0, 0, inval);

    /* text: lengths in word 0 (s: bytes 0-1, b: bytes 2-3), then "s\0" and b */
    m = request(ECHO_TEXT, 0);
    m.words[0] = 101;
    expect_rejected("string over its bound", m, 0, 0, 0, 0, inval);
    m.words[0] = 201u << 16;
    expect_rejected("bytes over their bound", m, 0, 0, 0, 0, inval);
    m.words[0] = 2 | (uint64_t)'a' << 32 | (uint64_t)'b' << 40 | (uint64_t)'c' << 48;
    expect_rejected("string without its NUL", m, 0, 0, 0, 0, inval);
    m.words[0] = 2 | (uint64_t)'a' << 32;
    expect_rejected("string with a NUL inside", m, 0, 0, 0, 0, inval);
    m = request(ECHO_TEXT, 10);
    m.words[0] = 1 | (uint64_t)'a' << 32;
    expect_rejected("bytes beyond the payload", m, zeros, 0, 0, 0, inval);
    m = request(ECHO_TEXT, 0);
    m.words[0] = 30u << 16; /* 4 + 1 + 30 = 35 bytes: 3 must be in the buffer */
    expect_rejected("payload shorter than its lengths", m, 0, 0, 0, 0, inval);
    m = request(ECHO_TEXT, 4);
    m.words[0] = 30u << 16;
    expect_rejected("payload longer than its lengths", m, zeros, 0, 0, 0, inval);
    m = request(ECHO_BIG, 4032);
    m.words[0] = 4001;
    expect_rejected("big string over its bound", m, zeros, 0, 0, 0, inval);
    m.words[0] = 4000;
    static uint8_t big[CAIRN_IPC_MAX_BYTES];
    memset(big, 'x', sizeof(big)); /* no NUL at the end */
    m.info = CAIRN_MSGINFO_MAKE(IDL_LABEL(ECHO_ID, ECHO_BIG), 4003 - 32, 0);
    memset(&m.words, 'x', sizeof(m.words));
    m.words[0] = 4000 | (m.words[0] & ~0xffffull);
    expect_rejected("big string without its NUL", m, big, 0, 0, 0, inval);

    /* share: one memory capability with READ and MAP */
    m = request(ECHO_SHARE, 0);
    expect_rejected("no capability", m, 0, 0, 0, 0, inval);
    expect_rejected("two capabilities", m, 0, 2, CAIRN_OBJ_MEMORY, CAIRN_RIGHTS_ALL, inval);
    expect_rejected("an endpoint for memory", m, 0, 1, CAIRN_OBJ_ENDPOINT, CAIRN_RIGHTS_ALL,
                    -CAIRN_E_WRONG_TYPE);
    expect_rejected("memory without MAP", m, 0, 1, CAIRN_OBJ_MEMORY,
                    CAIRN_RIGHT_READ | CAIRN_RIGHT_TRANSFER, -CAIRN_E_ACCESS_DENIED);
    expect_rejected("share with bytes", request(ECHO_SHARE, 4), zeros, 1, CAIRN_OBJ_MEMORY,
                    CAIRN_RIGHTS_ALL, inval);
    expect_rejected("four capabilities", m, 0, 4, CAIRN_OBJ_MEMORY, CAIRN_RIGHTS_ALL, inval);

    /* A method without a handler answers NOT_SUPPORTED and closes what came. */
    host_server = empty_server;
    cairn_handle_t mem = host_handle_new(CAIRN_OBJ_MEMORY, CAIRN_RIGHTS_ALL);
    unsigned live = host_handles_live();
    uint64_t rights;
    CHECK_EQ(rt_ipc_buffer_set(&client_buf), 0);
    CHECK_EQ(echo_share(endpoint, mem, 0, &rights), -CAIRN_E_NOT_SUPPORTED);
    CHECK_EQ(host_handles_live(), live);
    CHECK_EQ(host_bad_closes(), 0);
}

/* --- one encoding per message ------------------------------------------------------ */

/* The encoders write 0 wherever nothing travels, whatever the C structs
 * and the IPC buffers held there: every such message is accepted. */
static void test_encoders_write_zeros(void)
{
    setup();
    host_server = spy_server;
    CHECK_EQ(idl_client_init(&client_buf), 0);
    /* A caller's struct with garbage in its padding (the stub copies it
     * whole), and a handler whose result struct has garbage there too. */
    struct echo_point p, rp;
    memset(&p, 0xa5, sizeof(p));
    p.x = 1, p.y = 2, p.visible = true, p.tint = ECHO_COLOR_BLUE;
    bool rflag;
    enum echo_color rc;
    dirty_results = true;
    CHECK_EQ(echo_shapes(endpoint, true, ECHO_COLOR_GREEN, &p, &rflag, &rc, &rp), 0);
    CHECK_EQ(seen.words[0], 1 | (uint64_t)ECHO_COLOR_GREEN << 32);
    CHECK_EQ(seen.words[2], 1 | (uint64_t)ECHO_COLOR_BLUE << 32);
    CHECK_EQ(seen.words[3], 0);
    CHECK_EQ(seen_reply.words[2], 1 | (uint64_t)ECHO_COLOR_BLUE << 32);
    CHECK_EQ(seen_reply.words[3], 0);
    CHECK(rflag && rc == ECHO_COLOR_GREEN && rp.x == 1 && rp.y == 2 && rp.visible &&
          rp.tint == ECHO_COLOR_BLUE);

    /* Padding in the IPC buffer: stale bytes there on both sides. */
    memset(client_buf.data, 0xee, sizeof(client_buf.data));
    uint64_t a = 0, b = 0, c = 0, d = 0;
    uint8_t e = 0;
    char rs[9];
    CHECK_EQ(echo_wide(endpoint, 1, 2, 3, 4, 5, 6, &a, &b, &c, &d, &e, rs), 0);
    CHECK_EQ(CAIRN_MSGINFO_BYTES(seen.info), 8);
    CHECK(memcmp(seen_data, "\x05\0\0\0\x06\0\0\0", 8) == 0);
    CHECK_EQ(CAIRN_MSGINFO_BYTES(seen_reply.info), 4 + 7);
    CHECK(memcmp(seen_reply_data, "\x05\0\x06\0wwwwww\0", 11) == 0);
    CHECK(a == 1 && b == 2 && c == 3 && d == 4 && e == 5);
    CHECK_STR(rs, "wwwwww");

    /* Argument structs a program fills itself, garbage in every byte the
     * values leave: through the registers and through the buffer. */
    struct echo__shapes_in sin;
    struct echo__shapes_out sout;
    memset(&sin, 0xa5, sizeof(sin));
    sin.flag = false, sin.c = ECHO_COLOR_RED, sin.p = p;
    CHECK_EQ(idl_call(endpoint, &echo_interface, &echo_interface.methods[2], &sin, &sout), 0);
    CHECK_EQ(seen.words[0], 0);
    CHECK_EQ(seen.words[3], 0);
    struct echo__wide_in win;
    struct echo__wide_out wout;
    memset(&win, 0xa5, sizeof(win));
    win.a = win.b = win.c = win.d = 9, win.e = 7, win.f = 2;
    CHECK_EQ(idl_call_buffer(endpoint, &client_buf, &echo_interface, &echo_interface.methods[8],
                             &win, &wout),
             0);
    CHECK(memcmp(seen_data, "\x07\0\0\0\x02\0\0\0", 8) == 0);
    CHECK_STR(wout.rs, "ww");
    CHECK_EQ(host_bad_closes(), 0);
}

/* Dispatches msg (with n fresh memory handles) and checks that its
 * handler ran and answered 0. */
static void expect_accepted(const char *what, struct cairn_msg msg, const uint8_t *data, unsigned n)
{
    unsigned before = handled;
    msg.info |= CAIRN_MSGINFO_MAKE(0, 0, n);
    if (data)
        memcpy(host_server_buf.data, data, CAIRN_MSGINFO_BYTES(msg.info));
    for (unsigned i = 0; i < n; i++)
        host_server_buf.caps[i] = host_handle_new(CAIRN_OBJ_MEMORY, CAIRN_RIGHTS_ALL);
    echo_dispatch(&ops, &handled, &msg, &host_server_buf);
    if (handled != before + 1 || CAIRN_MSGINFO_LABEL(msg.info) != 0) {
        check_failed++;
        fprintf(stderr, "%s:%d: FAIL: %s: reply %d, %u handler calls\n", __FILE__, __LINE__, what,
                (int32_t)msg.info, handled - before);
    } else {
        check_passed++;
    }
}

/* msg, well formed, is accepted; with payload byte `byte` (the registers'
 * 0-31, then the IPC buffer's) made 0x01 or 0x80 and nothing else
 * changed, it is refused before its handler runs. */
static void expect_one_encoding(const char *what, struct cairn_msg msg, const uint8_t *data,
                                unsigned n, unsigned byte)
{
    static uint8_t bytes[CAIRN_IPC_MAX_BYTES];
    memset(bytes, 0, sizeof(bytes));
    if (data)
        memcpy(bytes, data, CAIRN_MSGINFO_BYTES(msg.info));
    char label[96];
    snprintf(label, sizeof(label), "%s (well formed)", what);
    expect_accepted(label, msg, bytes, n);
    for (unsigned value = 0x01; value <= 0x80; value <<= 7) {
        struct cairn_msg bad = msg;
        uint8_t *at =
            byte < IDL_REG_BYTES ? (uint8_t *)bad.words + byte : bytes + (byte - IDL_REG_BYTES);
        uint8_t keep = *at;
        *at = (uint8_t)value;
        snprintf(label, sizeof(label), "%s: payload byte %u = 0x%02x", what, byte, value);
        expect_rejected(label, bad, bytes, n, CAIRN_OBJ_MEMORY, CAIRN_RIGHTS_ALL,
                        -CAIRN_E_INVALID_ARGUMENT);
        *at = keep;
    }
}

static void test_one_encoding_requests(void)
{
    setup();
    struct cairn_msg m = request(ECHO_ADD, 0);
    m.words[0] = 40, m.words[1] = 2;
    /* register words the method does not use (the fast path) */
    const unsigned add_bytes[] = {16, 23, 24, 31};
    for (unsigned i = 0; i < 4; i++)
        expect_one_encoding("add: an unused register word", m, 0, 0, add_bytes[i]);

    /* ints: u8 a at 0, u16 b at 2, ... i8 e at 16, i16 f at 18 */
    m = request(ECHO_INTS, 0);
    m.words[0] = 0xffffffffffff00ffull, m.words[2] = 0xffffffffffff00ffull;
    expect_one_encoding("ints: padding after a u8", m, 0, 0, 1);
    expect_one_encoding("ints: padding after an i8", m, 0, 0, 17);

    /* shapes: flag at 0, padding 1-3, c at 4; p at 8: x, y, visible at 16,
     * padding 17-19, tint at 20; registers after 24 */
    m = request(ECHO_SHAPES, 0);
    m.words[0] = 1 | (uint64_t)ECHO_COLOR_BLACK << 32;
    m.words[2] = 1 | (uint64_t)ECHO_COLOR_BLUE << 32;
    const unsigned shape_bytes[] = {1, 2, 3, 17, 18, 19, 24, 31};
    for (unsigned i = 0; i < 8; i++)
        expect_one_encoding("shapes: padding or an unused register", m, 0, 0, shape_bytes[i]);

    m = request(ECHO_PING, 0);
    m.badge = 0x5eed;
    expect_one_encoding("ping: a register of a method without arguments", m, 0, 0, 0);
    expect_one_encoding("ping: a register of a method without arguments", m, 0, 0, 31);
    m = request(ECHO_MIRROR, 0); /* registers only, its reply is not */
    expect_one_encoding("mirror: a register of a method without arguments", m, 0, 0, 7);

    /* text "ab" and no bytes: lengths at 0 and 2, "ab\0" at 4: 7 bytes */
    m = request(ECHO_TEXT, 0);
    m.words[0] = 2 | (uint64_t)'a' << 32 | (uint64_t)'b' << 40;
    expect_one_encoding("text: a register byte after the payload", m, 0, 0, 7);
    expect_one_encoding("text: a register byte after the payload", m, 0, 0, 30);

    /* share: the offset at 0, a memory capability */
    m = request(ECHO_SHARE, 0);
    m.words[0] = 4096;
    expect_one_encoding("share: a register byte after the payload", m, 0, 1, 4);
    expect_one_encoding("share: a register byte after the payload", m, 0, 1, 31);

    /* wide: a-d in the registers, e at 32, padding 33-35, f at 36 */
    m = request(ECHO_WIDE, 8);
    m.words[0] = 1, m.words[3] = UINT64_MAX;
    const uint8_t wide[8] = {7, 0, 0, 0, 3, 0, 0, 0};
    for (unsigned byte = 33; byte <= 35; byte++)
        expect_one_encoding("wide: padding in the IPC buffer", m, wide, 0, byte);

    /* Descriptor flags no request has (the kernel strips TIMEOUT and never
     * delivers NOTIFIED with a label). */
    const long inval = -CAIRN_E_INVALID_ARGUMENT;
    m = request(ECHO_ADD, 0);
    m.info |= CAIRN_MSGINFO_TIMEOUT;
    expect_rejected("add with the timeout flag", m, 0, 0, 0, 0, inval);
    m = request(ECHO_TEXT, 0);
    m.info |= CAIRN_MSGINFO_NOTIFIED;
    expect_rejected("text with the notified flag", m, 0, 0, 0, 0, inval);
    m = request(ECHO_WIDE, 8);
    m.info |= CAIRN_MSGINFO_TIMEOUT;
    expect_rejected("wide with the timeout flag", m, wide, 0, 0, 0, inval);
    CHECK_EQ(host_bad_closes(), 0);
}

/* --- the handler's errors and results -------------------------------------------- */

static void test_handler_results(void)
{
    setup();
    CHECK_EQ(rt_ipc_buffer_set(&client_buf), 0);
    uint64_t sum = 77;
    force_status = -CAIRN_E_NOT_FOUND;
    CHECK_EQ(echo_add(endpoint, 1, 2, &sum), -CAIRN_E_NOT_FOUND);
    CHECK_EQ(sum, 77); /* untouched */
    force_status = 0;
    overlong_result = true;
    char rs[101];
    uint8_t rb[200];
    uint32_t rlen;
    CHECK_EQ(echo_text(endpoint, "a", rb, 0, rs, rb, &rlen), -CAIRN_E_TOO_LARGE);
}

/* --- malformed replies ------------------------------------------------------------- */

/* Calls method through evil_server: the stub must return error and, unless
 * error is 0, leave the results untouched; no handle may be left. */
static void expect_reply_rejected(const char *what, unsigned method, long error)
{
    unsigned live = host_handles_live();
    uint64_t sum = 5;
    char rs[101] = "keep";
    uint8_t rb[200], e8;
    uint32_t rlen = 9;
    cairn_handle_t ep = 0;
    long r = method == ECHO_ADD    ? echo_add(endpoint, 1, 2, &sum)
             : method == ECHO_TEXT ? echo_text(endpoint, "x", rb, 0, rs, rb, &rlen)
             : method == ECHO_WIDE
                 ? echo_wide(endpoint, 1, 2, 3, 4, 5, 6, &sum, &sum, &sum, &sum, &e8, rs)
                 : echo_mirror(endpoint, &ep);
    bool untouched = sum == 5 && strcmp(rs, "keep") == 0 && rlen == 9 && !ep;
    if (r != error || host_handles_live() != live || (error && !untouched)) {
        check_failed++;
        fprintf(stderr, "%s:%d: FAIL: %s: got %ld (expected %ld), %d handles left\n", __FILE__,
                __LINE__, what, r, error, (int)(host_handles_live() - live));
    } else {
        check_passed++;
    }
}

static void test_bad_replies(void)
{
    setup();
    CHECK_EQ(rt_ipc_buffer_set(&client_buf), 0);
    host_server = evil_server;
    const long inval = -CAIRN_E_INVALID_ARGUMENT;
    bad_reply = (struct cairn_msg){.info = CAIRN_MSGINFO(5)};
    expect_reply_rejected("a positive status", ECHO_ADD, inval);
    bad_reply.info = CAIRN_MSGINFO((uint32_t)-CAIRN_E_BUSY);
    evil_caps = 2;
    expect_reply_rejected("an error with capabilities", ECHO_ADD, inval);
    evil_caps = 1;
    bad_reply.info = CAIRN_MSGINFO(0);
    expect_reply_rejected("a capability too many", ECHO_ADD, inval);
    evil_caps = 0;
    bad_reply.info = CAIRN_MSGINFO_MAKE(0, 8, 0);
    expect_reply_rejected("bytes too many", ECHO_ADD, inval);
    bad_reply.info = CAIRN_MSGINFO(0);
    bad_reply.words[0] = 200;
    expect_reply_rejected("a string over its bound", ECHO_TEXT, inval);
    bad_reply.words[0] = 1 | (uint64_t)'a' << 32 | (uint64_t)'b' << 40;
    expect_reply_rejected("a string without its NUL", ECHO_TEXT, inval);
    bad_reply.words[0] = 300u << 16;
    expect_reply_rejected("bytes over their bound", ECHO_TEXT, inval);
    bad_reply.words[0] = 0;
    expect_reply_rejected("no capability", ECHO_MIRROR, inval);
    evil_caps = 1;
    evil_type = CAIRN_OBJ_MEMORY;
    expect_reply_rejected("memory for an endpoint", ECHO_MIRROR, -CAIRN_E_WRONG_TYPE);
    evil_caps = 2;
    evil_type = CAIRN_OBJ_ENDPOINT;
    expect_reply_rejected("two endpoints", ECHO_MIRROR, inval);
    CHECK_EQ(host_bad_closes(), 0);
}

/* The reply bad_reply (and bad_data) is accepted; with payload byte
 * `byte` made 0x80 it is refused. */
static void expect_one_reply_encoding(const char *what, unsigned method, unsigned byte)
{
    char label[96];
    snprintf(label, sizeof(label), "%s (well formed)", what);
    expect_reply_rejected(label, method, 0);
    uint8_t *at = byte < IDL_REG_BYTES ? (uint8_t *)bad_reply.words + byte
                                       : bad_data + (byte - IDL_REG_BYTES);
    uint8_t keep = *at;
    *at = 0x80;
    snprintf(label, sizeof(label), "%s: payload byte %u = 0x80", what, byte);
    expect_reply_rejected(label, method, -CAIRN_E_INVALID_ARGUMENT);
    *at = keep;
}

static void test_one_encoding_replies(void)
{
    setup();
    CHECK_EQ(idl_client_init(&client_buf), 0);
    host_server = evil_server;
    /* add: the sum in word 0 (the register path) */
    bad_reply = (struct cairn_msg){.info = CAIRN_MSGINFO(0), .words = {3}};
    const unsigned add_bytes[] = {8, 15, 16, 31};
    for (unsigned i = 0; i < 4; i++)
        expect_one_reply_encoding("add: an unused register word", ECHO_ADD, add_bytes[i]);
    /* text: "x" and no bytes: lengths at 0 and 2, "x\0" at 4 */
    bad_reply.words[0] = 1 | (uint64_t)'x' << 32;
    expect_one_reply_encoding("text: a register byte after the payload", ECHO_TEXT, 6);
    expect_one_reply_encoding("text: a register byte after the payload", ECHO_TEXT, 31);
    /* wide: re at 32, padding at 33, rs's length at 34, "" at 36 */
    bad_reply = (struct cairn_msg){.info = CAIRN_MSGINFO_MAKE(0, 5, 0), .words = {1, 2, 3, 4}};
    memcpy(bad_data, "\x05\0\0\0\0", 5);
    expect_one_reply_encoding("wide: padding in the IPC buffer", ECHO_WIDE, 33);
    /* mirror: no bytes at all, one endpoint */
    bad_reply = (struct cairn_msg){.info = CAIRN_MSGINFO(0)};
    evil_caps = 1;
    unsigned live = host_handles_live();
    cairn_handle_t ep = 0;
    CHECK_EQ(echo_mirror(endpoint, &ep), 0);
    CHECK_EQ(cairn_handle_close(ep), 0);
    CHECK_EQ(host_handles_live(), live);
    bad_reply.words[2] = 1;
    expect_reply_rejected("mirror: a register after the payload", ECHO_MIRROR,
                          -CAIRN_E_INVALID_ARGUMENT);
    evil_caps = 0;

    /* An error reply is its label alone, and the label a known error. */
    const long inval = -CAIRN_E_INVALID_ARGUMENT;
    bad_reply = (struct cairn_msg){.info = CAIRN_MSGINFO((uint32_t)-CAIRN_E_BUSY)};
    expect_reply_rejected("an error", ECHO_ADD, -CAIRN_E_BUSY);
    expect_reply_rejected("an error (buffer path)", ECHO_TEXT, -CAIRN_E_BUSY);
    bad_reply.info = CAIRN_MSGINFO((uint32_t) - (CAIRN_ERROR_COUNT - 1));
    expect_reply_rejected("the last error", ECHO_ADD, -(CAIRN_ERROR_COUNT - 1));
    bad_reply.info = CAIRN_MSGINFO((uint32_t)-CAIRN_ERROR_COUNT);
    expect_reply_rejected("an error past the last", ECHO_ADD, inval);
    bad_reply.info = CAIRN_MSGINFO(0x80000000u);
    expect_reply_rejected("an error of INT32_MIN", ECHO_TEXT, inval);
    bad_reply.info = CAIRN_MSGINFO((uint32_t)-CAIRN_E_BUSY);
    bad_reply.words[3] = 1;
    expect_reply_rejected("an error with a word", ECHO_ADD, inval);
    expect_reply_rejected("an error with a word (buffer path)", ECHO_TEXT, inval);
    bad_reply.words[3] = 0;
    bad_reply.info = CAIRN_MSGINFO_MAKE((uint32_t)-CAIRN_E_BUSY, 4, 0);
    expect_reply_rejected("an error with bytes", ECHO_TEXT, inval);
    bad_reply.info = CAIRN_MSGINFO((uint32_t)-CAIRN_E_BUSY) | CAIRN_MSGINFO_TIMEOUT;
    expect_reply_rejected("an error with a flag", ECHO_ADD, inval);
    bad_reply.info = CAIRN_MSGINFO_TIMEOUT | 3;
    expect_reply_rejected("a success with a flag", ECHO_ADD, inval);
    bad_reply = (struct cairn_msg){.info = CAIRN_MSGINFO_NOTIFIED};
    expect_reply_rejected("a success with the notified flag", ECHO_TEXT, inval);
    CHECK_EQ(host_bad_closes(), 0);
}

/* --- the server loop ------------------------------------------------------------------ */

static void queue(struct cairn_msg m)
{
    host_queue[host_queued++] = m;
}

static void test_serve(void)
{
    setup();
    host_queued = host_taken = host_replied = 0;
    struct cairn_msg add = request(ECHO_ADD, 0);
    add.words[0] = 20, add.words[1] = 22;
    queue(add);
    struct cairn_msg bad = request(ECHO_SHAPES, 0);
    bad.words[0] = 2;
    queue(bad);
    struct cairn_msg stranger = {.info = CAIRN_MSGINFO_MAKE(IDL_LABEL(ECHO_ID + 1, 1), 0, 2)};
    queue(stranger);
    queue((struct cairn_msg){.info = CAIRN_MSGINFO_NOTIFIED, .badge = 1});
    struct cairn_msg mirror = request(ECHO_MIRROR, 0);
    queue(mirror);
    add.words[1] = 1;
    queue(add);
    unsigned live = host_handles_live();
    cairn_handle_t recv_ep = host_handle_new(CAIRN_OBJ_ENDPOINT, CAIRN_RIGHT_WAIT);
    unsigned before = handled;
    CHECK_EQ(echo_serve(recv_ep, &host_server_buf, &ops, &handled), -CAIRN_E_PEER_DEAD);
    CHECK_EQ(host_taken, 6);
    CHECK_EQ(host_replied, 5);
    CHECK_EQ(handled - before, 3);
    CHECK_EQ((int32_t)host_replies[0].info, 0);
    CHECK_EQ(host_replies[0].words[0], 42);
    CHECK_EQ((int32_t)host_replies[1].info, -CAIRN_E_INVALID_ARGUMENT);
    CHECK_EQ((int32_t)host_replies[2].info, -CAIRN_E_NOT_SUPPORTED);
    CHECK_EQ(host_replies[3].info, CAIRN_MSGINFO_MAKE(0, 0, 1));
    CHECK_EQ((int32_t)host_replies[4].info, 0);
    CHECK_EQ(host_replies[4].words[0], 21);
    CHECK_EQ(host_handles_live(), live + 1); /* the stranger's capabilities were closed */

    /* A reply the kernel refuses (the server's handle lacks TRANSFER) is
     * answered with the error alone, and serving goes on. */
    host_queued = host_taken = host_replied = 0;
    server_ep = host_handle_new(CAIRN_OBJ_ENDPOINT, CAIRN_RIGHT_SIGNAL);
    queue(mirror);
    queue(add);
    CHECK_EQ(echo_serve(recv_ep, &host_server_buf, &ops, &handled), -CAIRN_E_PEER_DEAD);
    CHECK_EQ(host_replied, 2);
    CHECK_EQ((int32_t)host_replies[0].info, -CAIRN_E_ACCESS_DENIED);
    CHECK_EQ(host_replies[1].words[0], 21);
    CHECK_EQ(echo_serve(999, &host_server_buf, &ops, &handled), -CAIRN_E_BAD_HANDLE);
}

int main(void)
{
    test_round_trips();
    test_registers_only();
    test_client_checks();
    test_bad_requests();
    test_encoders_write_zeros();
    test_one_encoding_requests();
    test_handler_results();
    test_bad_replies();
    test_one_encoding_replies();
    test_serve();
    return CHECK_DONE("idl");
}
