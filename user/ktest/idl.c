/*
 * idl.c - the generated stubs and server of tests/idl/echo.idl over real
 * IPC: a server thread in idl_serve, calls of every kind of argument
 * (registers only, the IPC buffer, capabilities both ways), and a hostile
 * client's malformed messages, each refused with its error while the
 * server goes on serving.
 */
#include "ktest.h"
#include "leak.h"
#include "threads.h"
#include <cairn/error.h>
#include <idl/echo.h>
#include <rt/ipc.h>

#define SERVER_STACK_SIZE 32768

static uint8_t server_stack[SERVER_STACK_SIZE] __attribute__((aligned(16)));
static struct cairn_ipc_buffer server_buf __attribute__((aligned(4096)));
static struct cairn_ipc_buffer client_buf __attribute__((aligned(4096)));
static long server_ep;  /* what mirror returns */
static long handled;    /* handler calls */
static uint64_t badges; /* the badges the handlers saw, ORed */

static long on_add(void *ctx, const struct idl_call *call, uint64_t a, uint64_t b, uint64_t *sum)
{
    (void)ctx;
    handled++;
    badges |= call->badge;
    *sum = a + b;
    return 0;
}

static long on_text(void *ctx, const struct idl_call *call, const char *s, const uint8_t *b,
                    uint32_t b_len, char rs[101], uint8_t rb[200], uint32_t *rb_len)
{
    (void)ctx;
    (void)call;
    handled++;
    size_t n = rt_strlen(s);
    for (size_t i = 0; i < n; i++)
        rs[i] = s[n - 1 - i];
    rs[n] = 0;
    for (uint32_t i = 0; i < b_len; i++)
        rb[i] = (uint8_t)(b[i] + 1);
    *rb_len = b_len;
    return 0;
}

static long on_share(void *ctx, const struct idl_call *call, cairn_handle_t mem, uint32_t offset,
                     uint64_t *rights)
{
    (void)ctx;
    (void)call;
    (void)offset;
    handled++;
    struct cairn_handle_info info;
    long r = cairn_handle_info(mem, &info);
    cairn_handle_close(mem);
    *rights = info.rights;
    return r;
}

static long on_mirror(void *ctx, const struct idl_call *call, cairn_handle_t *ep)
{
    (void)ctx;
    (void)call;
    handled++;
    *ep = (cairn_handle_t)server_ep;
    return 0;
}

/* Stops the server: answers, then ends the thread. */
static long on_ping(void *ctx, const struct idl_call *call)
{
    (void)ctx;
    (void)call;
    struct cairn_msg ok = {.info = CAIRN_MSGINFO(0)};
    rt_ipc_reply(&ok);
    kt_thread_done();
}

static long on_big(void *ctx, const struct idl_call *call, const char *s, uint32_t *len)
{
    (void)ctx;
    (void)call;
    handled++;
    *len = (uint32_t)rt_strlen(s);
    return -CAIRN_E_BUSY;
}

static const struct echo_ops ops = {
    .add = on_add,
    .text = on_text,
    .share = on_share,
    .mirror = on_mirror,
    .ping = on_ping,
    .big = on_big,
};

static void server_main(uint64_t endpoint)
{
    echo_serve((cairn_handle_t)endpoint, &server_buf, &ops, 0);
    kt_thread_done();
}

/* A server thread on a new endpoint; returns the endpoint. */
static long server_start(void)
{
    long ep = cairn_endpoint_create();
    EXPECT_TRUE(ep > 0);
    server_ep = cairn_endpoint_create();
    long t = rt_thread_start(server_main, (uint64_t)ep, server_stack, sizeof(server_stack),
                             RT_PRIORITY_DEFAULT, RT_AFFINITY_ANY);
    EXPECT_TRUE(t > 0);
    if (t > 0)
        cairn_handle_close(t);
    EXPECT_EQ(rt_ipc_buffer_set(&client_buf), 0); /* a static page: no heap use */
    handled = 0;
    badges = 0;
    return ep;
}

