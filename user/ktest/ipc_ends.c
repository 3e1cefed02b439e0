/*
 * ipc_ends.c - the end of an endpoint's last handle: callers queued on it
 * fail with PEER_DEAD, receivers blocked on it too, and later calls and
 * receives at once; a handle the caller still holds, or one moved through
 * IPC, keeps it open; the end of the process holding the last one ends it; a call already received
 * (a parked reply object) is still answered; nothing leaks over many rounds; and a close racing a
 * call on another CPU never leaves the call hanging.
 */
#include "child.h"
#include "ktest.h"
#include "leak.h"
#include "threads.h"
#include <cairn/error.h>
#include <rt/ipc.h>

#define MS          1000000ull
#define LEAK_ROUNDS 1000
#define RACE_ROUNDS 300

static struct cairn_ipc_buffer main_buf __attribute__((aligned(4096)));
static struct cairn_ipc_buffer helper_buf __attribute__((aligned(4096)));

struct end_call {
    long endpoint;
    long status;
};

static void call_once(uint64_t arg)
{
    struct end_call *c = (struct end_call *)arg;
    struct cairn_msg m = {.info = CAIRN_MSGINFO(1)};
    c->status = rt_ipc_call((cairn_handle_t)c->endpoint, &m);
    kt_thread_done();
}

static void recv_once(uint64_t arg)
{
    struct end_call *c = (struct end_call *)arg;
    struct cairn_msg m;
    c->status = rt_ipc_recv((cairn_handle_t)c->endpoint, UINT64_MAX, &m);
    if (c->status == 0) {
        m.info = CAIRN_MSGINFO(CAIRN_MSGINFO_LABEL(m.info) + 1);
        rt_ipc_reply(&m);
    }
    kt_thread_done();
}

KTEST(ipc_end_close_fails_a_queued_caller, KTEST_QUICK)
{
    struct cairn_system_info before;
    cairn_system_info(&before);
    long ep = cairn_endpoint_create();
    struct end_call c = {.endpoint = cairn_handle_duplicate(ep, CAIRN_RIGHT_SIGNAL)};
    long thread = kt_spawn(call_once, (uint64_t)&c, RT_AFFINITY_ANY);
    EXPECT_TRUE(thread > 0);
    EXPECT_TRUE(kt_thread_reaches(thread, CAIRN_THREAD_BLOCKED));
    /* Not the last handle: the call stays queued. */
    EXPECT_EQ(cairn_handle_close(c.endpoint), 0);
    cairn_sleep(2 * MS);
    struct cairn_thread_info info = {0};
    EXPECT_EQ(cairn_thread_control(thread, CAIRN_THREAD_INFO, &info), 0);
    EXPECT_EQ(info.state, CAIRN_THREAD_BLOCKED);
    EXPECT_EQ(cairn_handle_close(ep), 0);
    kt_join(1);
    EXPECT_ERR(c.status, CAIRN_E_PEER_DEAD);
    cairn_handle_close(thread);
    EXPECT_TRUE(kt_memory_back_to(&before));
}

/* The last handle held by another process goes with that process: the
 * caller queued meanwhile is failed. */
KTEST(ipc_end_the_last_holders_process_ends, KTEST_QUICK)
{
    struct cairn_system_info before;
    cairn_system_info(&before);
    long ep = cairn_endpoint_create();
    struct end_call c = {.endpoint = cairn_handle_duplicate(ep, CAIRN_RIGHT_SIGNAL)};
    struct child k;
    if (kt_child_new(&k, CHILD_QUOTA)) {
        EXPECT_TRUE(cairn_handle_grant(k.process, ep, CAIRN_RIGHT_WAIT) > 0);
        long thread = kt_spawn(call_once, (uint64_t)&c, RT_AFFINITY_ANY);
        EXPECT_TRUE(kt_thread_reaches(thread, CAIRN_THREAD_BLOCKED));
        EXPECT_EQ(cairn_handle_close(c.endpoint), 0);
        EXPECT_EQ(cairn_handle_close(ep), 0);
        ep = 0;
        struct cairn_thread_info info = {0};
        EXPECT_EQ(cairn_thread_control(thread, CAIRN_THREAD_INFO, &info), 0);
        EXPECT_EQ(info.state, CAIRN_THREAD_BLOCKED);
        kt_child_free(&k); /* kills it: its table goes */
        kt_join(1);
        EXPECT_ERR(c.status, CAIRN_E_PEER_DEAD);
        cairn_handle_close(thread);
    }
    if (ep > 0) {
        cairn_handle_close(c.endpoint);
        cairn_handle_close(ep);
        kt_child_free(&k);
    }
    EXPECT_TRUE(kt_memory_back_to(&before));
}

