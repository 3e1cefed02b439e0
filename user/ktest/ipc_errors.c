/*
 * ipc_errors.c - endpoint_create, ipc_call, _recv, _reply and
 * _reply_recv: every documented error with stale, revoked, wrong-type,
 * under-privileged and oversized handles and bad descriptors (a failed
 * reply leaves the caller waiting), peers that die in every phase of a
 * call, and a receiver blocked on a handle that is revoked under it.
 */
#include "ktest.h"
#include "threads.h"
#include <cairn/error.h>
#include <rt/ipc.h>

#define MS            1000000ull
#define RECV_PATIENCE (5000 * MS) /* a receive that must succeed; never a hang */

#define ALL_ENDPOINT_RIGHTS                                                                        \
    (CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_WAIT | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER |        \
     CAIRN_RIGHT_REVOKE)

/* A helper's call on an endpoint, and what came back. */
struct call {
    long endpoint;
    struct cairn_msg msg;
    long result;
    int started; /* atomic */
};

static void call_once(uint64_t arg)
{
    struct call *c = (struct call *)arg;
    __atomic_store_n(&c->started, 1, __ATOMIC_RELEASE);
    c->result = rt_ipc_call((cairn_handle_t)c->endpoint, &c->msg);
    kt_thread_done();
}

/* Starts a helper calling c->endpoint with label 5 and words 1-4, and
 * receives its message in *m (the main thread then owes it a reply). */
static void receive_a_call(struct call *c, struct cairn_msg *m)
{
    c->msg = (struct cairn_msg){.info = CAIRN_MSGINFO(5), .words = {1, 2, 3, 4}};
    c->result = -1;
    c->started = 0;
    EXPECT_TRUE(kt_spawn(call_once, (uint64_t)c, RT_AFFINITY_ANY) > 0);
    EXPECT_EQ(rt_ipc_recv((cairn_handle_t)c->endpoint, RECV_PATIENCE, m), 0);
    EXPECT_EQ(CAIRN_MSGINFO_LABEL(m->info), 5);
    EXPECT_EQ(m->words[3], 4);
}

/* Replies label 6 with words 10-13 and checks the helper got exactly that. */
static void reply_and_check(struct call *c)
{
    struct cairn_msg r = {.info = CAIRN_MSGINFO(6), .words = {10, 11, 12, 13}};
    EXPECT_EQ(rt_ipc_reply(&r), 0);
    kt_join(1);
    EXPECT_EQ(c->result, 0);
    EXPECT_EQ(CAIRN_MSGINFO_LABEL(c->msg.info), 6);
    EXPECT_EQ(c->msg.words[0], 10);
    EXPECT_EQ(c->msg.words[3], 13);
}

/* The IPC calls with raw registers: values the typed stubs would truncate. */
static long raw_ipc(long number, uint64_t rdi, uint64_t info)
{
    return ktest_syscall6(number, rdi, info, 0, 0, 0, 0);
}

KTEST(endpoint_create_gives_the_documented_rights, KTEST_QUICK)
{
    struct cairn_handle_info info;
    long e = cairn_endpoint_create();
    EXPECT_TRUE(e > 0);
    EXPECT_EQ(cairn_handle_info(e, &info), 0);
    EXPECT_EQ(info.type, CAIRN_OBJ_ENDPOINT);
    EXPECT_EQ(info.rights, ALL_ENDPOINT_RIGHTS);
    EXPECT_EQ(info.badge, 0);
    cairn_handle_close(e);
}

