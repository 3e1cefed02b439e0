/*
 * ipc_long.c - long messages through IPC buffers and capability transfer:
 * sizes up to the limit and past it, buffers unset, unmapped or read-only
 * on either side, handles moved and copied (the receiver can use them, the
 * sender loses a moved one, a copy is revoked with its source), handles
 * the sender may not send, a full receiving table, handles in replies, and
 * all of it across CPUs. Receivers here are threads of this process, so
 * the test can look at the handles they got.
 */
#include "ktest.h"
#include "leak.h"
#include "threads.h"
#include <cairn/error.h>
#include <cairn/vm.h>
#include <rt/ipc.h>

#define PAGE        4096ull
#define MS          1000000ull
#define STOP        0xdead
#define UNMAPPED    0x200000000000ull /* nothing of the suite lives there */
#define MAX_BYTES   CAIRN_IPC_MAX_BYTES
#define SENT_RIGHTS (CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_TRANSFER | CAIRN_RIGHT_REVOKE)

static struct cairn_ipc_buffer main_buf __attribute__((aligned(4096)));
static struct cairn_ipc_buffer server_buf __attribute__((aligned(4096)));

/* What the server saw of each message, for the test to check. */
struct server {
    long endpoint;
    long thread;
    struct cairn_ipc_buffer *buf; /* NULL: no IPC buffer */
    uint64_t unmapped_va;         /* else: a buffer set here, then unmapped */
    uint64_t reply_info;          /* the reply's descriptor, when not 0 */
    long reply_status[8];         /* what its first replies returned */
    unsigned replies;
    cairn_handle_t got[CAIRN_IPC_MAX_CAPS];
    unsigned ncaps;
};

static uint8_t pattern(unsigned i, unsigned salt)
{
    return (uint8_t)(i * 7 + salt);
}

/* A page of a memory object mapped at va and named as the IPC buffer, then
 * unmapped: the thread's buffer is set but gone. Returns the object. */
static long buffer_then_unmap(uint64_t va)
{
    long mem = cairn_memory_create(PAGE);
    EXPECT_EQ(
        cairn_vm_map(CAIRN_PROCESS_SELF, mem, 0, va, PAGE, CAIRN_PROT_READ | CAIRN_PROT_WRITE), va);
    EXPECT_EQ(cairn_ipc_buffer_set(va), 0);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, PAGE), 0);
    return mem;
}

/* Replies to each message with its bytes inverted, words: byte count,
 * capability count, sum of the bytes. Keeps the handles it gets. */
static void long_server(uint64_t arg)
{
    struct server *s = (struct server *)arg;
    struct cairn_msg m;
    long mem = 0;
    if (s->unmapped_va)
        mem = buffer_then_unmap(s->unmapped_va);
    else if (s->buf)
        EXPECT_EQ(rt_ipc_buffer_set(s->buf), 0);
    long status = rt_ipc_recv((cairn_handle_t)s->endpoint, UINT64_MAX, &m);
    while (status == 0 && CAIRN_MSGINFO_LABEL(m.info) != STOP) {
        unsigned bytes = CAIRN_MSGINFO_BYTES(m.info);
        uint64_t sum = 0;
        s->ncaps = CAIRN_MSGINFO_CAPS(m.info);
        for (unsigned i = 0; i < s->ncaps; i++)
            s->got[i] = s->buf->caps[i];
        for (unsigned i = 0; i < bytes; i++) {
            sum += s->buf->data[i];
            s->buf->data[i] = (uint8_t)~s->buf->data[i];
        }
        m.words[0] = bytes;
        m.words[1] = s->ncaps;
        m.words[2] = sum;
        m.info = s->reply_info ? s->reply_info : CAIRN_MSGINFO_MAKE(1, bytes, 0);
        long r = rt_ipc_reply(&m);
        if (s->replies < 8)
            s->reply_status[s->replies++] = r;
        status = rt_ipc_recv((cairn_handle_t)s->endpoint, UINT64_MAX, &m);
    }
    m.info = 0;
    rt_ipc_reply(&m);
    if (mem)
        cairn_handle_close(mem);
    kt_thread_done();
}