/* A revoke takes the handles below the one revoked; closing that one then
 * drops the last handle, and the receiver blocked through a revoked copy
 * wakes with PEER_DEAD. */
KTEST(ipc_end_revoke_then_close_wakes_a_receiver, KTEST_QUICK)
{
    struct cairn_system_info before;
    cairn_system_info(&before);
    long ep = cairn_endpoint_create();
    struct end_call r = {.endpoint = cairn_handle_duplicate(ep, CAIRN_RIGHT_WAIT)};
    long thread = kt_spawn(recv_once, (uint64_t)&r, RT_AFFINITY_ANY);
    EXPECT_TRUE(thread > 0);
    EXPECT_TRUE(kt_thread_reaches(thread, CAIRN_THREAD_BLOCKED));
    EXPECT_EQ(cairn_handle_revoke(ep), 0);
    /* ep itself is still open: the receive goes on. */
    cairn_sleep(2 * MS);
    struct cairn_thread_info info = {0};
    EXPECT_EQ(cairn_thread_control(thread, CAIRN_THREAD_INFO, &info), 0);
    EXPECT_EQ(info.state, CAIRN_THREAD_BLOCKED);
    EXPECT_EQ(cairn_handle_close(ep), 0);
    kt_join(1);
    EXPECT_ERR(r.status, CAIRN_E_PEER_DEAD);
    EXPECT_EQ(cairn_handle_close(r.endpoint), 0); /* the revoked slot */
    cairn_handle_close(thread);
    EXPECT_TRUE(kt_memory_back_to(&before));
}

/* The caller's own handle keeps the endpoint open when all the others
 * have gone; calls on a handle of an endpoint closed meanwhile fail at
 * once. */
KTEST(ipc_end_the_callers_handle_keeps_it_open, KTEST_QUICK)
{
    struct cairn_system_info before;
    cairn_system_info(&before);
    long ep = cairn_endpoint_create();
    long mine = cairn_handle_duplicate(ep, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_WAIT);
    EXPECT_TRUE(mine > 0);
    EXPECT_EQ(cairn_handle_close(ep), 0);
    EXPECT_EQ(rt_ipc_buffer_set(&main_buf), 0);
    struct cairn_msg m = {.info = CAIRN_MSGINFO(1)};
    EXPECT_ERR(rt_ipc_call_timeout(mine, &main_buf, 3 * MS, &m), CAIRN_E_TIMED_OUT);
    EXPECT_ERR(rt_ipc_recv(mine, 0, &m), CAIRN_E_WOULD_BLOCK);
    EXPECT_EQ(rt_ipc_buffer_set(NULL), 0);
    EXPECT_EQ(cairn_handle_close(mine), 0);
    EXPECT_ERR(rt_ipc_call(mine, &m), CAIRN_E_BAD_HANDLE);
    EXPECT_TRUE(kt_memory_back_to(&before));
}

struct carrier {
    long endpoint;
    cairn_handle_t got;
};

/* Takes one message with a handle on the carrier and keeps the handle. */
static void carrier_server(uint64_t arg)
{
    struct carrier *s = (struct carrier *)arg;
    struct cairn_msg m;
    EXPECT_EQ(rt_ipc_buffer_set(&helper_buf), 0);
    EXPECT_EQ(rt_ipc_recv((cairn_handle_t)s->endpoint, UINT64_MAX, &m), 0);
    EXPECT_EQ(CAIRN_MSGINFO_CAPS(m.info), 1);
    s->got = helper_buf.caps[0];
    m.info = CAIRN_MSGINFO(0);
    EXPECT_EQ(rt_ipc_reply(&m), 0);
    EXPECT_EQ(rt_ipc_buffer_set(NULL), 0);
    kt_thread_done();
}