static void server_stop(long ep)
{
    EXPECT_EQ(echo_ping(ep), 0);
    kt_join(1);
    EXPECT_EQ(rt_ipc_buffer_set(NULL), 0);
    cairn_handle_close(server_ep);
    cairn_handle_close(ep);
}

KTEST(idl_calls, KTEST_QUICK)
{
    long ep = server_start();
    long badged = cairn_handle_mint(ep, CAIRN_RIGHT_SIGNAL, 0x1d1);
    uint64_t sum = 0;
    EXPECT_EQ(echo_add(badged, 40, 2, &sum), 0);
    EXPECT_EQ(sum, 42);
    EXPECT_EQ(badges, 0x1d1);

    char rs[101];
    uint8_t rb[200], b[200];
    uint32_t rlen = 0;
    for (unsigned i = 0; i < sizeof(b); i++)
        b[i] = (uint8_t)i;
    EXPECT_EQ(echo_text(ep, "abc", b, 200, rs, rb, &rlen), 0);
    EXPECT_EQ(rs[0] == 'c' && rs[1] == 'b' && rs[2] == 'a' && rs[3] == 0, 1);
    EXPECT_EQ(rlen, 200);
    EXPECT_EQ(rb[0], 1);
    EXPECT_EQ(rb[199], 200);

    long mem = cairn_memory_create(4096);
    uint64_t rights = 0;
    EXPECT_EQ(echo_share(ep, mem, 0, &rights), 0);
    struct cairn_handle_info mine;
    EXPECT_EQ(cairn_handle_info(mem, &mine), 0); /* copied, still ours */
    EXPECT_EQ(rights, mine.rights);
    long ro = cairn_handle_duplicate(mem, CAIRN_RIGHT_READ | CAIRN_RIGHT_TRANSFER);
    EXPECT_ERR(echo_share(ep, ro, 0, &rights), CAIRN_E_ACCESS_DENIED); /* refused before sending */
    EXPECT_ERR(echo_share(ep, ep, 0, &rights), CAIRN_E_WRONG_TYPE);

    cairn_handle_t got = 0;
    EXPECT_EQ(echo_mirror(ep, &got), 0);
    struct cairn_handle_info info = {0};
    EXPECT_EQ(cairn_handle_info(got, &info), 0);
    EXPECT_EQ(info.type, CAIRN_OBJ_ENDPOINT);
    EXPECT_TRUE(got != (cairn_handle_t)server_ep);
    cairn_handle_close(got);

    static char big[4001];
    for (int i = 0; i < 4000; i++)
        big[i] = 'b';
    uint32_t len = 0;
    EXPECT_ERR(echo_big(ep, big, &len), CAIRN_E_BUSY); /* the handler's error */
    EXPECT_EQ(len, 0);
    EXPECT_ERR(echo_ints(ep, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
               CAIRN_E_NOT_SUPPORTED); /* no handler */
    EXPECT_EQ(handled, 5);
    server_stop(ep);
    cairn_handle_close(ro);
    cairn_handle_close(mem);
    cairn_handle_close(badged);
}

/* Sends a raw message (n capabilities copied from caps) and returns the
 * reply's status. */
static long raw_call(long ep, uint32_t label, const uint64_t words[4], unsigned bytes,
                     const cairn_handle_t *caps, unsigned n)
{
    struct cairn_msg m = {.info = rt_ipc_caps_put(&client_buf, label, bytes, caps, n, false)};
    for (int i = 0; i < 4; i++)
        m.words[i] = words[i];
    long r = rt_ipc_call(ep, &m);
    if (r < 0)
        return r;
    EXPECT_EQ(CAIRN_MSGINFO_BYTES(m.info), 0);
    EXPECT_EQ(CAIRN_MSGINFO_CAPS(m.info), 0);
    return (int32_t)CAIRN_MSGINFO_LABEL(m.info);
}

KTEST(idl_hostile_client, KTEST_QUICK)
{
    long ep = server_start();
    const uint64_t zero[4] = {0};
    const uint32_t add = IDL_LABEL(ECHO_ID, ECHO_ADD), text = IDL_LABEL(ECHO_ID, ECHO_TEXT),
                   share = IDL_LABEL(ECHO_ID, ECHO_SHARE);
    EXPECT_ERR(raw_call(ep, IDL_LABEL(ECHO_ID + 1, ECHO_ADD), zero, 0, 0, 0),
               CAIRN_E_NOT_SUPPORTED);
    EXPECT_ERR(raw_call(ep, IDL_LABEL(ECHO_ID, 200), zero, 0, 0, 0), CAIRN_E_NOT_SUPPORTED);
    EXPECT_ERR(raw_call(ep, 0, zero, 0, 0, 0), CAIRN_E_NOT_SUPPORTED);
    EXPECT_ERR(raw_call(ep, add, zero, 16, 0, 0), CAIRN_E_INVALID_ARGUMENT);
    const uint64_t past[4] = {1, 2, 0, 1ull << 63}; /* a register add does not use */
    EXPECT_ERR(raw_call(ep, add, past, 0, 0, 0), CAIRN_E_INVALID_ARGUMENT);
    const uint64_t no_nul[4] = {3 | (uint64_t)0x414141 << 32 | (uint64_t)'A' << 56};
    EXPECT_ERR(raw_call(ep, text, no_nul, 0, 0, 0), CAIRN_E_INVALID_ARGUMENT);
    const uint64_t too_long[4] = {101};
    EXPECT_ERR(raw_call(ep, text, too_long, 200, 0, 0), CAIRN_E_INVALID_ARGUMENT);
    long note = cairn_notification_create();
    long mem = cairn_memory_create(4096);
    const cairn_handle_t wrong[1] = {(cairn_handle_t)note};
    EXPECT_ERR(raw_call(ep, share, zero, 0, wrong, 1), CAIRN_E_WRONG_TYPE);
    const cairn_handle_t two[2] = {(cairn_handle_t)mem, (cairn_handle_t)mem};
    EXPECT_ERR(raw_call(ep, share, zero, 0, two, 2), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(raw_call(ep, add, zero, 0, two, 1), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_EQ(handled, 0);
    /* ... and it still serves a well-formed request. */
    uint64_t sum = 0;
    EXPECT_EQ(echo_add(ep, 1, 2, &sum), 0);
    EXPECT_EQ(sum, 3);
    EXPECT_EQ(handled, 1);
    server_stop(ep);
    cairn_handle_close(note);
    cairn_handle_close(mem);
}

/* Every capability a refused message brought is closed by the dispatcher
 * (and the one share's handler gets, by the handler): once the client has
 * closed its own handle, the memory object is gone. */
KTEST(idl_refused_capabilities_closed, KTEST_QUICK)
{
    long ep = server_start();
    struct cairn_system_info before;
    EXPECT_EQ(cairn_system_info(&before), 0);
    long mem = cairn_memory_create(64 * 4096);
    const cairn_handle_t caps[4] = {(cairn_handle_t)mem, (cairn_handle_t)mem, (cairn_handle_t)mem,
                                    (cairn_handle_t)mem};
    const uint64_t zero[4] = {0};
    const uint32_t share = IDL_LABEL(ECHO_ID, ECHO_SHARE);
    EXPECT_ERR(raw_call(ep, IDL_LABEL(ECHO_ID + 1, 1), zero, 0, caps, 4), CAIRN_E_NOT_SUPPORTED);
    EXPECT_ERR(raw_call(ep, IDL_LABEL(ECHO_ID, ECHO_ADD), zero, 0, caps, 2),
               CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(raw_call(ep, share, zero, 8, caps, 1), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(raw_call(ep, share, zero, 0, caps, 3), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(raw_call(ep, IDL_LABEL(ECHO_ID, ECHO_INTS), zero, 0, caps, 1),
               CAIRN_E_INVALID_ARGUMENT);
    uint64_t rights = 0;
    EXPECT_EQ(echo_share(ep, mem, 0, &rights), 0);
    EXPECT_EQ(cairn_handle_close(mem), 0);
    EXPECT_TRUE(kt_memory_back_to(&before));
    server_stop(ep);
}