KTEST(ipc_call_rejects_closed_and_oversized_handles, KTEST_QUICK)
{
    struct cairn_msg m = {0};
    long e = cairn_endpoint_create();
    EXPECT_ERR(raw_ipc(SYS_IPC_CALL, (1ull << 32) | (uint64_t)e, 0), CAIRN_E_BAD_HANDLE);
    EXPECT_EQ(cairn_handle_close(e), 0);
    EXPECT_ERR(rt_ipc_call(e, &m), CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(rt_ipc_call(0, &m), CAIRN_E_BAD_HANDLE);
}

KTEST(ipc_call_rejects_memory_handles, KTEST_QUICK)
{
    struct cairn_msg m = {0};
    long mem = cairn_memory_create(4096);
    EXPECT_ERR(rt_ipc_call(mem, &m), CAIRN_E_WRONG_TYPE);
    cairn_handle_close(mem);
}

KTEST(ipc_recv_rejects_closed_and_oversized_handles, KTEST_QUICK)
{
    struct cairn_msg m;
    long e = cairn_endpoint_create();
    EXPECT_ERR(raw_ipc(SYS_IPC_RECV, (1ull << 32) | (uint64_t)e, 0), CAIRN_E_BAD_HANDLE);
    EXPECT_EQ(cairn_handle_close(e), 0);
    EXPECT_ERR(rt_ipc_recv(e, 0, &m), CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(rt_ipc_recv(e, UINT64_MAX, &m), CAIRN_E_BAD_HANDLE);
}

KTEST(ipc_recv_rejects_a_revoked_handle, KTEST_QUICK)
{
    struct cairn_msg m;
    long e = cairn_endpoint_create();
    long child = cairn_handle_duplicate(e, CAIRN_RIGHT_WAIT);
    EXPECT_EQ(cairn_handle_revoke(e), 0);
    EXPECT_ERR(rt_ipc_recv(child, UINT64_MAX, &m), CAIRN_E_REVOKED);
    cairn_handle_close(child);
    cairn_handle_close(e);
}

KTEST(ipc_recv_rejects_notification_handles, KTEST_QUICK)
{
    struct cairn_msg m;
    long n = cairn_notification_create();
    EXPECT_ERR(rt_ipc_recv(n, UINT64_MAX, &m), CAIRN_E_WRONG_TYPE);
    cairn_handle_close(n);
}

KTEST(ipc_recv_one_nanosecond_times_out, KTEST_QUICK)
{
    struct cairn_msg m;
    long e = cairn_endpoint_create();
    EXPECT_ERR(rt_ipc_recv(e, 1, &m), CAIRN_E_TIMED_OUT);
    cairn_handle_close(e);
}

KTEST(ipc_recv_poll_takes_a_queued_caller, KTEST_QUICK)
{
    struct call c = {cairn_endpoint_create(), {.info = CAIRN_MSGINFO(9), .words = {7}}, -1, 0};
    struct cairn_msg m;
    long status = -CAIRN_E_WOULD_BLOCK;
    EXPECT_TRUE(kt_spawn(call_once, (uint64_t)&c, RT_AFFINITY_ANY) > 0);
    for (int i = 0; i < 5000 && status == -CAIRN_E_WOULD_BLOCK; i++) {
        status = rt_ipc_recv(c.endpoint, 0, &m);
        if (status == -CAIRN_E_WOULD_BLOCK)
            cairn_sleep(MS);
    }
    EXPECT_EQ(status, 0);
    EXPECT_EQ(CAIRN_MSGINFO_LABEL(m.info), 9);
    EXPECT_EQ(m.words[0], 7);
    EXPECT_EQ(m.badge, 0); /* an unbadged handle shows badge 0 */
    struct cairn_msg r = {.info = CAIRN_MSGINFO(0)};
    EXPECT_EQ(rt_ipc_reply(&r), 0);
    kt_join(1);
    EXPECT_EQ(c.result, 0);
    cairn_handle_close(c.endpoint);
}

KTEST(ipc_recv_refuses_while_a_reply_is_owed, KTEST_QUICK)
{
    struct call c = {.endpoint = cairn_endpoint_create()};
    struct cairn_msg m;
    receive_a_call(&c, &m);
    EXPECT_ERR(rt_ipc_recv(c.endpoint, 0, &m), CAIRN_E_BUSY);
    EXPECT_ERR(rt_ipc_recv(c.endpoint, UINT64_MAX, &m), CAIRN_E_BUSY);
    reply_and_check(&c);
    EXPECT_ERR(rt_ipc_recv(c.endpoint, 0, &m), CAIRN_E_WOULD_BLOCK); /* not BUSY any more */
    cairn_handle_close(c.endpoint);
}

KTEST(ipc_reply_with_reserved_bits_keeps_the_caller_waiting, KTEST_QUICK)
{
    struct call c = {.endpoint = cairn_endpoint_create()};
    struct cairn_msg m;
    receive_a_call(&c, &m);
    struct cairn_msg bad = {.info = 1ull << 48};
    EXPECT_ERR(rt_ipc_reply(&bad), CAIRN_E_INVALID_ARGUMENT);
    bad.info = ~0ull;
    EXPECT_ERR(rt_ipc_reply(&bad), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_EQ(c.result, -1);
    reply_and_check(&c);
    cairn_handle_close(c.endpoint);
}

/* Buffer bytes and capabilities come from the replier's IPC buffer: with
 * none, the reply fails as the replier's fault and is still owed. */
KTEST(ipc_reply_with_bytes_or_caps_but_no_buffer_stays_owed, KTEST_QUICK)
{
    struct call c = {.endpoint = cairn_endpoint_create()};
    struct cairn_msg m;
    receive_a_call(&c, &m);
    struct cairn_msg bad = {.info = 1ull << 32};
    EXPECT_ERR(rt_ipc_reply(&bad), CAIRN_E_BAD_ADDRESS);
    bad.info = 1ull << 45;
    EXPECT_ERR(rt_ipc_reply(&bad), CAIRN_E_BAD_ADDRESS);
    bad.info = 0x1fffull << 32;
    EXPECT_ERR(rt_ipc_reply(&bad), CAIRN_E_TOO_LARGE);
    reply_and_check(&c);
    cairn_handle_close(c.endpoint);
}

KTEST(ipc_reply_twice_finds_no_caller, KTEST_QUICK)
{
    struct call c = {.endpoint = cairn_endpoint_create()};
    struct cairn_msg m;
    receive_a_call(&c, &m);
    reply_and_check(&c);
    EXPECT_ERR(rt_ipc_reply(&m), CAIRN_E_NOT_FOUND);
    cairn_handle_close(c.endpoint);
}

KTEST(ipc_reply_recv_rejects_closed_and_oversized_handles, KTEST_QUICK)
{
    struct cairn_msg m = {0};
    long e = cairn_endpoint_create();
    EXPECT_ERR(raw_ipc(SYS_IPC_REPLY_RECV, (1ull << 32) | (uint64_t)e, 0), CAIRN_E_BAD_HANDLE);
    EXPECT_EQ(cairn_handle_close(e), 0);
    EXPECT_ERR(rt_ipc_reply_recv(e, &m), CAIRN_E_BAD_HANDLE);
}

KTEST(ipc_reply_recv_rejects_a_revoked_handle, KTEST_QUICK)
{
    struct cairn_msg m = {0};
    long e = cairn_endpoint_create();
    long child = cairn_handle_duplicate(e, CAIRN_RIGHT_WAIT);
    EXPECT_EQ(cairn_handle_revoke(e), 0);
    EXPECT_ERR(rt_ipc_reply_recv(child, &m), CAIRN_E_REVOKED);
    cairn_handle_close(child);
    cairn_handle_close(e);
}

KTEST(ipc_reply_recv_rejects_notification_handles, KTEST_QUICK)
{
    struct cairn_msg m = {0};
    long n = cairn_notification_create();
    EXPECT_ERR(rt_ipc_reply_recv(n, &m), CAIRN_E_WRONG_TYPE);
    cairn_handle_close(n);
}

KTEST(ipc_reply_recv_needs_the_wait_right, KTEST_QUICK)
{
    struct cairn_msg m = {0};
    long e = cairn_endpoint_create();
    long call_only = cairn_handle_duplicate(e, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE);
    EXPECT_ERR(rt_ipc_reply_recv(call_only, &m), CAIRN_E_ACCESS_DENIED);
    cairn_handle_close(call_only);
    cairn_handle_close(e);
}

KTEST(ipc_reply_recv_rejects_reserved_info_bits, KTEST_QUICK)
{
    struct cairn_msg m = {.info = 1ull << 63};
    long e = cairn_endpoint_create();
    EXPECT_ERR(rt_ipc_reply_recv(e, &m), CAIRN_E_INVALID_ARGUMENT);
    cairn_handle_close(e);
}

/* A descriptor above the limits is refused before the receive starts. */
KTEST(ipc_reply_recv_with_too_many_bytes_is_refused, KTEST_QUICK)
{
    struct cairn_msg m = {.info = 0x1fffull << 32};
    long e = cairn_endpoint_create();
    EXPECT_ERR(rt_ipc_reply_recv(e, &m), CAIRN_E_TOO_LARGE);
    cairn_handle_close(e);
}

KTEST(ipc_reply_recv_that_fails_does_not_reply, KTEST_QUICK)
{
    struct call c = {.endpoint = cairn_endpoint_create()};
    struct cairn_msg m;
    receive_a_call(&c, &m);
    long n = cairn_notification_create();
    struct cairn_msg r = {.info = CAIRN_MSGINFO(99)};
    EXPECT_ERR(rt_ipc_reply_recv(n, &r), CAIRN_E_WRONG_TYPE);
    r.info = 1ull << 50;
    EXPECT_ERR(rt_ipc_reply_recv(c.endpoint, &r), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_EQ(c.result, -1);
    EXPECT_ERR(rt_ipc_recv(c.endpoint, 0, &m), CAIRN_E_BUSY); /* still owed */
    reply_and_check(&c);
    cairn_handle_close(n);
    cairn_handle_close(c.endpoint);
}

KTEST(ipc_reply_recv_without_a_caller_just_receives, KTEST_QUICK)
{
    struct call c = {.endpoint = cairn_endpoint_create(),
                     .msg = {.info = CAIRN_MSGINFO(3), .words = {0, 0, 0, 8}}};
    c.result = -1;
    EXPECT_TRUE(kt_spawn(call_once, (uint64_t)&c, RT_AFFINITY_ANY) > 0);
    struct cairn_msg m = {.info = CAIRN_MSGINFO(1234)};
    EXPECT_EQ(rt_ipc_reply_recv(c.endpoint, &m), 0);
    EXPECT_EQ(CAIRN_MSGINFO_LABEL(m.info), 3);
    EXPECT_EQ(m.words[3], 8);
    reply_and_check(&c);
    cairn_handle_close(c.endpoint);
}

static void echo_words(uint64_t endpoint)
{
    struct cairn_msg m;
    if (rt_ipc_recv((cairn_handle_t)endpoint, RECV_PATIENCE, &m) == 0) {
        for (int i = 0; i < 4; i++)
            m.words[i] = ~m.words[i];
        m.info = CAIRN_MSGINFO(~CAIRN_MSGINFO_LABEL(m.info));
        rt_ipc_reply(&m);
    }
    kt_thread_done();
}

KTEST(ipc_words_and_label_carry_every_bit, KTEST_QUICK)
{
    long e = cairn_endpoint_create();
    EXPECT_TRUE(kt_spawn(echo_words, (uint64_t)e, RT_AFFINITY_ANY) > 0);
    struct cairn_msg m = {.info = CAIRN_MSGINFO(0xffffffffu),
                          .words = {~0ull, 0x8000000000000001ull, 0, 0x0123456789abcdefull}};
    EXPECT_EQ(rt_ipc_call(e, &m), 0);
    EXPECT_EQ(CAIRN_MSGINFO_LABEL(m.info), 0);
    EXPECT_EQ(m.info, 0);
    EXPECT_EQ(m.words[0], 0);
    EXPECT_EQ(m.words[1], 0x7ffffffffffffffeull);
    EXPECT_EQ(m.words[2], ~0ull);
    EXPECT_EQ(m.words[3], 0xfedcba9876543210ull);
    kt_join(1);
    cairn_handle_close(e);
}

/* Takes one message and ends without replying. */
static void take_and_vanish(uint64_t endpoint)
{
    struct cairn_msg m;
    rt_ipc_recv((cairn_handle_t)endpoint, RECV_PATIENCE, &m);
    kt_thread_done();
}

KTEST(ipc_server_dying_on_another_cpu_gives_peer_dead, KTEST_QUICK)
{
    if (!kt_need_cpus(2))
        return;
    long e = cairn_endpoint_create();
    EXPECT_TRUE(kt_spawn(take_and_vanish, (uint64_t)e, 1) > 0);
    struct cairn_msg m = {.info = CAIRN_MSGINFO(1)};
    EXPECT_ERR(rt_ipc_call(e, &m), CAIRN_E_PEER_DEAD);
    kt_join(1);
    cairn_handle_close(e);
}

/* Replies to the first call, receives the second with reply_recv, and
 * ends owing that one its reply. */
static void reply_once_then_vanish(uint64_t endpoint)
{
    struct cairn_msg m;
    if (rt_ipc_recv((cairn_handle_t)endpoint, RECV_PATIENCE, &m) == 0) {
        m.words[0] = 0xaa;
        rt_ipc_reply_recv((cairn_handle_t)endpoint, &m);
    }
    kt_thread_done();
}

KTEST(ipc_server_ending_after_reply_recv_gives_peer_dead, KTEST_QUICK)
{
    long e = cairn_endpoint_create();
    EXPECT_TRUE(kt_spawn(reply_once_then_vanish, (uint64_t)e, RT_AFFINITY_ANY) > 0);
    struct cairn_msg m = {.info = CAIRN_MSGINFO(1)};
    EXPECT_EQ(rt_ipc_call(e, &m), 0);
    EXPECT_EQ(m.words[0], 0xaa);
    m = (struct cairn_msg){.info = CAIRN_MSGINFO(2)};
    EXPECT_ERR(rt_ipc_call(e, &m), CAIRN_E_PEER_DEAD);
    kt_join(1);
    cairn_handle_close(e);
}

struct nested {
    long outer, inner;
};

/* Serves one call on outer by calling inner, and answers with the result
 * of that call in word 0. */
static void forwarding_server(uint64_t arg)
{
    struct nested *n = (struct nested *)arg;
    struct cairn_msg m;
    if (rt_ipc_recv((cairn_handle_t)n->outer, RECV_PATIENCE, &m) == 0) {
        struct cairn_msg inner = {.info = CAIRN_MSGINFO(2)};
        m.words[0] = (uint64_t)rt_ipc_call((cairn_handle_t)n->inner, &inner);
        rt_ipc_reply(&m);
    }
    kt_thread_done();
}

KTEST(ipc_nested_call_to_a_dying_server_lets_the_outer_reply, KTEST_QUICK)
{
    struct nested n = {cairn_endpoint_create(), cairn_endpoint_create()};
    EXPECT_TRUE(kt_spawn(forwarding_server, (uint64_t)&n, RT_AFFINITY_ANY) > 0);
    EXPECT_TRUE(kt_spawn(take_and_vanish, (uint64_t)n.inner, RT_AFFINITY_ANY) > 0);
    struct cairn_msg m = {.info = CAIRN_MSGINFO(1)};
    EXPECT_EQ(rt_ipc_call(n.outer, &m), 0);
    EXPECT_EQ(m.words[0], (uint64_t)-CAIRN_E_PEER_DEAD);
    kt_join(2);
    cairn_handle_close(n.outer);
    cairn_handle_close(n.inner);
}

static volatile long short_receive;

static void receive_briefly(uint64_t endpoint)
{
    struct cairn_msg m;
    short_receive = rt_ipc_recv((cairn_handle_t)endpoint, 2 * MS, &m);
    kt_thread_done();
}

/* A receiver that timed out and ended is off the endpoint: a later call
 * queues for the next receiver instead of going to the dead thread. */
KTEST(ipc_receiver_that_timed_out_and_ended_gets_no_message, KTEST_QUICK)
{
    struct call c = {.endpoint = cairn_endpoint_create()};
    struct cairn_msg m;
    short_receive = 1;
    EXPECT_TRUE(kt_spawn(receive_briefly, (uint64_t)c.endpoint, RT_AFFINITY_ANY) > 0);
    kt_join(1);
    EXPECT_ERR(short_receive, CAIRN_E_TIMED_OUT);
    receive_a_call(&c, &m);
    reply_and_check(&c);
    cairn_handle_close(c.endpoint);
}

struct revoked_receiver {
    long root, child;
    long first, second;
    int started; /* atomic */
};

/* Receives on child (falling back on root, so the test's call never
 * hangs), replies, then tries child again. */
static void receive_on_child(uint64_t arg)
{
    struct revoked_receiver *r = (struct revoked_receiver *)arg;
    struct cairn_msg m;
    __atomic_store_n(&r->started, 1, __ATOMIC_RELEASE);
    r->first = rt_ipc_recv((cairn_handle_t)r->child, RECV_PATIENCE, &m);
    if (r->first != 0)
        rt_ipc_recv((cairn_handle_t)r->root, RECV_PATIENCE, &m);
    m.words[0] += 1;
    rt_ipc_reply(&m);
    r->second = rt_ipc_recv((cairn_handle_t)r->child, 0, &m);
    kt_thread_done();
}

/* Revoking the handle a receiver is blocked on does not strand it: the
 * endpoint lives on, a call through another handle reaches it, and only
 * its next use of the revoked handle fails. */
KTEST(ipc_recv_blocked_survives_revoke_of_its_handle, KTEST_QUICK)
{
    long e = cairn_endpoint_create();
    struct revoked_receiver r = {e, cairn_handle_duplicate(e, CAIRN_RIGHT_WAIT), 1, 1, 0};
    EXPECT_TRUE(kt_spawn(receive_on_child, (uint64_t)&r, RT_AFFINITY_ANY) > 0);
    while (!__atomic_load_n(&r.started, __ATOMIC_ACQUIRE))
        cairn_sleep(MS);
    cairn_sleep(5 * MS);
    EXPECT_EQ(cairn_handle_revoke(e), 0);
    struct cairn_msg m = {.info = CAIRN_MSGINFO(1), .words = {41}};
    EXPECT_EQ(rt_ipc_call(e, &m), 0);
    EXPECT_EQ(m.words[0], 42);
    kt_join(1);
    EXPECT_EQ(r.first, 0);
    EXPECT_ERR(r.second, CAIRN_E_REVOKED);
    cairn_handle_close(r.child);
    cairn_handle_close(e);
}

struct call_race {
    long endpoint;
    int rounds;
    long failures;
};

static void call_rounds(uint64_t arg)
{
    struct call_race *r = (struct call_race *)arg;
    for (int i = 1; i <= r->rounds; i++) {
        struct cairn_msg m = {.info = CAIRN_MSGINFO(i)};
        if (rt_ipc_call((cairn_handle_t)r->endpoint, &m) != 0 || m.words[0] != (uint64_t)i)
            r->failures++;
    }
    kt_thread_done();
}

/* Receives whose timeouts (0 to 30 us; 0 polls) race a call: a receive
 * that times out leaves the caller queued for the next one, and no message
 * is lost or doubled. */
KTEST(ipc_call_racing_a_receive_timeout_is_never_lost, KTEST_QUICK)
{
    struct call_race r = {cairn_endpoint_create(), 200, 0};
    int wrong = 0;
    EXPECT_TRUE(kt_spawn(call_rounds, (uint64_t)&r, kt_other_cpu(0)) > 0);
    for (int i = 1; i <= r.rounds; i++) {
        struct cairn_msg m;
        long status = rt_ipc_recv(r.endpoint, (uint64_t)(i % 7) * 5000, &m);
        if (status == -CAIRN_E_TIMED_OUT || status == -CAIRN_E_WOULD_BLOCK)
            status = rt_ipc_recv(r.endpoint, RECV_PATIENCE, &m);
        if (status != 0)
            break;
        wrong += CAIRN_MSGINFO_LABEL(m.info) != (uint32_t)i;
        m.words[0] = CAIRN_MSGINFO_LABEL(m.info);
        rt_ipc_reply(&m);
    }
    EXPECT_EQ(wrong, 0);
    kt_join(1);
    EXPECT_EQ(r.failures, 0);
    cairn_handle_close(r.endpoint);
}

static void serve_until_label_0(uint64_t endpoint)
{
    struct cairn_msg m;
    long status = rt_ipc_recv((cairn_handle_t)endpoint, RECV_PATIENCE, &m);
    while (status == 0 && CAIRN_MSGINFO_LABEL(m.info) != 0) {
        m.words[0] += 1;
        status = rt_ipc_reply_recv((cairn_handle_t)endpoint, &m);
    }
    if (status == 0)
        rt_ipc_reply(&m);
    kt_thread_done();
}

/* Round trips from this thread to a server pinned to each CPU in turn. */
KTEST(ipc_5000_round_trips_to_every_cpu, KTEST_FULL)
{
    for (unsigned cpu = 0; cpu < kt_cpus() && cpu < KT_MAX_THREADS; cpu++) {
        long e = cairn_endpoint_create();
        int wrong = 0;
        EXPECT_TRUE(kt_spawn(serve_until_label_0, (uint64_t)e, cpu) > 0);
        for (uint64_t i = 0; i < 5000; i++) {
            struct cairn_msg m = {.info = CAIRN_MSGINFO(1), .words = {i}};
            wrong += rt_ipc_call(e, &m) != 0 || m.words[0] != i + 1;
        }
        EXPECT_EQ(wrong, 0);
        struct cairn_msg stop = {.info = CAIRN_MSGINFO(0)};
        EXPECT_EQ(rt_ipc_call(e, &stop), 0);
        kt_join((int)cpu + 1);
        cairn_handle_close(e);
    }
}

/* A receiver that owes a reply keeps the endpoint and the caller alive:
 * closing or revoking every handle to the endpoint does not lose it. */
KTEST(ipc_reply_after_closing_every_endpoint_handle, KTEST_QUICK)
{
    long e = cairn_endpoint_create();
    struct call c = {.endpoint = cairn_handle_duplicate(e, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_WAIT)};
    struct cairn_msg m;
    receive_a_call(&c, &m);
    EXPECT_EQ(cairn_handle_revoke(e), 0);
    EXPECT_EQ(cairn_handle_close(e), 0);
    EXPECT_EQ(cairn_handle_close(c.endpoint), 0);
    reply_and_check(&c);
}

/* reply_recv answers the caller of one endpoint and waits on another. */
KTEST(ipc_reply_recv_replies_across_endpoints, KTEST_QUICK)
{
    struct call first = {.endpoint = cairn_endpoint_create()};
    struct call second = {.endpoint = cairn_endpoint_create(),
                          .msg = {.info = CAIRN_MSGINFO(8), .words = {0, 0, 0, 4}}};
    struct cairn_msg m;
    receive_a_call(&first, &m);
    second.result = -1;
    EXPECT_TRUE(kt_spawn(call_once, (uint64_t)&second, RT_AFFINITY_ANY) > 0);
    m = (struct cairn_msg){.info = CAIRN_MSGINFO(6), .words = {10, 11, 12, 13}};
    EXPECT_EQ(rt_ipc_reply_recv(second.endpoint, &m), 0);
    EXPECT_EQ(CAIRN_MSGINFO_LABEL(m.info), 8);
    /* The first caller has its reply already; the second gets one now. */
    m = (struct cairn_msg){.info = CAIRN_MSGINFO(6), .words = {10, 11, 12, 13}};
    EXPECT_EQ(rt_ipc_reply(&m), 0);
    kt_join(2);
    EXPECT_EQ(first.result, 0);
    EXPECT_EQ(first.msg.words[3], 13);
    EXPECT_EQ(second.result, 0);
    EXPECT_EQ(second.msg.words[0], 10);
    cairn_handle_close(first.endpoint);
    cairn_handle_close(second.endpoint);
}

/* Two callers queue; the server takes one and dies: that caller alone
 * gets PEER_DEAD, the other stays queued for the next receiver. */
KTEST(ipc_queued_callers_survive_a_server_that_dies, KTEST_QUICK)
{
    long e = cairn_endpoint_create();
    struct call a = {.endpoint = e, .msg = {.info = CAIRN_MSGINFO(1)}, .result = 1};
    struct call b = {.endpoint = e, .msg = {.info = CAIRN_MSGINFO(2)}, .result = 1};
    EXPECT_TRUE(kt_spawn(call_once, (uint64_t)&a, RT_AFFINITY_ANY) > 0);
    EXPECT_TRUE(kt_spawn(call_once, (uint64_t)&b, RT_AFFINITY_ANY) > 0);
    while (!__atomic_load_n(&a.started, __ATOMIC_ACQUIRE) ||
           !__atomic_load_n(&b.started, __ATOMIC_ACQUIRE))
        cairn_sleep(MS);
    cairn_sleep(5 * MS);
    EXPECT_TRUE(kt_spawn(take_and_vanish, (uint64_t)e, RT_AFFINITY_ANY) > 0);
    struct cairn_msg m;
    EXPECT_EQ(rt_ipc_recv(e, RECV_PATIENCE, &m), 0);
    uint32_t served = CAIRN_MSGINFO_LABEL(m.info);
    EXPECT_TRUE(served == 1 || served == 2);
    m.words[0] = 77;
    EXPECT_EQ(rt_ipc_reply(&m), 0);
    kt_join(3);
    struct call *ok = served == 1 ? &a : &b, *dead = served == 1 ? &b : &a;
    EXPECT_EQ(ok->result, 0);
    EXPECT_EQ(ok->msg.words[0], 77);
    EXPECT_ERR(dead->result, CAIRN_E_PEER_DEAD);
    cairn_handle_close(e);
}

/* A server of the lowest priority still serves: the caller blocks, and
 * the CPU goes to the server. */
KTEST(ipc_call_to_a_lowest_priority_server, KTEST_QUICK)
{
    static uint8_t stack[8192] __attribute__((aligned(16)));
    long e = cairn_endpoint_create();
    long t = rt_thread_start(echo_words, (uint64_t)e, stack, sizeof(stack), 0, RT_AFFINITY_ANY);
    EXPECT_TRUE(t > 0);
    struct cairn_msg m = {.info = CAIRN_MSGINFO(1), .words = {5}};
    EXPECT_EQ(rt_ipc_call(e, &m), 0);
    EXPECT_EQ(m.words[0], ~5ull);
    kt_join(1);
    cairn_handle_close(t);
    cairn_handle_close(e);
}