static void server_start(struct server *s, uint32_t affinity)
{
    s->endpoint = cairn_endpoint_create();
    EXPECT_TRUE(s->endpoint > 0);
    s->thread = kt_spawn(long_server, (uint64_t)s, affinity);
    EXPECT_TRUE(s->thread > 0);
}

static void server_stop(struct server *s)
{
    struct cairn_msg m = {.info = CAIRN_MSGINFO(STOP)};
    EXPECT_EQ(rt_ipc_call(s->endpoint, &m), 0);
    kt_join(1);
    cairn_handle_close(s->endpoint);
    cairn_handle_close(s->thread);
}

/* Sends `bytes` bytes of pattern and checks the inverted echo. */
static void round_trip(struct server *s, unsigned bytes, unsigned salt)
{
    uint64_t sum = 0;
    for (unsigned i = 0; i < bytes; i++) {
        main_buf.data[i] = pattern(i, salt);
        sum += pattern(i, salt);
    }
    struct cairn_msg m = {.info = CAIRN_MSGINFO_MAKE(7, bytes, 0)};
    EXPECT_EQ(rt_ipc_call(s->endpoint, &m), 0);
    EXPECT_EQ(m.info, CAIRN_MSGINFO_MAKE(1, bytes, 0));
    EXPECT_EQ(m.words[0], bytes);
    EXPECT_EQ(m.words[2], sum);
    unsigned wrong = 0;
    for (unsigned i = 0; i < bytes; i++)
        wrong += (unsigned)main_buf.data[i] != (0xffu & ~(unsigned)pattern(i, salt));
    EXPECT_EQ(wrong, 0);
}

static void long_messages_on(uint32_t affinity)
{
    struct server s = {.buf = &server_buf};
    EXPECT_EQ(rt_ipc_buffer_set(&main_buf), 0);
    server_start(&s, affinity);
    static const unsigned sizes[] = {1, 2, 31, 100, 4000, MAX_BYTES - 1, MAX_BYTES, 0, 1};
    for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
        round_trip(&s, sizes[i], i);
    server_stop(&s);
    EXPECT_EQ(rt_ipc_buffer_set(NULL), 0);
}

KTEST(ipc_long_messages_same_cpu, KTEST_QUICK)
{
    long_messages_on(RT_AFFINITY_ANY);
}

KTEST(ipc_long_messages_cross_cpu, KTEST_QUICK)
{
    long_messages_on(kt_other_cpu(0));
}

KTEST(ipc_buffer_set_checks_the_page, KTEST_QUICK)
{
    EXPECT_ERR(cairn_ipc_buffer_set((uint64_t)&main_buf + 8), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_ipc_buffer_set(UNMAPPED), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_ipc_buffer_set(0xffff800000000000ull), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_ipc_buffer_set(0x00007ffffffff000ull), CAIRN_E_BAD_ADDRESS);
    /* The program's code is mapped, but not writable. */
    EXPECT_ERR(cairn_ipc_buffer_set((uint64_t)long_server & ~(PAGE - 1)), CAIRN_E_BAD_ADDRESS);
    EXPECT_EQ(rt_ipc_buffer_set(&main_buf), 0);
    EXPECT_EQ(rt_ipc_buffer_set(NULL), 0);
}

