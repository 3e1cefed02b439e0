/*
 * reply.c - reply objects (ipc_reply_detach, ipc_reply_to): a server that
 * keeps callers waiting and answers them later, in any order, with words,
 * bytes and handles; every error of the two calls; a reply handle closed
 * unused, held by a process that ends, or used after its caller gave up
 * (timed out, killed), or outliving the thread that detached it; a reply
 * handle sent to another process that answers; copies, revoke and
 * duplicate; and no memory left behind. (Quota and handle-table
 * exhaustion: exhaustion.c.)
 */
#include "child.h"
#include "ktest.h"
#include "leak.h"
#include "threads.h"
#include <cairn/error.h>
#include <rt/ipc.h>

#define MS           1000000ull
#define RECV_TIMEOUT (5000 * MS) /* a message that should come has come by then */
#define REPLY_RIGHTS (CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_TRANSFER | CAIRN_RIGHT_REVOKE)
#define LEAK_ROUNDS  1000

void kt_call_and_exit(void);

static struct cairn_ipc_buffer main_buf __attribute__((aligned(4096)));
static struct cairn_ipc_buffer client_bufs[2] __attribute__((aligned(4096)));

/* A thread that calls `endpoint` with `label` (`rounds` times, 1 if 0)
 * and records what the last call returned. */
struct client {
    long endpoint;
    uint32_t label;
    unsigned rounds;
    struct cairn_ipc_buffer *buf; /* NULL: none */
    uint64_t timeout_ns;          /* 0: none (needs buf) */
    long status;
    struct cairn_msg reply;
    cairn_handle_t cap; /* caps[0] of the reply, if it had one */
};

static void client_call(uint64_t arg)
{
    struct client *c = (struct client *)arg;
    if (c->buf)
        EXPECT_EQ(rt_ipc_buffer_set(c->buf), 0);
    for (unsigned i = 0; i < c->rounds || i == 0; i++) {
        struct cairn_msg m = {.info = CAIRN_MSGINFO(c->label), .words = {i, 0, 0, 0}};
        c->status = c->timeout_ns ? rt_ipc_call_timeout(c->endpoint, c->buf, c->timeout_ns, &m)
                                  : rt_ipc_call(c->endpoint, &m);
        c->reply = m;
        if (c->status == 0 && CAIRN_MSGINFO_CAPS(m.info))
            c->cap = c->buf->caps[0];
    }
    kt_thread_done();
}

static long client_start(struct client *c)
{
    long t = kt_spawn(client_call, (uint64_t)c, RT_AFFINITY_ANY);
    EXPECT_TRUE(t > 0);
    return t;
}

/* Receives the next call on ep (label `label`) and detaches its reply. */
static long take_and_detach(long ep, uint32_t label)
{
    struct cairn_msg m;
    EXPECT_EQ(rt_ipc_recv(ep, RECV_TIMEOUT, &m), 0);
    EXPECT_EQ(CAIRN_MSGINFO_LABEL(m.info), label);
    long r = rt_ipc_reply_detach();
    EXPECT_TRUE(r > 0);
    return r;
}

static void expect_reply_handle(long r)
{
    struct cairn_handle_info info = {0};
    EXPECT_EQ(cairn_handle_info(r, &info), 0);
    EXPECT_EQ(info.type, CAIRN_OBJ_REPLY);
    EXPECT_EQ(info.rights, REPLY_RIGHTS);
}

static long reply_words(long r, uint32_t label, uint64_t w0)
{
    struct cairn_msg m = {.info = CAIRN_MSGINFO(label), .words = {w0, w0 + 1, w0 + 2, w0 + 3}};
    return rt_ipc_reply_to(r, &m);
}