/* Moving the only handle through IPC is not its end: a receiver blocked
 * through it meanwhile still gets the next call. */
KTEST(ipc_end_a_moved_handle_keeps_it_open, KTEST_QUICK)
{
    struct cairn_system_info before;
    cairn_system_info(&before);
    long ep = cairn_endpoint_create();
    struct end_call r = {.endpoint = ep};
    long receiver = kt_spawn(recv_once, (uint64_t)&r, RT_AFFINITY_ANY);
    EXPECT_TRUE(kt_thread_reaches(receiver, CAIRN_THREAD_BLOCKED));
    struct carrier s = {.endpoint = cairn_endpoint_create()};
    long server = kt_spawn(carrier_server, (uint64_t)&s, RT_AFFINITY_ANY);
    EXPECT_EQ(rt_ipc_buffer_set(&main_buf), 0);
    cairn_handle_t list[1] = {(cairn_handle_t)ep};
    struct cairn_msg m = {.info = rt_ipc_caps_put(&main_buf, 1, 0, list, 1, true)};
    EXPECT_EQ(rt_ipc_call(s.endpoint, &m), 0);
    EXPECT_EQ(rt_ipc_buffer_set(NULL), 0);
    EXPECT_ERR(cairn_handle_info(ep, &(struct cairn_handle_info){0}), CAIRN_E_BAD_HANDLE);
    m.info = CAIRN_MSGINFO(7);
    EXPECT_EQ(rt_ipc_call(s.got, &m), 0);
    EXPECT_EQ(m.info, CAIRN_MSGINFO(8));
    kt_join(2);
    EXPECT_EQ(r.status, 0);
    EXPECT_EQ(cairn_handle_close(s.got), 0);
    cairn_handle_close(s.endpoint);
    cairn_handle_close(server);
    cairn_handle_close(receiver);
    EXPECT_TRUE(kt_memory_back_to(&before));
}

/* A call already received and parked in a reply object is answered after
 * the endpoint's last handle has gone; a second one still queued fails. */
KTEST(ipc_end_parked_replies_still_deliver, KTEST_QUICK)
{
    struct cairn_system_info before;
    cairn_system_info(&before);
    long ep = cairn_endpoint_create();
    struct end_call first = {.endpoint = cairn_handle_duplicate(ep, CAIRN_RIGHT_SIGNAL)};
    struct end_call second = {.endpoint = first.endpoint};
    long t1 = kt_spawn(call_once, (uint64_t)&first, RT_AFFINITY_ANY);
    struct cairn_msg m;
    EXPECT_EQ(rt_ipc_recv(ep, 5000 * MS, &m), 0);
    long reply = rt_ipc_reply_detach();
    EXPECT_TRUE(reply > 0);
    long t2 = kt_spawn(call_once, (uint64_t)&second, RT_AFFINITY_ANY);
    EXPECT_TRUE(kt_thread_reaches(t2, CAIRN_THREAD_BLOCKED));
    EXPECT_EQ(cairn_handle_close(first.endpoint), 0);
    EXPECT_EQ(cairn_handle_close(ep), 0);
    m.info = CAIRN_MSGINFO(9);
    EXPECT_EQ(rt_ipc_reply_to(reply, &m), 0);
    kt_join(2);
    EXPECT_EQ(first.status, 0);
    EXPECT_ERR(second.status, CAIRN_E_PEER_DEAD);
    cairn_handle_close(reply);
    cairn_handle_close(t1);
    cairn_handle_close(t2);
    EXPECT_TRUE(kt_memory_back_to(&before));
}

/* Rounds of a call on a fresh endpoint whose handles a closer drops at a
 * varying moment; hung is set when a call did not end. */
struct rounds {
    long handle[2]; /* written by the closer before `ready` */
    unsigned ready, done, hung;
    long status[2];
    unsigned unexpected;
};