KTEST(ipc_bad_descriptors_and_missing_buffer, KTEST_QUICK)
{
    long ep = cairn_endpoint_create();
    struct cairn_msg m = {.info = CAIRN_MSGINFO_MAKE(1, 1, 0)};
    /* No buffer: nothing with bytes, capabilities or a timeout can go. */
    EXPECT_ERR(rt_ipc_call(ep, &m), CAIRN_E_BAD_ADDRESS);
    m.info = CAIRN_MSGINFO_MAKE(1, 0, 1);
    EXPECT_ERR(rt_ipc_call(ep, &m), CAIRN_E_BAD_ADDRESS);
    m.info = CAIRN_MSGINFO(1) | CAIRN_MSGINFO_TIMEOUT;
    EXPECT_ERR(rt_ipc_call(ep, &m), CAIRN_E_BAD_ADDRESS);
    EXPECT_EQ(rt_ipc_buffer_set(&main_buf), 0);
    m.info = CAIRN_MSGINFO_MAKE(1, MAX_BYTES + 1, 0);
    EXPECT_ERR(rt_ipc_call(ep, &m), CAIRN_E_TOO_LARGE);
    m.info = CAIRN_MSGINFO_MAKE(1, 0x1fff, 0);
    EXPECT_ERR(rt_ipc_call(ep, &m), CAIRN_E_TOO_LARGE);
    m.info = CAIRN_MSGINFO_MAKE(1, 0, CAIRN_IPC_MAX_CAPS + 1);
    EXPECT_ERR(rt_ipc_call(ep, &m), CAIRN_E_INVALID_ARGUMENT);
    m.info = CAIRN_MSGINFO(1) | CAIRN_MSGINFO_NOTIFIED;
    EXPECT_ERR(rt_ipc_call(ep, &m), CAIRN_E_INVALID_ARGUMENT);
    m.info = CAIRN_MSGINFO(1) | (1ull << 50);
    EXPECT_ERR(rt_ipc_call(ep, &m), CAIRN_E_INVALID_ARGUMENT);
    /* Replies take no timeout; and with no caller, nothing is owed. */
    m.info = CAIRN_MSGINFO(1) | CAIRN_MSGINFO_TIMEOUT;
    EXPECT_ERR(rt_ipc_reply_recv(ep, &m), CAIRN_E_INVALID_ARGUMENT);
    m.info = CAIRN_MSGINFO_MAKE(1, 5, 0);
    EXPECT_ERR(rt_ipc_reply(&m), CAIRN_E_NOT_FOUND);
    EXPECT_EQ(rt_ipc_buffer_set(NULL), 0);
    cairn_handle_close(ep);
}

KTEST(ipc_unmapped_sender_buffer, KTEST_QUICK)
{
    struct server s = {.buf = &server_buf};
    server_start(&s, RT_AFFINITY_ANY);
    long mem = buffer_then_unmap(UNMAPPED);
    struct cairn_msg m = {.info = CAIRN_MSGINFO_MAKE(1, 16, 0)};
    EXPECT_ERR(rt_ipc_call(s.endpoint, &m), CAIRN_E_BAD_ADDRESS);
    /* A message of registers only never looks at the buffer. */
    m.info = CAIRN_MSGINFO(1);
    EXPECT_EQ(rt_ipc_call(s.endpoint, &m), 0);
    EXPECT_EQ(m.words[0], 0);
    /* A page mapped again at the address is the buffer again. */
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, mem, 0, UNMAPPED, PAGE,
                           CAIRN_PROT_READ | CAIRN_PROT_WRITE),
              UNMAPPED);
    m.info = CAIRN_MSGINFO_MAKE(1, 16, 0);
    EXPECT_EQ(rt_ipc_call(s.endpoint, &m), 0);
    EXPECT_EQ(m.words[0], 16);
    EXPECT_EQ(rt_ipc_buffer_set(NULL), 0);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, UNMAPPED, PAGE), 0);
    cairn_handle_close(mem);
    server_stop(&s);
}

static void no_usable_buffer(struct server *s)
{
    server_start(s, RT_AFFINITY_ANY);
    struct cairn_msg m = {.info = CAIRN_MSGINFO_MAKE(1, 1, 0)};
    EXPECT_ERR(rt_ipc_call(s->endpoint, &m), CAIRN_E_TOO_LARGE);
    m.info = CAIRN_MSGINFO_MAKE(1, 0, 1);
    main_buf.caps[0] = (uint32_t)s->endpoint;
    EXPECT_ERR(rt_ipc_call(s->endpoint, &m), CAIRN_E_TOO_LARGE);
    m.info = CAIRN_MSGINFO(1);
    EXPECT_EQ(rt_ipc_call(s->endpoint, &m), 0);
    EXPECT_EQ(m.words[0], 0);
    server_stop(s);
}