KTEST(reply_objects_defer_two_callers_answered_in_reverse, KTEST_QUICK)
{
    static const char text[] = "later";
    struct client a = {.label = 1, .buf = &client_bufs[0]};
    struct client b = {.label = 2, .buf = &client_bufs[1]};
    long ep = cairn_endpoint_create();
    cairn_handle_t n = (cairn_handle_t)cairn_notification_create();
    a.endpoint = b.endpoint = ep;
    EXPECT_EQ(rt_ipc_buffer_set(&main_buf), 0);
    long ta = client_start(&a);
    long ra = take_and_detach(ep, 1);
    /* The debt left this thread: it may receive the next call. */
    struct cairn_msg none = {0};
    EXPECT_ERR(rt_ipc_reply(&none), CAIRN_E_NOT_FOUND);
    long tb = client_start(&b);
    long rb = take_and_detach(ep, 2);
    expect_reply_handle(ra);
    expect_reply_handle(rb);

    /* The second caller first: words, bytes and a handle. */
    for (unsigned i = 0; i < sizeof(text); i++)
        main_buf.data[i] = (uint8_t)text[i];
    struct cairn_msg m = {.info = rt_ipc_caps_put(&main_buf, 22, sizeof(text), &n, 1, false),
                          .words = {5, 6, 7, 8}};
    EXPECT_EQ(rt_ipc_reply_to(rb, &m), 0);
    kt_join(1);
    EXPECT_EQ(b.status, 0);
    EXPECT_EQ(b.reply.info, CAIRN_MSGINFO_MAKE(22, sizeof(text), 1));
    EXPECT_EQ(b.reply.words[0], 5);
    EXPECT_EQ(b.reply.words[3], 8);
    EXPECT_EQ(client_bufs[1].data[0], 'l');
    EXPECT_EQ(client_bufs[1].data[4], 'r');
    struct cairn_handle_info info = {0};
    EXPECT_EQ(cairn_handle_info(b.cap, &info), 0);
    EXPECT_EQ(info.type, CAIRN_OBJ_NOTIFICATION);
    EXPECT_EQ(cairn_notification_signal(b.cap, 4), 0);
    EXPECT_EQ(cairn_notification_wait(n, 0), 4);

    /* Then the first, which waited all along. */
    EXPECT_EQ(reply_words(ra, 11, 100), 0);
    kt_join(2);
    EXPECT_EQ(a.status, 0);
    EXPECT_EQ(a.reply.info, CAIRN_MSGINFO(11));
    EXPECT_EQ(a.reply.words[0], 100);
    EXPECT_EQ(a.reply.words[3], 103);

    /* One shot: the handles went with the replies. */
    EXPECT_ERR(reply_words(ra, 1, 0), CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(reply_words(rb, 1, 0), CAIRN_E_BAD_HANDLE);
    EXPECT_EQ(rt_ipc_buffer_set(NULL), 0);
    cairn_handle_close(b.cap);
    cairn_handle_close(ta);
    cairn_handle_close(tb);
    cairn_handle_close(n);
    cairn_handle_close(ep);
}

KTEST(reply_object_error_paths, KTEST_QUICK)
{
    struct client a = {.label = 3};
    long ep = cairn_endpoint_create();
    long n = cairn_notification_create();
    a.endpoint = ep;
    EXPECT_ERR(rt_ipc_reply_detach(), CAIRN_E_NOT_FOUND);
    EXPECT_ERR(reply_words(n, 1, 0), CAIRN_E_WRONG_TYPE);
    EXPECT_ERR(reply_words(0x12345678, 1, 0), CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(reply_words(0, 1, 0), CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(ktest_syscall6(SYS_IPC_REPLY_TO, 1ull << 32, 0, 0, 0, 0, 0), CAIRN_E_BAD_HANDLE);

    long ta = client_start(&a);
    long r = take_and_detach(ep, 3);
    EXPECT_ERR(rt_ipc_reply_detach(), CAIRN_E_NOT_FOUND);
    EXPECT_ERR(cairn_handle_duplicate(r, CAIRN_RIGHT_SIGNAL), CAIRN_E_ACCESS_DENIED);
    EXPECT_ERR(cairn_handle_mint(r, CAIRN_RIGHT_SIGNAL, 5), CAIRN_E_WRONG_TYPE);

    /* The replier's own mistakes change nothing. */
    struct cairn_msg m = {.info = 1ull << 50};
    EXPECT_ERR(rt_ipc_reply_to(r, &m), CAIRN_E_INVALID_ARGUMENT);
    m.info = CAIRN_MSGINFO_TIMEOUT;
    EXPECT_ERR(rt_ipc_reply_to(r, &m), CAIRN_E_INVALID_ARGUMENT);
    m.info = CAIRN_MSGINFO_NOTIFIED;
    EXPECT_ERR(rt_ipc_reply_to(r, &m), CAIRN_E_INVALID_ARGUMENT);
    m.info = CAIRN_MSGINFO_MAKE(1, CAIRN_IPC_MAX_BYTES + 1, 0);
    EXPECT_ERR(rt_ipc_reply_to(r, &m), CAIRN_E_TOO_LARGE);
    m.info = CAIRN_MSGINFO_MAKE(1, 0, 5);
    EXPECT_ERR(rt_ipc_reply_to(r, &m), CAIRN_E_INVALID_ARGUMENT);
    m.info = CAIRN_MSGINFO_MAKE(1, 8, 0);
    EXPECT_EQ(rt_ipc_buffer_set(NULL), 0);
    EXPECT_ERR(rt_ipc_reply_to(r, &m), CAIRN_E_BAD_ADDRESS);
    EXPECT_EQ(rt_ipc_buffer_set(&main_buf), 0);
    cairn_handle_t junk = 0x7654321;
    m.info = rt_ipc_caps_put(&main_buf, 1, 0, &junk, 1, false);
    EXPECT_ERR(rt_ipc_reply_to(r, &m), CAIRN_E_BAD_HANDLE);
    /* The client has no buffer: bytes fail on its side, which ends its
     * call with that error and spends the reply. Not yet: first the
     * handles that may not answer. */
    long weak = cairn_handle_grant(CAIRN_PROCESS_SELF, r, CAIRN_RIGHT_TRANSFER);
    EXPECT_TRUE(weak > 0);
    EXPECT_ERR(reply_words(weak, 1, 0), CAIRN_E_ACCESS_DENIED);
    long copy = cairn_handle_grant(CAIRN_PROCESS_SELF, r, REPLY_RIGHTS);
    EXPECT_TRUE(copy > 0);
    long grandchild = cairn_handle_grant(CAIRN_PROCESS_SELF, copy, REPLY_RIGHTS);
    EXPECT_TRUE(grandchild > 0);
    EXPECT_EQ(cairn_handle_revoke(copy), 0);
    EXPECT_ERR(reply_words(grandchild, 1, 0), CAIRN_E_REVOKED);
    EXPECT_EQ(cairn_handle_close(grandchild), 0);

    m.info = CAIRN_MSGINFO_MAKE(9, 16, 0);
    EXPECT_ERR(rt_ipc_reply_to(r, &m), CAIRN_E_TOO_LARGE);
    kt_join(1);
    EXPECT_ERR(a.status, CAIRN_E_TOO_LARGE);
    /* Spent: this handle is gone, a copy finds nothing owed. */
    EXPECT_ERR(reply_words(r, 1, 0), CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(reply_words(copy, 1, 0), CAIRN_E_NOT_FOUND);
    EXPECT_ERR(reply_words(copy, 1, 0), CAIRN_E_BAD_HANDLE); /* and it went too */
    EXPECT_EQ(cairn_handle_close(weak), 0);
    EXPECT_EQ(rt_ipc_buffer_set(NULL), 0);
    cairn_handle_close(ta);
    cairn_handle_close(n);
    cairn_handle_close(ep);
}

KTEST(reply_object_copy_answers_once, KTEST_QUICK)
{
    struct client a = {.label = 4};
    long ep = cairn_endpoint_create();
    a.endpoint = ep;
    long ta = client_start(&a);
    long r = take_and_detach(ep, 4);
    long copy = cairn_handle_grant(CAIRN_PROCESS_SELF, r, REPLY_RIGHTS);
    EXPECT_TRUE(copy > 0);
    EXPECT_EQ(reply_words(copy, 44, 7), 0);
    kt_join(1);
    EXPECT_EQ(a.status, 0);
    EXPECT_EQ(a.reply.info, CAIRN_MSGINFO(44));
    EXPECT_EQ(a.reply.words[0], 7);
    EXPECT_ERR(reply_words(r, 1, 0), CAIRN_E_NOT_FOUND);
    EXPECT_ERR(cairn_handle_close(r), CAIRN_E_BAD_HANDLE);
    cairn_handle_close(ta);
    cairn_handle_close(ep);
}

KTEST(reply_object_closed_unused_fails_the_call, KTEST_QUICK)
{
    struct client a = {.label = 5}, b = {.label = 6};
    long ep = cairn_endpoint_create();
    a.endpoint = b.endpoint = ep;
    long ta = client_start(&a);
    long r = take_and_detach(ep, 5);
    EXPECT_EQ(cairn_handle_close(r), 0);
    kt_join(1);
    EXPECT_ERR(a.status, CAIRN_E_PEER_DEAD);
    /* A revoked copy alone does not end the call; the last handle does. */
    long tb = client_start(&b);
    r = take_and_detach(ep, 6);
    long copy = cairn_handle_grant(CAIRN_PROCESS_SELF, r, REPLY_RIGHTS);
    EXPECT_EQ(cairn_handle_revoke(r), 0);
    EXPECT_ERR(reply_words(copy, 1, 0), CAIRN_E_REVOKED);
    EXPECT_EQ(cairn_handle_close(r), 0);
    kt_join(2);
    EXPECT_ERR(b.status, CAIRN_E_PEER_DEAD);
    EXPECT_EQ(cairn_handle_close(copy), 0);
    cairn_handle_close(ta);
    cairn_handle_close(tb);
    cairn_handle_close(ep);
}

/* The caller's call times out while its reply is detached: the reply then
 * fails, and a detach after the timeout fails too. The caller's timeout
 * must not pass before this thread takes its message; on a slow machine
 * the next try doubles it. */
KTEST(reply_object_after_the_caller_timed_out, KTEST_QUICK)
{
    bool done = false;
    for (uint64_t timeout = 50 * MS; !done && timeout <= 3200 * MS; timeout *= 2) {
        struct client a = {.label = 7, .buf = &client_bufs[0], .timeout_ns = timeout};
        struct cairn_msg m;
        a.endpoint = cairn_endpoint_create();
        long ta = client_start(&a);
        long got = rt_ipc_recv(a.endpoint, timeout + RECV_TIMEOUT, &m);
        long r = got == 0 ? rt_ipc_reply_detach() : 0;
        kt_join(1);
        kt_reset();
        cairn_handle_close(ta);
        cairn_handle_close(a.endpoint);
        if (got != 0 || r == -CAIRN_E_PEER_DEAD) /* it gave up before the detach */
            continue;
        done = true;
        EXPECT_TRUE(r > 0);
        EXPECT_ERR(a.status, CAIRN_E_TIMED_OUT);
        EXPECT_ERR(reply_words(r, 1, 0), CAIRN_E_PEER_DEAD);
        EXPECT_ERR(reply_words(r, 1, 0), CAIRN_E_BAD_HANDLE);
    }
    EXPECT_TRUE(done);
    done = false;
    for (uint64_t timeout = 50 * MS; !done && timeout <= 3200 * MS; timeout *= 2) {
        struct client a = {.label = 8, .buf = &client_bufs[0], .timeout_ns = timeout};
        struct cairn_msg m;
        a.endpoint = cairn_endpoint_create();
        long ta = client_start(&a);
        long got = rt_ipc_recv(a.endpoint, timeout + RECV_TIMEOUT, &m);
        kt_join(1);
        kt_reset();
        if (got == 0) {
            done = true;
            EXPECT_ERR(a.status, CAIRN_E_TIMED_OUT);
            EXPECT_ERR(rt_ipc_reply_detach(), CAIRN_E_PEER_DEAD);
            EXPECT_ERR(rt_ipc_reply_detach(), CAIRN_E_NOT_FOUND); /* the debt ended */
        }
        cairn_handle_close(ta);
        cairn_handle_close(a.endpoint);
    }
    EXPECT_TRUE(done);
}

/* A child process calls ep, this thread detaches the reply and the child
 * is killed; returns the reply handle, which the killed caller left. */
static long killed_caller_round(long ep)
{
    struct child c;
    int64_t status;
    long r = 0;
    if (kt_child_new(&c, CHILD_QUOTA)) {
        long granted = cairn_handle_grant(c.process, ep, CAIRN_RIGHT_SIGNAL);
        EXPECT_TRUE(granted > 0);
        EXPECT_TRUE(kt_child_start(&c, kt_child_call, (uint64_t)granted, 0) > 0);
        r = take_and_detach(ep, 1);
        EXPECT_EQ(cairn_process_kill(c.process), 0);
        EXPECT_EQ(kt_child_wait(&c, &status), CAIRN_EXIT_KILLED);
    }
    kt_child_free(&c);
    return r;
}

/* A snapshot of memory once dead threads and objects have been reaped:
 * two in a row, some milliseconds apart, that agree. */
static void settled_memory(struct cairn_system_info *info)
{
    struct cairn_system_info again;
    cairn_system_info(info);
    for (int tries = 0; tries < 100; tries++) {
        cairn_sleep(5 * MS);
        cairn_system_info(&again);
        if (kt_same_memory(info, &again))
            return;
        *info = again;
    }
}

KTEST(reply_object_after_the_caller_was_killed, KTEST_QUICK)
{
    struct cairn_system_info before;
    long ep = cairn_endpoint_create();
    long r1 = killed_caller_round(ep);
    settled_memory(&before);
    /* A second round with r1 answered: one reply object is held either
     * way, so memory comes back to `before` only if the reply object
     * keeps nothing of its dead caller (thread, quota, process). */
    EXPECT_ERR(reply_words(r1, 1, 0), CAIRN_E_PEER_DEAD);
    long r2 = killed_caller_round(ep);
    EXPECT_TRUE(kt_memory_back_to(&before));
    EXPECT_ERR(reply_words(r2, 1, 0), CAIRN_E_PEER_DEAD);
    cairn_handle_close(ep);
}

/* The reply handle moves to a child process, which answers through it. */
KTEST(reply_object_answered_by_another_process, KTEST_QUICK)
{
    struct client a = {.label = 9}, b = {.label = 10};
    long ep = cairn_endpoint_create();
    long work = cairn_endpoint_create();
    a.endpoint = b.endpoint = ep;
    EXPECT_EQ(rt_ipc_buffer_set(&main_buf), 0);
    for (uint32_t label = 1; label <= 2; label++) {
        struct child c;
        int64_t status = -1;
        if (!kt_child_new(&c, CHILD_QUOTA))
            break;
        long granted = cairn_handle_grant(c.process, work, CAIRN_RIGHT_WAIT);
        EXPECT_TRUE(kt_child_start(&c, kt_child_reply_worker, (uint64_t)granted, 0) > 0);
        long t = client_start(label == 1 ? &a : &b);
        cairn_handle_t r = (cairn_handle_t)take_and_detach(ep, label == 1 ? 9 : 10);
        struct cairn_msg m = {.info = rt_ipc_caps_put(&main_buf, label, 0, &r, 1, true)};
        long called = rt_ipc_call(work, &m);
        EXPECT_ERR(cairn_handle_info(r, &(struct cairn_handle_info){0}), CAIRN_E_BAD_HANDLE);
        EXPECT_EQ(kt_child_wait(&c, &status), CAIRN_EXIT_STATUS);
        EXPECT_EQ(status, 0);
        kt_join((int)label);
        if (label == 1) {
            /* It replied through the handle, then told us how that went. */
            EXPECT_EQ(called, 0);
            EXPECT_EQ(m.words[0], 0);
            EXPECT_EQ(a.status, 0);
            EXPECT_EQ(a.reply.info, CAIRN_MSGINFO(0x77));
            EXPECT_EQ(a.reply.words[0], 0xabc);
            EXPECT_EQ(a.reply.words[1], 0xdef);
        } else {
            /* It ended holding the handle, without a word to anyone. */
            EXPECT_ERR(called, CAIRN_E_PEER_DEAD);
            EXPECT_ERR(b.status, CAIRN_E_PEER_DEAD);
        }
        cairn_handle_close(t);
        kt_child_free(&c);
    }
    EXPECT_EQ(rt_ipc_buffer_set(NULL), 0);
    cairn_handle_close(work);
    cairn_handle_close(ep);
}

/* Detach and answer, over and over: nothing stays behind. */
KTEST(reply_object_1000_rounds_leak_nothing, KTEST_QUICK)
{
    struct cairn_system_info before;
    long ep = cairn_endpoint_create();
    struct client warm = {.endpoint = ep, .label = 12, .rounds = 2};
    struct client a = {.endpoint = ep, .label = 12, .rounds = LEAK_ROUNDS};
    long t = client_start(&warm);
    for (unsigned i = 0; i < warm.rounds; i++)
        EXPECT_EQ(reply_words(take_and_detach(ep, 12), 13, i), 0);
    kt_join(1);
    cairn_handle_close(t);
    settled_memory(&before);
    t = client_start(&a);
    unsigned failed = 0;
    for (unsigned i = 0; i < LEAK_ROUNDS; i++) {
        struct cairn_msg m;
        long r = rt_ipc_recv(ep, RECV_TIMEOUT, &m) == 0 ? rt_ipc_reply_detach() : -1;
        failed += r <= 0 || m.words[0] != i || reply_words(r, 13, i) != 0;
    }
    kt_join(2);
    cairn_handle_close(t);
    EXPECT_EQ(failed, 0);
    EXPECT_EQ(a.status, 0);
    EXPECT_EQ(a.reply.words[0], LEAK_ROUNDS - 1);
    EXPECT_TRUE(kt_memory_back_to(&before));
    cairn_handle_close(ep);
}

/* Receives one call on the endpoint in *arg, detaches its reply into
 * *arg and ends, leaving the reply to whoever finds the handle. */
static void detach_and_exit(uint64_t arg)
{
    long *slot = (long *)arg;
    struct cairn_msg m;
    if (rt_ipc_recv(*slot, RECV_TIMEOUT, &m) == 0)
        __atomic_store_n(slot, rt_ipc_reply_detach(), __ATOMIC_RELEASE);
    kt_thread_done();
}

/* The thread that detached a reply ends; the caller waits on, and
 * another thread answers it; meanwhile the implicit reply works as ever. */
KTEST(reply_object_outlives_the_thread_that_detached_it, KTEST_QUICK)
{
    long ep = cairn_endpoint_create();
    long slot = ep;
    struct client a = {.endpoint = ep, .label = 14}, b = {.endpoint = ep, .label = 15};
    long ts = kt_spawn(detach_and_exit, (uint64_t)&slot, RT_AFFINITY_ANY);
    long ta = client_start(&a);
    kt_join(1);
    long r = __atomic_load_n(&slot, __ATOMIC_ACQUIRE);
    expect_reply_handle(r);
    long tb = client_start(&b);
    struct cairn_msg m;
    EXPECT_EQ(rt_ipc_recv(ep, RECV_TIMEOUT, &m), 0);
    EXPECT_EQ(CAIRN_MSGINFO_LABEL(m.info), 15);
    m.info = CAIRN_MSGINFO(150);
    EXPECT_EQ(rt_ipc_reply(&m), 0);
    kt_join(2);
    EXPECT_EQ(b.status, 0);
    EXPECT_EQ(b.reply.info, CAIRN_MSGINFO(150));
    EXPECT_EQ(reply_words(r, 140, 1), 0);
    kt_join(3);
    EXPECT_EQ(a.status, 0);
    EXPECT_EQ(a.reply.info, CAIRN_MSGINFO(140));
    cairn_handle_close(ts);
    cairn_handle_close(ta);
    cairn_handle_close(tb);
    cairn_handle_close(ep);
}