static void round_caller(uint64_t arg)
{
    struct rounds *r = (struct rounds *)arg;
    EXPECT_EQ(rt_ipc_buffer_set(&helper_buf), 0);
    for (unsigned i = 1;; i++) {
        while (__atomic_load_n(&r->ready, __ATOMIC_ACQUIRE) < i)
            cairn_yield();
        if (__atomic_load_n(&r->hung, __ATOMIC_RELAXED))
            break;
        struct cairn_msg m = {.info = CAIRN_MSGINFO(1)};
        long status =
            rt_ipc_call_timeout((cairn_handle_t)r->handle[0], &helper_buf, 10000 * MS, &m);
        /* Closed before the lookup, or after it: never anything else. */
        if (status != -CAIRN_E_PEER_DEAD && status != -CAIRN_E_BAD_HANDLE)
            r->unexpected++;
        __atomic_store_n(&r->done, i, __ATOMIC_RELEASE);
        if (status == -CAIRN_E_TIMED_OUT || r->handle[1] == 0)
            break;
    }
    EXPECT_EQ(rt_ipc_buffer_set(NULL), 0);
    kt_thread_done();
}

/* Closes each round's handles (ep last) at a varying moment after the
 * caller may have started its call; the last round has handle[1] = 0,
 * telling the caller to stop. */
static void run_rounds(struct rounds *r, unsigned rounds)
{
    for (unsigned i = 1; i <= rounds; i++) {
        long ep = cairn_endpoint_create();
        long c = cairn_handle_duplicate(ep, CAIRN_RIGHT_SIGNAL);
        r->handle[0] = c;
        r->handle[1] = i < rounds;
        __atomic_store_n(&r->ready, i, __ATOMIC_RELEASE);
        for (volatile unsigned k = 0; k < (i % 32) * 40; k++)
            ;
        cairn_handle_close(c);
        cairn_handle_close(ep);
        uint64_t deadline = (uint64_t)cairn_clock_get() + 20000 * MS;
        while (__atomic_load_n(&r->done, __ATOMIC_ACQUIRE) < i &&
               (uint64_t)cairn_clock_get() < deadline)
            cairn_yield();
        if (__atomic_load_n(&r->done, __ATOMIC_ACQUIRE) < i) {
            r->hung = 1;
            __atomic_store_n(&r->ready, UINT32_MAX, __ATOMIC_RELEASE);
            break;
        }
    }
}

KTEST(ipc_end_1000_rounds_leak_nothing, KTEST_QUICK)
{
    struct cairn_system_info before;
    cairn_system_info(&before);
    static struct rounds r;
    r = (struct rounds){0};
    long caller = kt_spawn(round_caller, (uint64_t)&r, RT_AFFINITY_ANY);
    EXPECT_TRUE(caller > 0);
    run_rounds(&r, LEAK_ROUNDS);
    EXPECT_EQ(r.hung, 0);
    EXPECT_EQ(r.unexpected, 0);
    kt_join(1);
    cairn_handle_close(caller);
    EXPECT_TRUE(kt_memory_back_to(&before));
}

struct race {
    struct rounds r;
    long caller;
};

static void race_closer(uint64_t arg)
{
    struct race *x = (struct race *)arg;
    run_rounds(&x->r, RACE_ROUNDS);
    kt_thread_done();
}

/* A caller on CPU 1 and a closer on CPU 0: whichever way the close falls
 * (before the lookup, while the call is being queued, after), the call
 * ends. */
KTEST(ipc_end_close_races_a_call_on_another_cpu, KTEST_QUICK)
{
    if (!kt_need_cpus(2))
        return;
    struct cairn_system_info before;
    cairn_system_info(&before);
    static struct race x;
    x = (struct race){0};
    x.caller = kt_spawn(round_caller, (uint64_t)&x.r, 1);
    EXPECT_TRUE(x.caller > 0);
    long closer = kt_spawn(race_closer, (uint64_t)&x, 0);
    EXPECT_TRUE(closer > 0);
    kt_join(2);
    EXPECT_EQ(x.r.hung, 0);
    EXPECT_EQ(x.r.unexpected, 0);
    cairn_handle_close(x.caller);
    cairn_handle_close(closer);
    EXPECT_TRUE(kt_memory_back_to(&before));
}