/* The message fails with TOO_LARGE, the receiver keeps waiting and then
 * takes a message of registers. */
KTEST(ipc_receiver_without_usable_buffer, KTEST_QUICK)
{
    struct cairn_system_info before;
    cairn_system_info(&before);
    EXPECT_EQ(rt_ipc_buffer_set(&main_buf), 0);
    struct server none = {.buf = NULL};
    no_usable_buffer(&none);
    struct server unmapped = {.unmapped_va = UNMAPPED + PAGE};
    no_usable_buffer(&unmapped);
    EXPECT_EQ(rt_ipc_buffer_set(NULL), 0);
    EXPECT_TRUE(kt_memory_back_to(&before));
}

/* The caller has no buffer: a reply with bytes fails the call with
 * TOO_LARGE, and the replier learns it too. */
KTEST(ipc_long_reply_to_caller_without_buffer, KTEST_QUICK)
{
    struct server s = {.buf = &server_buf, .reply_info = CAIRN_MSGINFO_MAKE(1, 8, 0)};
    server_start(&s, RT_AFFINITY_ANY);
    struct cairn_msg m = {.info = CAIRN_MSGINFO(1)};
    EXPECT_ERR(rt_ipc_call(s.endpoint, &m), CAIRN_E_TOO_LARGE);
    s.reply_info = 0;
    EXPECT_EQ(rt_ipc_call(s.endpoint, &m), 0);
    server_stop(&s);
    EXPECT_ERR(s.reply_status[0], CAIRN_E_TOO_LARGE);
    EXPECT_EQ(s.reply_status[1], 0);
}

static uint32_t handle_rights(long h)
{
    struct cairn_handle_info info = {0};
    EXPECT_EQ(cairn_handle_info(h, &info), 0);
    return info.rights;
}

static void caps_on(uint32_t affinity, bool move)
{
    struct cairn_system_info before;
    cairn_system_info(&before);
    struct server s = {.buf = &server_buf};
    EXPECT_EQ(rt_ipc_buffer_set(&main_buf), 0);
    server_start(&s, affinity);
    long n = cairn_notification_create();
    long sent = cairn_handle_duplicate(n, SENT_RIGHTS);
    long ep = cairn_endpoint_create();
    long badged = cairn_handle_mint(ep, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_TRANSFER, 0xbad6e);
    cairn_handle_t list[2] = {(cairn_handle_t)sent, (cairn_handle_t)badged};
    struct cairn_msg m = {.info = rt_ipc_caps_put(&main_buf, 3, 10, list, 2, move)};
    EXPECT_EQ(rt_ipc_call(s.endpoint, &m), 0);
    EXPECT_EQ(m.words[0], 10);
    EXPECT_EQ(m.words[1], 2);
    EXPECT_EQ(s.ncaps, 2);
    /* New handles, same rights and badge; the receiver can use them. */
    EXPECT_TRUE(s.got[0] != (cairn_handle_t)sent && s.got[1] != (cairn_handle_t)badged);
    EXPECT_EQ(handle_rights(s.got[0]), SENT_RIGHTS);
    struct cairn_handle_info info = {0};
    EXPECT_EQ(cairn_handle_info(s.got[1], &info), 0);
    EXPECT_EQ(info.type, CAIRN_OBJ_ENDPOINT);
    EXPECT_EQ(info.badge, 0xbad6e);
    EXPECT_EQ(cairn_notification_signal(s.got[0], 4), 0);
    EXPECT_EQ(cairn_notification_wait(n, 0), 4);
    if (move) {
        EXPECT_ERR(cairn_handle_info(sent, &info), CAIRN_E_BAD_HANDLE);
        EXPECT_ERR(cairn_handle_close(badged), CAIRN_E_BAD_HANDLE);
        /* A moved handle keeps its place: revoking its parent reaches it. */
        EXPECT_EQ(cairn_handle_revoke(n), 0);
        EXPECT_ERR(cairn_notification_signal(s.got[0], 1), CAIRN_E_REVOKED);
    } else {
        EXPECT_EQ(cairn_notification_signal(sent, 1), 0);
        /* A copy is a child of the handle sent: revoking it reaches it. */
        EXPECT_EQ(cairn_handle_revoke(sent), 0);
        EXPECT_ERR(cairn_notification_signal(s.got[0], 1), CAIRN_E_REVOKED);
        EXPECT_EQ(cairn_notification_signal(sent, 1), 0);
        EXPECT_EQ(cairn_handle_close(sent), 0);
        EXPECT_EQ(cairn_handle_close(badged), 0);
    }
    EXPECT_EQ(cairn_handle_close(s.got[0]), 0);
    EXPECT_EQ(cairn_handle_close(s.got[1]), 0);
    cairn_handle_close(n);
    cairn_handle_close(ep);
    server_stop(&s);
    EXPECT_EQ(rt_ipc_buffer_set(NULL), 0);
    EXPECT_TRUE(kt_memory_back_to(&before));
}

