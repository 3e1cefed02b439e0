/*
 * ipc_faults.c - long messages taken from the endpoint's queue by a
 * receiver that comes later, and who is at fault when a delivery fails: a
 * queued message the receiver cannot take fails its sender and the
 * receive goes on; a reply that fails through the replier's own fault is
 * still owed; one the caller cannot take ends the call, and ipc_reply_recv
 * then goes on receiving.
 */
#include "ktest.h"
#include "leak.h"
#include "threads.h"
#include <cairn/error.h>
#include <rt/ipc.h>

#define MS 1000000ull

static struct cairn_ipc_buffer recv_buf __attribute__((aligned(4096)));
static struct cairn_ipc_buffer send_buf __attribute__((aligned(4096)));

struct queued_call {
    long endpoint;
    long notification; /* sent as a copy */
    uint64_t info;     /* the descriptor to send */
    bool no_buffer;    /* the caller has no IPC buffer (info must be short) */
    long status;       /* what the call returned */
    uint64_t reply_label;
};

/* Calls with 5 bytes "hello" and, when info says so, one handle. */
static void queued_caller(uint64_t arg)
{
    struct queued_call *q = (struct queued_call *)arg;
    if (!q->no_buffer)
        EXPECT_EQ(rt_ipc_buffer_set(&send_buf), 0);
    for (int i = 0; i < 5; i++)
        send_buf.data[i] = (uint8_t) "hello"[i];
    send_buf.caps[0] = (uint32_t)q->notification;
    struct cairn_msg m = {.info = q->info};
    q->status = rt_ipc_call((cairn_handle_t)q->endpoint, &m);
    q->reply_label = CAIRN_MSGINFO_LABEL(m.info);
    EXPECT_EQ(rt_ipc_buffer_set(NULL), 0);
    kt_thread_done();
}

static long start_queued_caller(struct queued_call *q)
{
    long t = kt_spawn(queued_caller, (uint64_t)q, kt_other_cpu(0));
    EXPECT_TRUE(t > 0);
    cairn_sleep(5 * MS); /* long enough for the call to be queued */
    return t;
}

KTEST(ipc_long_message_taken_from_the_queue, KTEST_QUICK)
{
    struct cairn_system_info before;
    cairn_system_info(&before);
    struct queued_call q = {.endpoint = cairn_endpoint_create(),
                            .notification = cairn_notification_create(),
                            .info = CAIRN_MSGINFO_MAKE(4, 5, 1)};
    long t = start_queued_caller(&q);
    EXPECT_EQ(rt_ipc_buffer_set(&recv_buf), 0);
    struct cairn_msg m;
    EXPECT_EQ(rt_ipc_recv(q.endpoint, UINT64_MAX, &m), 0);
    EXPECT_EQ(m.info, CAIRN_MSGINFO_MAKE(4, 5, 1));
    EXPECT_EQ(recv_buf.data[0], 'h');
    EXPECT_EQ(recv_buf.data[4], 'o');
    long got = recv_buf.caps[0];
    EXPECT_EQ(cairn_notification_signal(got, 2), 0);
    EXPECT_EQ(cairn_notification_wait(q.notification, 0), 2);
    m.info = CAIRN_MSGINFO(5);
    EXPECT_EQ(rt_ipc_reply(&m), 0);
    kt_join(1);
    EXPECT_EQ(q.status, 0);
    EXPECT_EQ(q.reply_label, 5);
    EXPECT_EQ(rt_ipc_buffer_set(NULL), 0);
    cairn_handle_close(got);
    cairn_handle_close(t);
    cairn_handle_close(q.notification);
    cairn_handle_close(q.endpoint);
    EXPECT_TRUE(kt_memory_back_to(&before));
}

/* The receiver has no buffer: the queued sender fails with TOO_LARGE, no
 * handle was made, and the receive finds nothing more. */
KTEST(ipc_queued_message_the_receiver_cannot_take, KTEST_QUICK)
{
    struct cairn_system_info before;
    cairn_system_info(&before);
    struct queued_call q = {.endpoint = cairn_endpoint_create(),
                            .notification = cairn_notification_create(),
                            .info = CAIRN_MSGINFO_MAKE(4, 5, 1)};
    long t = start_queued_caller(&q);
    struct cairn_msg m;
    EXPECT_ERR(rt_ipc_recv(q.endpoint, 0, &m), CAIRN_E_WOULD_BLOCK);
    kt_join(1);
    EXPECT_ERR(q.status, CAIRN_E_TOO_LARGE);
    cairn_handle_close(t);
    cairn_handle_close(q.notification);
    cairn_handle_close(q.endpoint);
    EXPECT_TRUE(kt_memory_back_to(&before));
}

