/*
 * ipc.c - endpoints: call and reply carry four words each way, the
 * receiver sees the badge, timeouts and polls, error paths, a peer that
 * dies, and IPC between CPUs.
 */
#include "ktest.h"
#include "threads.h"
#include <cairn/error.h>
#include <rt/ipc.h>

#define MS 1000000ull

/* Answers each message with its words plus one and its badge in word 3,
 * until a message with label 0xdead. */
static void echo_server(uint64_t endpoint)
{
    struct cairn_msg m;
    long status = rt_ipc_recv((cairn_handle_t)endpoint, UINT64_MAX, &m);
    while (status == 0 && CAIRN_MSGINFO_LABEL(m.info) != 0xdead) {
        uint64_t badge = m.badge;
        m.info = CAIRN_MSGINFO(CAIRN_MSGINFO_LABEL(m.info) + 1);
        for (int i = 0; i < 3; i++)
            m.words[i] += 1;
        m.words[3] = badge;
        status = rt_ipc_reply_recv((cairn_handle_t)endpoint, &m);
    }
    rt_ipc_reply(&m);
    kt_thread_done();
}

static void stop_server(long endpoint)
{
    struct cairn_msg m = {.info = CAIRN_MSGINFO(0xdead)};
    EXPECT_EQ(rt_ipc_call(endpoint, &m), 0);
}

static void call_echo_server(uint32_t affinity, int rounds)
{
    long ep = cairn_endpoint_create();
    long badged = cairn_handle_mint(ep, CAIRN_RIGHT_SIGNAL, 0x5eed);
    EXPECT_TRUE(kt_spawn(echo_server, (uint64_t)ep, affinity) > 0);
    for (int i = 0; i < rounds; i++) {
        struct cairn_msg m = {.info = CAIRN_MSGINFO(10), .words = {1, 2, (uint64_t)i, 0}};
        EXPECT_EQ(rt_ipc_call(badged, &m), 0);
        EXPECT_EQ(CAIRN_MSGINFO_LABEL(m.info), 11);
        EXPECT_EQ(m.words[0], 2);
        EXPECT_EQ(m.words[1], 3);
        EXPECT_EQ(m.words[2], (uint64_t)i + 1);
        EXPECT_EQ(m.words[3], 0x5eed);
    }
    stop_server(ep);
    kt_join(1);
    cairn_handle_close(badged);
    cairn_handle_close(ep);
}

KTEST(ipc_call_reply_same_cpu, KTEST_QUICK)
{
    call_echo_server(RT_AFFINITY_ANY, 100);
}

KTEST(ipc_call_reply_cross_cpu, KTEST_QUICK)
{
    call_echo_server(kt_other_cpu(0), 100);
}

KTEST(ipc_receive_polls_and_times_out, KTEST_QUICK)
{
    struct cairn_msg m;
    long ep = cairn_endpoint_create();
    EXPECT_ERR(rt_ipc_recv(ep, 0, &m), CAIRN_E_WOULD_BLOCK);
    uint64_t start = cairn_clock_get();
    EXPECT_ERR(rt_ipc_recv(ep, 3 * MS, &m), CAIRN_E_TIMED_OUT);
    EXPECT_TRUE(cairn_clock_get() - start >= 3 * MS);
    cairn_handle_close(ep);
}

KTEST(ipc_error_paths, KTEST_QUICK)
{
    struct cairn_msg m = {0};
    long ep = cairn_endpoint_create();
    long n = cairn_notification_create();
    long recv_only = cairn_handle_duplicate(ep, CAIRN_RIGHT_WAIT);
    long call_only = cairn_handle_duplicate(ep, CAIRN_RIGHT_SIGNAL);
    EXPECT_ERR(rt_ipc_reply(&m), CAIRN_E_NOT_FOUND);
    EXPECT_ERR(rt_ipc_call(n, &m), CAIRN_E_WRONG_TYPE);
    EXPECT_ERR(rt_ipc_call(recv_only, &m), CAIRN_E_ACCESS_DENIED);
    EXPECT_ERR(rt_ipc_recv(call_only, 0, &m), CAIRN_E_ACCESS_DENIED);
    EXPECT_ERR(rt_ipc_call(0x12345678, &m), CAIRN_E_BAD_HANDLE);
    m.info = 1ull << 50;
    EXPECT_ERR(rt_ipc_call(ep, &m), CAIRN_E_INVALID_ARGUMENT);
    /* Bytes and capabilities need an IPC buffer (ipc_long.c). */
    m.info = 8ull << 32;
    EXPECT_ERR(rt_ipc_call(ep, &m), CAIRN_E_BAD_ADDRESS);
    m.info = 1ull << 45;
    EXPECT_ERR(rt_ipc_call(ep, &m), CAIRN_E_BAD_ADDRESS);
    EXPECT_EQ(cairn_handle_revoke(ep), 0);
    m.info = 0;
    EXPECT_ERR(rt_ipc_call(call_only, &m), CAIRN_E_REVOKED);
    cairn_handle_close(recv_only);
    cairn_handle_close(call_only);
    cairn_handle_close(n);
    cairn_handle_close(ep);
}

/* Takes one message and ends without replying. */
static void vanishing_server(uint64_t endpoint)
{
    struct cairn_msg m;
    rt_ipc_recv((cairn_handle_t)endpoint, UINT64_MAX, &m);
    kt_thread_done();
}

KTEST(ipc_to_a_server_that_dies, KTEST_QUICK)
{
    long ep = cairn_endpoint_create();
    EXPECT_TRUE(kt_spawn(vanishing_server, (uint64_t)ep, RT_AFFINITY_ANY) > 0);
    struct cairn_msg m = {.info = CAIRN_MSGINFO(1)};
    EXPECT_ERR(rt_ipc_call(ep, &m), CAIRN_E_PEER_DEAD);
    kt_join(1);
    cairn_handle_close(ep);
}
