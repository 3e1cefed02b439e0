/*
 * ipc_wait.c - how IPC waits end: call timeouts while no receiver takes
 * the message and while the reply is awaited (the late reply is dropped,
 * and never reaches a later call), bound notifications waking receives on
 * the same CPU and across CPUs, binding errors, and peers that end or
 * handles revoked while a call is in flight. Nothing leaks.
 */
#include "ktest.h"
#include "leak.h"
#include "threads.h"
#include <cairn/error.h>
#include <rt/ipc.h>

#define MS 1000000ull

static struct cairn_ipc_buffer caller_buf __attribute__((aligned(4096)));

struct slow_server {
    long endpoint;
    uint64_t delay_ns;    /* sleeps this long before each reply */
    long reply_status[4]; /* what its replies returned */
    uint32_t labels[4];   /* the labels it received */
};

/* Receives two messages and answers each, late, with its label + 1. */
static void slow_server(uint64_t arg)
{
    struct slow_server *s = (struct slow_server *)arg;
    for (int i = 0; i < 2; i++) {
        struct cairn_msg m;
        EXPECT_EQ(rt_ipc_recv((cairn_handle_t)s->endpoint, UINT64_MAX, &m), 0);
        s->labels[i] = CAIRN_MSGINFO_LABEL(m.info);
        EXPECT_EQ(m.info & CAIRN_MSGINFO_TIMEOUT, 0); /* the flag is the caller's */
        cairn_sleep(s->delay_ns);
        m.info = CAIRN_MSGINFO(s->labels[i] + 1);
        s->reply_status[i] = rt_ipc_reply(&m);
    }
    kt_thread_done();
}