/* The replier's own faults change nothing: the reply is still owed and a
 * correct one then goes through. */
KTEST(ipc_reply_failing_through_the_replier_is_still_owed, KTEST_QUICK)
{
    struct queued_call q = {.endpoint = cairn_endpoint_create(), .info = CAIRN_MSGINFO(4)};
    long t = start_queued_caller(&q);
    struct cairn_msg m;
    EXPECT_EQ(rt_ipc_recv(q.endpoint, UINT64_MAX, &m), 0);
    /* No buffer: no bytes can go. */
    m.info = CAIRN_MSGINFO_MAKE(6, 3, 0);
    EXPECT_ERR(rt_ipc_reply(&m), CAIRN_E_BAD_ADDRESS);
    EXPECT_EQ(rt_ipc_buffer_set(&recv_buf), 0);
    /* A handle it does not have, or may not send. */
    long no_transfer = cairn_handle_duplicate(q.endpoint, CAIRN_RIGHT_SIGNAL);
    recv_buf.caps[0] = 0x7ffe0001;
    m.info = CAIRN_MSGINFO_MAKE(6, 0, 1);
    EXPECT_ERR(rt_ipc_reply(&m), CAIRN_E_BAD_HANDLE);
    recv_buf.caps[0] = (uint32_t)no_transfer;
    EXPECT_ERR(rt_ipc_reply(&m), CAIRN_E_ACCESS_DENIED);
    m.info = CAIRN_MSGINFO_MAKE(6, CAIRN_IPC_MAX_BYTES + 1, 0);
    EXPECT_ERR(rt_ipc_reply(&m), CAIRN_E_TOO_LARGE);
    /* Still owed: no new receive, and reply_recv refuses the same way. */
    EXPECT_ERR(rt_ipc_recv(q.endpoint, 0, &m), CAIRN_E_BUSY);
    m.info = CAIRN_MSGINFO_MAKE(6, 0, 1);
    EXPECT_ERR(rt_ipc_reply_recv(q.endpoint, &m), CAIRN_E_ACCESS_DENIED);
    m.info = CAIRN_MSGINFO(6);
    EXPECT_EQ(rt_ipc_reply(&m), 0);
    kt_join(1);
    EXPECT_EQ(q.status, 0);
    EXPECT_EQ(q.reply_label, 6);
    EXPECT_EQ(rt_ipc_buffer_set(NULL), 0);
    cairn_handle_close(no_transfer);
    cairn_handle_close(t);
    cairn_handle_close(q.endpoint);
}

/* The caller (no buffer) cannot take the reply's bytes: its call ends with
 * TOO_LARGE, and the server's reply_recv goes on to the next message. */
KTEST(ipc_reply_recv_goes_on_when_the_caller_cannot_take_the_reply, KTEST_QUICK)
{
    struct queued_call q = {
        .endpoint = cairn_endpoint_create(), .info = CAIRN_MSGINFO(4), .no_buffer = true};
    long t = start_queued_caller(&q);
    EXPECT_EQ(rt_ipc_buffer_set(&recv_buf), 0);
    struct cairn_msg m;
    EXPECT_EQ(rt_ipc_recv(q.endpoint, UINT64_MAX, &m), 0);
    /* A pending bit of a bound notification shows that the receive half
     * ran (it would return at once), without waiting on anything. */
    long n = cairn_notification_create();
    EXPECT_EQ(cairn_notification_bind(n, CAIRN_HANDLE_NONE), 0);
    EXPECT_EQ(cairn_notification_signal(n, 1), 0);
    m.info = CAIRN_MSGINFO_MAKE(6, 3, 0);
    EXPECT_EQ(rt_ipc_reply_recv(q.endpoint, &m), 0);
    EXPECT_TRUE(rt_ipc_is_notification(&m));
    EXPECT_EQ(m.badge, 1);
    kt_join(1);
    EXPECT_ERR(q.status, CAIRN_E_TOO_LARGE);
    EXPECT_ERR(rt_ipc_reply(&m), CAIRN_E_NOT_FOUND);
    EXPECT_EQ(cairn_notification_unbind(n), 0);
    EXPECT_EQ(rt_ipc_buffer_set(NULL), 0);
    cairn_handle_close(n);
    cairn_handle_close(t);
    cairn_handle_close(q.endpoint);
}