KTEST(ipc_caps_copied, KTEST_QUICK)
{
    caps_on(RT_AFFINITY_ANY, false);
}

KTEST(ipc_caps_moved, KTEST_QUICK)
{
    caps_on(RT_AFFINITY_ANY, true);
}

KTEST(ipc_caps_copied_cross_cpu, KTEST_QUICK)
{
    caps_on(kt_other_cpu(0), false);
}

KTEST(ipc_caps_moved_cross_cpu, KTEST_QUICK)
{
    caps_on(kt_other_cpu(0), true);
}

KTEST(ipc_caps_the_sender_may_not_send, KTEST_QUICK)
{
    struct server s = {.buf = &server_buf};
    EXPECT_EQ(rt_ipc_buffer_set(&main_buf), 0);
    server_start(&s, RT_AFFINITY_ANY);
    long n = cairn_notification_create();
    long no_transfer = cairn_handle_duplicate(n, CAIRN_RIGHT_SIGNAL);
    long closed = cairn_handle_duplicate(n, CAIRN_RIGHT_TRANSFER);
    cairn_handle_close(closed);
    long revoked = cairn_handle_duplicate(n, CAIRN_RIGHT_TRANSFER);
    cairn_handle_t list[2] = {(cairn_handle_t)n, 0};
    struct cairn_msg m;

    list[1] = (cairn_handle_t)no_transfer;
    m.info = rt_ipc_caps_put(&main_buf, 1, 0, list, 2, false);
    EXPECT_ERR(rt_ipc_call(s.endpoint, &m), CAIRN_E_ACCESS_DENIED);
    list[1] = (cairn_handle_t)closed;
    m.info = rt_ipc_caps_put(&main_buf, 1, 0, list, 2, true);
    EXPECT_ERR(rt_ipc_call(s.endpoint, &m), CAIRN_E_BAD_HANDLE);
    list[1] = 0x7fff0001;
    m.info = rt_ipc_caps_put(&main_buf, 1, 0, list, 2, false);
    EXPECT_ERR(rt_ipc_call(s.endpoint, &m), CAIRN_E_BAD_HANDLE);
    EXPECT_EQ(cairn_handle_revoke(n), 0);
    list[0] = (cairn_handle_t)revoked;
    list[1] = (cairn_handle_t)n;
    m.info = rt_ipc_caps_put(&main_buf, 1, 0, list, 2, false);
    EXPECT_ERR(rt_ipc_call(s.endpoint, &m), CAIRN_E_REVOKED);
    /* A handle moved twice, or moved and copied, is refused; copied twice
     * is two copies. */
    list[0] = (cairn_handle_t)n;
    m.info = rt_ipc_caps_put(&main_buf, 1, 0, list, 2, true);
    EXPECT_ERR(rt_ipc_call(s.endpoint, &m), CAIRN_E_INVALID_ARGUMENT);
    main_buf.caps[1] = (uint32_t)n;
    EXPECT_ERR(rt_ipc_call(s.endpoint, &m), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_EQ(cairn_handle_info(n, &(struct cairn_handle_info){0}), 0);
    m.info = rt_ipc_caps_put(&main_buf, 1, 0, list, 2, false);
    EXPECT_EQ(rt_ipc_call(s.endpoint, &m), 0);
    EXPECT_EQ(s.ncaps, 2);
    EXPECT_TRUE(s.got[0] != s.got[1]);
    cairn_handle_close(s.got[0]);
    cairn_handle_close(s.got[1]);
    cairn_handle_close(n);
    cairn_handle_close(no_transfer);
    cairn_handle_close(revoked);
    server_stop(&s);
    EXPECT_EQ(rt_ipc_buffer_set(NULL), 0);
}

/* The receiving table (this process's) is full: the message fails and no
 * handle moved or was made; with room for exactly as many, it goes. */
KTEST(ipc_caps_receiver_table_full, KTEST_QUICK)
{
    static long fillers[4096];
    unsigned nfill = 0;
    struct server s = {.buf = &server_buf};
    EXPECT_EQ(rt_ipc_buffer_set(&main_buf), 0);
    server_start(&s, RT_AFFINITY_ANY);
    long n = cairn_notification_create();
    long a = cairn_handle_duplicate(n, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_TRANSFER);
    long b = cairn_handle_duplicate(n, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_TRANSFER);
    long c = cairn_handle_duplicate(n, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_TRANSFER);
    for (;;) {
        long h = cairn_handle_duplicate(n, CAIRN_RIGHT_SIGNAL);
        if (h < 0) {
            EXPECT_ERR(h, CAIRN_E_NO_HANDLES);
            break;
        }
        fillers[nfill++] = h;
    }
    cairn_handle_close(fillers[--nfill]);
    cairn_handle_close(fillers[--nfill]);
    cairn_handle_t list[3] = {(cairn_handle_t)a, (cairn_handle_t)b, (cairn_handle_t)c};
    struct cairn_msg m = {.info = rt_ipc_caps_put(&main_buf, 1, 0, list, 3, true)};
    EXPECT_ERR(rt_ipc_call(s.endpoint, &m), CAIRN_E_NO_HANDLES);
    m.info = rt_ipc_caps_put(&main_buf, 1, 0, list, 3, false);
    EXPECT_ERR(rt_ipc_call(s.endpoint, &m), CAIRN_E_NO_HANDLES);
    for (unsigned i = 0; i < 3; i++)
        EXPECT_EQ(handle_rights((long)list[i]), CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_TRANSFER);
    /* Two fit: moved ones leave their old slots free again. */
    m.info = rt_ipc_caps_put(&main_buf, 1, 0, list, 2, true);
    EXPECT_EQ(rt_ipc_call(s.endpoint, &m), 0);
    EXPECT_EQ(s.ncaps, 2);
    EXPECT_EQ(cairn_notification_signal(s.got[1], 2), 0);
    EXPECT_EQ(cairn_notification_wait(n, 0), 2);
    while (nfill)
        cairn_handle_close(fillers[--nfill]);
    cairn_handle_close(s.got[0]);
    cairn_handle_close(s.got[1]);
    cairn_handle_close(c);
    cairn_handle_close(n);
    server_stop(&s);
    EXPECT_EQ(rt_ipc_buffer_set(NULL), 0);
}

/* Handles travel back in replies too, into the caller's buffer. */
static void cap_replier(uint64_t arg)
{
    struct server *s = (struct server *)arg;
    struct cairn_msg m;
    EXPECT_EQ(rt_ipc_buffer_set(s->buf), 0);
    EXPECT_EQ(rt_ipc_recv((cairn_handle_t)s->endpoint, UINT64_MAX, &m), 0);
    long n = cairn_notification_create();
    cairn_handle_t h = (cairn_handle_t)n;
    m.info = rt_ipc_caps_put(s->buf, 9, 3, &h, 1, true);
    s->buf->data[0] = 'a';
    s->buf->data[1] = 'b';
    s->buf->data[2] = 'c';
    s->reply_status[0] = rt_ipc_reply(&m);
    kt_thread_done();
}

KTEST(ipc_caps_in_a_reply, KTEST_QUICK)
{
    struct server s = {.buf = &server_buf};
    s.endpoint = cairn_endpoint_create();
    EXPECT_EQ(rt_ipc_buffer_set(&main_buf), 0);
    s.thread = kt_spawn(cap_replier, (uint64_t)&s, kt_other_cpu(0));
    EXPECT_TRUE(s.thread > 0);
    struct cairn_msg m = {.info = CAIRN_MSGINFO(1)};
    EXPECT_EQ(rt_ipc_call(s.endpoint, &m), 0);
    EXPECT_EQ(m.info, CAIRN_MSGINFO_MAKE(9, 3, 1));
    EXPECT_EQ(main_buf.data[2], 'c');
    long got = main_buf.caps[0];
    EXPECT_EQ(cairn_notification_signal(got, 1), 0);
    EXPECT_EQ(cairn_notification_wait(got, 0), 1);
    kt_join(1);
    EXPECT_EQ(s.reply_status[0], 0);
    cairn_handle_close(got);
    cairn_handle_close(s.endpoint);
    cairn_handle_close(s.thread);
    EXPECT_EQ(rt_ipc_buffer_set(NULL), 0);
}

/* Answers the first call through ipc_reply_recv with a handle it moves (a
 * new notification, whose value it leaves in s->got[0]), then STOP. */
static void moving_replier(uint64_t arg)
{
    struct server *s = (struct server *)arg;
    struct cairn_msg m;
    EXPECT_EQ(rt_ipc_buffer_set(s->buf), 0);
    EXPECT_EQ(rt_ipc_recv((cairn_handle_t)s->endpoint, UINT64_MAX, &m), 0);
    long n = cairn_notification_create();
    EXPECT_TRUE(n > 0);
    s->got[0] = (cairn_handle_t)n;
    m.info = rt_ipc_caps_put(s->buf, 9, 0, &s->got[0], 1, true);
    s->reply_status[0] = rt_ipc_reply_recv((cairn_handle_t)s->endpoint, &m);
    m.info = 0;
    rt_ipc_reply(&m);
    kt_thread_done();
}

/* The caller has no buffer: the reply's moved handle cannot reach it, the
 * call fails with TOO_LARGE, the replier's receive goes on, and the handle
 * is closed rather than left in the replier's table for good. */
KTEST(ipc_reply_recv_closes_moved_handles_the_caller_cannot_take, KTEST_QUICK)
{
    struct cairn_system_info before;
    cairn_system_info(&before);
    struct server s = {.buf = &server_buf};
    s.endpoint = cairn_endpoint_create();
    s.thread = kt_spawn(moving_replier, (uint64_t)&s, RT_AFFINITY_ANY);
    EXPECT_TRUE(s.thread > 0);
    EXPECT_EQ(rt_ipc_buffer_set(NULL), 0);
    struct cairn_msg m = {.info = CAIRN_MSGINFO(1)};
    EXPECT_ERR(rt_ipc_call(s.endpoint, &m), CAIRN_E_TOO_LARGE);
    m.info = CAIRN_MSGINFO(STOP);
    EXPECT_EQ(rt_ipc_call(s.endpoint, &m), 0); /* the replier is past its reply_recv */
    kt_join(1);
    EXPECT_EQ(s.reply_status[0], 0);
    struct cairn_handle_info info;
    EXPECT_ERR(cairn_handle_info(s.got[0], &info), CAIRN_E_BAD_HANDLE);
    cairn_handle_close(s.endpoint);
    cairn_handle_close(s.thread);
    EXPECT_TRUE(kt_memory_back_to(&before));
}