KTEST(ipc_call_times_out_without_a_receiver, KTEST_QUICK)
{
    struct cairn_system_info before;
    cairn_system_info(&before);
    long ep = cairn_endpoint_create();
    EXPECT_EQ(rt_ipc_buffer_set(&caller_buf), 0);
    struct cairn_msg m = {.info = CAIRN_MSGINFO(1)};
    uint64_t start = cairn_clock_get();
    EXPECT_ERR(rt_ipc_call_timeout(ep, &caller_buf, 5 * MS, &m), CAIRN_E_TIMED_OUT);
    EXPECT_TRUE(cairn_clock_get() - start >= 5 * MS);
    /* The message was withdrawn: nobody can receive it any more. */
    EXPECT_ERR(rt_ipc_recv(ep, 0, &m), CAIRN_E_WOULD_BLOCK);
    /* 0 is no timeout a call can have; UINT64_MAX is none. */
    EXPECT_ERR(rt_ipc_call_timeout(ep, &caller_buf, 0, &m), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_EQ(rt_ipc_buffer_set(NULL), 0);
    cairn_handle_close(ep);
    EXPECT_TRUE(kt_memory_back_to(&before));
}

static void call_times_out_awaiting_reply(uint32_t affinity)
{
    struct cairn_system_info before;
    cairn_system_info(&before);
    struct slow_server s = {.endpoint = cairn_endpoint_create(), .delay_ns = 20 * MS};
    long thread = kt_spawn(slow_server, (uint64_t)&s, affinity);
    EXPECT_TRUE(thread > 0);
    EXPECT_EQ(rt_ipc_buffer_set(&caller_buf), 0);
    struct cairn_msg m = {.info = CAIRN_MSGINFO(10)};
    EXPECT_ERR(rt_ipc_call_timeout(s.endpoint, &caller_buf, 5 * MS, &m), CAIRN_E_TIMED_OUT);
    /* The next call waits for the server to finish with the first; the
     * late reply to the first must not end it. */
    m.info = CAIRN_MSGINFO(20);
    EXPECT_EQ(rt_ipc_call_timeout(s.endpoint, &caller_buf, UINT64_MAX, &m), 0);
    EXPECT_EQ(m.info, CAIRN_MSGINFO(21));
    kt_join(1);
    EXPECT_EQ(s.labels[0], 10);
    EXPECT_EQ(s.labels[1], 20);
    EXPECT_ERR(s.reply_status[0], CAIRN_E_PEER_DEAD);
    EXPECT_EQ(s.reply_status[1], 0);
    EXPECT_EQ(rt_ipc_buffer_set(NULL), 0);
    cairn_handle_close(thread);
    cairn_handle_close(s.endpoint);
    EXPECT_TRUE(kt_memory_back_to(&before));
}

KTEST(ipc_call_times_out_awaiting_the_reply, KTEST_QUICK)
{
    call_times_out_awaiting_reply(RT_AFFINITY_ANY);
}

KTEST(ipc_call_times_out_awaiting_the_reply_cross_cpu, KTEST_QUICK)
{
    call_times_out_awaiting_reply(kt_other_cpu(0));
}

KTEST(ipc_call_timeout_long_enough_succeeds, KTEST_QUICK)
{
    struct slow_server s = {.endpoint = cairn_endpoint_create(), .delay_ns = 0};
    long thread = kt_spawn(slow_server, (uint64_t)&s, RT_AFFINITY_ANY);
    EXPECT_EQ(rt_ipc_buffer_set(&caller_buf), 0);
    for (uint32_t label = 1; label <= 2; label++) {
        struct cairn_msg m = {.info = CAIRN_MSGINFO(label)};
        EXPECT_EQ(rt_ipc_call_timeout(s.endpoint, &caller_buf, 1000 * MS, &m), 0);
        EXPECT_EQ(m.info, CAIRN_MSGINFO(label + 1));
    }
    kt_join(1);
    EXPECT_EQ(rt_ipc_buffer_set(NULL), 0);
    cairn_handle_close(thread);
    cairn_handle_close(s.endpoint);
}

struct bound_receiver {
    long endpoint, notification;
    bool reply_recv; /* receive with ipc_reply_recv instead of ipc_recv */
    uint64_t bits;   /* what the receive returned */
    uint64_t info;
    long status;
};

static void receive_bound(uint64_t arg)
{
    struct bound_receiver *b = (struct bound_receiver *)arg;
    struct cairn_msg m = {0};
    EXPECT_EQ(cairn_notification_bind(b->notification, CAIRN_HANDLE_NONE), 0);
    if (b->reply_recv)
        b->status = rt_ipc_reply_recv((cairn_handle_t)b->endpoint, &m);
    else
        b->status = rt_ipc_recv((cairn_handle_t)b->endpoint, UINT64_MAX, &m);
    b->info = m.info;
    b->bits = m.badge;
    EXPECT_EQ(cairn_notification_unbind(b->notification), 0);
    kt_thread_done();
}

static void bound_wakeup(uint32_t affinity, bool reply_recv)
{
    struct cairn_system_info before;
    cairn_system_info(&before);
    struct bound_receiver b = {.endpoint = cairn_endpoint_create(),
                               .notification = cairn_notification_create(),
                               .reply_recv = reply_recv};
    long thread = kt_spawn(receive_bound, (uint64_t)&b, affinity);
    cairn_sleep(5 * MS); /* let it block in its receive */
    EXPECT_EQ(cairn_notification_signal(b.notification, 0x24), 0);
    kt_join(1);
    EXPECT_EQ(b.status, 0);
    EXPECT_EQ(b.info, CAIRN_MSGINFO_NOTIFIED);
    EXPECT_EQ(b.bits, 0x24);
    EXPECT_ERR(cairn_notification_wait(b.notification, 0), CAIRN_E_WOULD_BLOCK);
    cairn_handle_close(thread);
    cairn_handle_close(b.endpoint);
    cairn_handle_close(b.notification);
    EXPECT_TRUE(kt_memory_back_to(&before));
}

KTEST(ipc_bound_notification_wakes_recv, KTEST_QUICK)
{
    bound_wakeup(RT_AFFINITY_ANY, false);
}

KTEST(ipc_bound_notification_wakes_recv_cross_cpu, KTEST_QUICK)
{
    bound_wakeup(kt_other_cpu(0), false);
}

KTEST(ipc_bound_notification_wakes_reply_recv_cross_cpu, KTEST_QUICK)
{
    bound_wakeup(kt_other_cpu(0), true);
}

KTEST(ipc_bound_notification_pending_bits_and_messages, KTEST_QUICK)
{
    long ep = cairn_endpoint_create();
    long n = cairn_notification_create();
    struct cairn_msg m;
    EXPECT_EQ(cairn_notification_bind(n, CAIRN_HANDLE_NONE), 0);
    /* Bits pending before the receive come back at once. */
    EXPECT_EQ(cairn_notification_signal(n, 3), 0);
    EXPECT_EQ(rt_ipc_recv(ep, 0, &m), 0);
    EXPECT_TRUE(rt_ipc_is_notification(&m));
    EXPECT_EQ(m.badge, 3);
    EXPECT_EQ(m.words[0], 0);
    /* No reply is owed for them. */
    EXPECT_ERR(rt_ipc_reply(&m), CAIRN_E_NOT_FOUND);
    EXPECT_ERR(rt_ipc_recv(ep, 0, &m), CAIRN_E_WOULD_BLOCK);
    uint64_t start = cairn_clock_get();
    EXPECT_ERR(rt_ipc_recv(ep, 2 * MS, &m), CAIRN_E_TIMED_OUT);
    EXPECT_TRUE(cairn_clock_get() - start >= 2 * MS);
    /* notification_wait still works on a bound notification. */
    EXPECT_EQ(cairn_notification_signal(n, 8), 0);
    EXPECT_EQ(cairn_notification_wait(n, 0), 8);
    /* Unbound, the bits stay for notification_wait. */
    EXPECT_EQ(cairn_notification_unbind(n), 0);
    EXPECT_EQ(cairn_notification_signal(n, 16), 0);
    EXPECT_ERR(rt_ipc_recv(ep, 0, &m), CAIRN_E_WOULD_BLOCK);
    EXPECT_EQ(cairn_notification_wait(n, 0), 16);
    cairn_handle_close(n);
    cairn_handle_close(ep);
}

static void exit_now(uint64_t arg)
{
    (void)arg;
    kt_thread_done();
}

KTEST(ipc_notification_bind_errors, KTEST_QUICK)
{
    long n = cairn_notification_create();
    long n2 = cairn_notification_create();
    long ep = cairn_endpoint_create();
    long signal_only = cairn_handle_duplicate(n, CAIRN_RIGHT_SIGNAL);
    long thread = kt_spawn(exit_now, 0, RT_AFFINITY_ANY);
    long thread_ro = cairn_handle_duplicate(thread, CAIRN_RIGHT_READ);
    kt_join(1);
    EXPECT_ERR(cairn_notification_bind(signal_only, 0), CAIRN_E_ACCESS_DENIED);
    EXPECT_ERR(cairn_notification_bind(ep, 0), CAIRN_E_WRONG_TYPE);
    EXPECT_ERR(cairn_notification_bind(0x12345, 0), CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(cairn_notification_bind(n, ep), CAIRN_E_WRONG_TYPE);
    EXPECT_ERR(cairn_notification_bind(n, thread_ro), CAIRN_E_ACCESS_DENIED);
    EXPECT_ERR(cairn_notification_bind(n, thread), CAIRN_E_PEER_DEAD);
    EXPECT_ERR(ktest_syscall(SYS_NOTIFICATION_BIND, (1l << 32) | n, 0), CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(ktest_syscall(SYS_NOTIFICATION_BIND, n, 1l << 32), CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(cairn_notification_unbind(n), CAIRN_E_NOT_FOUND);
    EXPECT_EQ(cairn_notification_bind(n, 0), 0);
    EXPECT_ERR(cairn_notification_bind(n, 0), CAIRN_E_BUSY);
    EXPECT_ERR(cairn_notification_bind(n2, 0), CAIRN_E_BUSY);
    EXPECT_ERR(cairn_notification_unbind(signal_only), CAIRN_E_ACCESS_DENIED);
    /* A revoked handle cannot unbind; the binding itself stays. */
    long child = cairn_handle_duplicate(n, CAIRN_RIGHT_WAIT);
    EXPECT_EQ(cairn_handle_revoke(n), 0);
    EXPECT_ERR(cairn_notification_unbind(child), CAIRN_E_REVOKED);
    EXPECT_EQ(cairn_notification_unbind(n), 0);
    EXPECT_EQ(cairn_notification_bind(n2, 0), 0);
    EXPECT_EQ(cairn_notification_unbind(n2), 0);
    cairn_handle_close(child);
    cairn_handle_close(thread_ro);
    cairn_handle_close(thread);
    cairn_handle_close(signal_only);
    cairn_handle_close(ep);
    cairn_handle_close(n2);
    cairn_handle_close(n);
}

/* A thread that ends while bound gives the binding (and its reference to
 * the notification) up: nothing leaks, and the notification is free to
 * bind again. */
static void bind_and_exit(uint64_t arg)
{
    EXPECT_EQ(cairn_notification_bind((cairn_handle_t)arg, CAIRN_HANDLE_NONE), 0);
    kt_thread_done();
}

KTEST(ipc_bound_thread_that_ends, KTEST_QUICK)
{
    struct cairn_system_info before;
    cairn_system_info(&before);
    long n = cairn_notification_create();
    long thread = kt_spawn(bind_and_exit, (uint64_t)n, RT_AFFINITY_ANY);
    kt_join(1);
    EXPECT_ERR(cairn_notification_unbind(n), CAIRN_E_NOT_FOUND);
    EXPECT_EQ(cairn_notification_bind(n, 0), 0);
    EXPECT_EQ(cairn_notification_unbind(n), 0);
    cairn_handle_close(thread);
    cairn_handle_close(n);
    EXPECT_TRUE(kt_memory_back_to(&before));
}

/* Takes one message, then ends: its caller gets PEER_DEAD; a caller that
 * then waits for a receiver that never comes ends with its timeout. */
static void take_one_and_end(uint64_t endpoint)
{
    struct cairn_msg m;
    rt_ipc_recv((cairn_handle_t)endpoint, UINT64_MAX, &m);
    kt_thread_done();
}

KTEST(ipc_server_gone, KTEST_QUICK)
{
    struct cairn_system_info before;
    cairn_system_info(&before);
    long ep = cairn_endpoint_create();
    long thread = kt_spawn(take_one_and_end, (uint64_t)ep, kt_other_cpu(0));
    EXPECT_EQ(rt_ipc_buffer_set(&caller_buf), 0);
    struct cairn_msg m = {.info = CAIRN_MSGINFO(1)};
    EXPECT_ERR(rt_ipc_call_timeout(ep, &caller_buf, UINT64_MAX, &m), CAIRN_E_PEER_DEAD);
    kt_join(1);
    m.info = CAIRN_MSGINFO(1);
    EXPECT_ERR(rt_ipc_call_timeout(ep, &caller_buf, 3 * MS, &m), CAIRN_E_TIMED_OUT);
    EXPECT_EQ(rt_ipc_buffer_set(NULL), 0);
    cairn_handle_close(thread);
    cairn_handle_close(ep);
    EXPECT_TRUE(kt_memory_back_to(&before));
}

struct revoke_during_call {
    long endpoint, client;
    long status;
};

static void revoking_server(uint64_t arg)
{
    struct revoke_during_call *r = (struct revoke_during_call *)arg;
    struct cairn_msg m;
    EXPECT_EQ(rt_ipc_recv((cairn_handle_t)r->endpoint, UINT64_MAX, &m), 0);
    /* The handle the call came through goes while the call is in flight. */
    EXPECT_EQ(cairn_handle_revoke(r->endpoint), 0);
    m.info = CAIRN_MSGINFO(2);
    r->status = rt_ipc_reply(&m);
    kt_thread_done();
}

/* A call is checked against its handle when made: revoking the handle
 * later does not recall the message, the reply still arrives, and the next
 * call through the handle fails with REVOKED. */
KTEST(ipc_handle_revoked_during_a_call, KTEST_QUICK)
{
    struct cairn_system_info before;
    cairn_system_info(&before);
    struct revoke_during_call r = {.endpoint = cairn_endpoint_create()};
    r.client = cairn_handle_mint(r.endpoint, CAIRN_RIGHT_SIGNAL, 77);
    long thread = kt_spawn(revoking_server, (uint64_t)&r, kt_other_cpu(0));
    struct cairn_msg m = {.info = CAIRN_MSGINFO(1)};
    EXPECT_EQ(rt_ipc_call(r.client, &m), 0);
    EXPECT_EQ(m.info, CAIRN_MSGINFO(2));
    kt_join(1);
    EXPECT_EQ(r.status, 0);
    EXPECT_ERR(rt_ipc_call(r.client, &m), CAIRN_E_REVOKED);
    cairn_handle_close(r.client);
    cairn_handle_close(thread);
    cairn_handle_close(r.endpoint);
    EXPECT_TRUE(kt_memory_back_to(&before));
}

/* A bound notification whose last handle is closed stays bound (the
 * binding holds it) until the thread unbinds with 0 or ends. */
KTEST(ipc_unbind_the_calling_thread, KTEST_QUICK)
{
    struct cairn_system_info before;
    cairn_system_info(&before);
    EXPECT_ERR(cairn_notification_unbind(CAIRN_HANDLE_NONE), CAIRN_E_NOT_FOUND);
    long n = cairn_notification_create();
    EXPECT_EQ(cairn_notification_bind(n, CAIRN_HANDLE_NONE), 0);
    EXPECT_EQ(cairn_handle_close(n), 0);
    EXPECT_EQ(cairn_notification_unbind(CAIRN_HANDLE_NONE), 0);
    EXPECT_ERR(cairn_notification_unbind(CAIRN_HANDLE_NONE), CAIRN_E_NOT_FOUND);
    EXPECT_TRUE(kt_memory_back_to(&before));
}
