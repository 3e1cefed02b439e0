/*
 * tls.c - per-thread runtime state (docs/runtime.md, "Threads"): the
 * thread block behind the FS base (thread_fs_base_set), errno per thread,
 * each thread's own IPC buffer under IDL calls made from several threads
 * on several CPUs at once, and threads whose stack, block and buffer the
 * runtime allocates and frees.
 */
#include "ktest.h"
#include "leak.h"
#include "threads.h"
#include <cairn/error.h>
#include <errno.h>
#include <idl/echo.h>
#include <malloc.h>
#include <rt/ipc.h>
#include <rt/thread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define USER_TOP    0x00007fffffffe000ull
#define CLIENTS_MAX 8
#define SERVERS_MAX 4
#define ROUNDS      150
#define STACK       32768
#define WAIT_ROUNDS 20000 /* of 1 ms naps: 20 s at most for any wait */

/* Waits until *counter reaches n (false after WAIT_ROUNDS naps). */
static bool wait_count(volatile unsigned *counter, unsigned n)
{
    for (unsigned i = 0; i < WAIT_ROUNDS; i++) {
        if (__atomic_load_n(counter, __ATOMIC_ACQUIRE) >= n)
            return true;
        cairn_sleep(1000000);
    }
    return false;
}

/* Waits until every stack the runtime allocated is freed: every such
 * thread has ended. */
static bool reap_all(void)
{
    for (unsigned i = 0; i < WAIT_ROUNDS; i++) {
        if (rt_thread_reap() == 0)
            return true;
        cairn_sleep(1000000);
    }
    return false;
}

KTEST(tls_thread_fs_base_set, KTEST_QUICK)
{
    struct rt_thread *self = rt_thread_self();
    EXPECT_TRUE(self != NULL);
    EXPECT_TRUE(self->self == self);
    EXPECT_EQ(self->handle, CAIRN_HANDLE_NONE); /* the initial thread */
    /* Where every native program's initial thread has it, so that IPC
     * between initial threads never rewrites the FS base. */
    EXPECT_EQ((uint64_t)self, RT_MAIN_THREAD_BLOCK);

    /* Another block, then back: the FS base moves at once. */
    struct rt_thread other = {0};
    long set = rt_thread_attach(&other);
    struct rt_thread *seen = rt_thread_self();
    long back = cairn_thread_fs_base_set((uint64_t)self);
    EXPECT_EQ(set, 0);
    EXPECT_TRUE(seen == &other);
    EXPECT_EQ(back, 0);
    EXPECT_TRUE(rt_thread_self() == self);

    /* Beyond user space: refused, and nothing changes. */
    EXPECT_ERR(cairn_thread_fs_base_set(USER_TOP + 1), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_thread_fs_base_set(0x0000800000000000ull), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_thread_fs_base_set(0xffff800000000000ull), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_thread_fs_base_set(~0ull), CAIRN_E_BAD_ADDRESS);
    EXPECT_TRUE(rt_thread_self() == self);
}

/* --- the echo server and its clients ---------------------------------------------- */

static volatile unsigned servers_done, clients_done, clients_release;
static struct cairn_ipc_buffer *client_bufs[CLIENTS_MAX];
static unsigned client_errors[CLIENTS_MAX];

static long on_text(void *ctx, const struct idl_call *call, const char *s, const uint8_t *b,
                    uint32_t b_len, char rs[101], uint8_t rb[200], uint32_t *rb_len)
{
    (void)ctx;
    (void)call;
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++)
        rs[i] = s[n - 1 - i];
    rs[n] = 0;
    for (uint32_t i = 0; i < b_len; i++)
        rb[i] = (uint8_t)(b[i] + 1);
    *rb_len = b_len;
    return 0;
}

/* Stops one server thread: answers, then ends it (its buffer and stack
 * go back to the runtime). */
static long on_ping(void *ctx, const struct idl_call *call)
{
    (void)ctx;
    (void)call;
    struct cairn_msg ok = {.info = CAIRN_MSGINFO(0)};
    rt_ipc_reply(&ok);
    __atomic_fetch_add(&servers_done, 1, __ATOMIC_RELEASE);
    rt_thread_exit();
}

static const struct echo_ops ops = {.text = on_text, .ping = on_ping};

/* A server thread: its own IPC buffer (buf NULL), allocated on first use. */
static void server_main(uint64_t endpoint)
{
    echo_serve((cairn_handle_t)endpoint, NULL, &ops, 0);
}

static uint64_t tls_endpoint;

/* One round of a client: its own string and bytes, checked on return. */
static bool client_round(unsigned index, unsigned round)
{
    char s[101], rs[101];
    uint8_t b[200], rb[200];
    uint32_t b_len = 20 + (index * 17 + round) % 180, rb_len = 0;
    static const char tail[] = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    unsigned n = (unsigned)snprintf(s, sizeof(s), "client %u round %u ", index, round);
    memcpy(s + n, tail, index * 7); /* lengths differ between threads too */
    n += index * 7;
    s[n] = 0;
    for (uint32_t i = 0; i < b_len; i++)
        b[i] = (uint8_t)(index * 31 + round + i);
    if (echo_text((cairn_handle_t)tls_endpoint, s, b, b_len, rs, rb, &rb_len) != 0)
        return false;
    if (strlen(rs) != n || rb_len != b_len)
        return false;
    for (unsigned i = 0; i < n; i++) {
        if (rs[i] != s[n - 1 - i])
            return false;
    }
    for (uint32_t i = 0; i < b_len; i++) {
        if (rb[i] != (uint8_t)(b[i] + 1))
            return false;
    }
    return true;
}

/* Calls the server ROUNDS times with payloads of its own, while its errno
 * holds a value of its own that only its own calls change. */
static void client_main(uint64_t index)
{
    unsigned errors = 0;
    int mine = 1000 + (int)index;
    errno = mine;
    for (unsigned round = 0; round < ROUNDS; round++) {
        if (!client_round((unsigned)index, round))
            errors++;
        if (round % 16 == index % 16) {
            /* strtol's ERANGE lands in this thread's errno only. */
            char *end;
            strtol("999999999999999999999999", &end, 10);
            if (errno != ERANGE)
                errors++;
            errno = mine;
            cairn_yield();
        }
        if (errno != mine)
            errors++;
    }
    if (rt_thread_self()->self != rt_thread_self() || &errno != &rt_thread_self()->err)
        errors++;
    client_bufs[index] = rt_ipc_buffer();
    client_errors[index] = errors;
    __atomic_fetch_add(&clients_done, 1, __ATOMIC_RELEASE);
    /* Alive until the buffers are compared: an ended thread's page may
     * be the next one's. */
    while (!__atomic_load_n(&clients_release, __ATOMIC_ACQUIRE))
        cairn_sleep(1000000);
}

KTEST(tls_idl_calls_from_several_threads, KTEST_QUICK)
{
    unsigned cpus = kt_cpus();
    unsigned servers = cpus < SERVERS_MAX ? cpus : SERVERS_MAX;
    unsigned clients = 2 * cpus < CLIENTS_MAX ? 2 * cpus : CLIENTS_MAX;
    long handles[SERVERS_MAX + CLIENTS_MAX];
    unsigned started = 0;
    struct kt_baseline base;
    kt_baseline_take(&base);
    servers_done = clients_done = clients_release = 0;
    long ep = cairn_endpoint_create();
    EXPECT_TRUE(ep > 0);
    tls_endpoint = (uint64_t)ep;
    for (unsigned i = 0; i < servers; i++) {
        handles[started] =
            rt_thread_start(server_main, (uint64_t)ep, NULL, STACK, RT_PRIORITY_DEFAULT, i % cpus);
        EXPECT_TRUE(handles[started] > 0);
        started += handles[started] > 0;
    }
    unsigned servers_started = started;
    for (unsigned i = 0; i < clients; i++) {
        client_bufs[i] = NULL;
        client_errors[i] = 0;
        handles[started] =
            rt_thread_start(client_main, i, NULL, STACK, RT_PRIORITY_DEFAULT, (i + 1) % cpus);
        EXPECT_TRUE(handles[started] > 0);
        started += handles[started] > 0;
    }
    EXPECT_TRUE(wait_count(&clients_done, started - servers_started));
    for (unsigned i = 0; i < clients; i++) {
        EXPECT_EQ(client_errors[i], 0);
        EXPECT_TRUE(client_bufs[i] != NULL);
        for (unsigned j = 0; j < i; j++)
            EXPECT_TRUE(client_bufs[i] != client_bufs[j]);
    }
    __atomic_store_n(&clients_release, 1, __ATOMIC_RELEASE);
    for (unsigned i = 0; i < servers_started; i++)
        EXPECT_EQ(echo_ping((cairn_handle_t)ep), 0);
    EXPECT_TRUE(wait_count(&servers_done, servers_started));
    EXPECT_TRUE(reap_all());
    for (unsigned i = 0; i < started; i++)
        cairn_handle_close((cairn_handle_t)handles[i]);
    cairn_handle_close((cairn_handle_t)ep);
    EXPECT_TRUE(kt_baseline_back(&base));
}

/* --- threads started and ended in a loop -------------------------------------------- */

static volatile unsigned loop_done;
static volatile unsigned loop_errors;

/* Uses what the runtime allocates for a thread, then ends by returning
 * (even index) or by rt_thread_exit (odd). */
static void loop_thread(uint64_t index)
{
    struct cairn_ipc_buffer *buf = rt_ipc_buffer();
    volatile uint8_t fill[2048];
    errno = (int)index;
    for (unsigned i = 0; i < sizeof(fill); i++)
        fill[i] = (uint8_t)i;
    if (!buf || rt_ipc_buffer() != buf || errno != (int)index || fill[100] != 100 ||
        rt_thread_self()->handle == CAIRN_HANDLE_NONE)
        __atomic_fetch_add(&loop_errors, 1, __ATOMIC_RELAXED);
    buf->data[0] = (uint8_t)index; /* the page is writable */
    __atomic_fetch_add(&loop_done, 1, __ATOMIC_RELEASE);
    if (index & 1)
        rt_thread_exit();
}

KTEST(tls_threads_free_their_blocks, KTEST_QUICK)
{
    enum { BATCHES = 25, PER_BATCH = 4 };
    unsigned cpus = kt_cpus();
    struct kt_baseline base;
    kt_baseline_take(&base);
    loop_done = loop_errors = 0;
    for (unsigned batch = 0; batch < BATCHES; batch++) {
        long h[PER_BATCH];
        for (unsigned i = 0; i < PER_BATCH; i++) {
            /* Stacks of several sizes: small chunks and large blocks. */
            size_t size = i == 0 ? 0 : (size_t)4096 << i;
            h[i] = rt_thread_start(loop_thread, batch * PER_BATCH + i, NULL, size,
                                   RT_PRIORITY_DEFAULT, (batch + i) % cpus);
            EXPECT_TRUE(h[i] > 0);
        }
        EXPECT_TRUE(wait_count(&loop_done, (batch + 1) * PER_BATCH));
        for (unsigned i = 0; i < PER_BATCH; i++)
            cairn_handle_close((cairn_handle_t)h[i]);
    }
    EXPECT_EQ(loop_errors, 0);
    EXPECT_TRUE(reap_all());
    EXPECT_TRUE(kt_baseline_back(&base));
}

static void never_runs(uint64_t arg)
{
    (void)arg;
    __atomic_fetch_add(&loop_errors, 1, __ATOMIC_RELAXED);
}

KTEST(tls_thread_start_refusals, KTEST_QUICK)
{
    static uint8_t tiny[512] __attribute__((aligned(16)));
    struct kt_baseline base;
    kt_baseline_take(&base);
    loop_errors = 0;
    EXPECT_ERR(
        rt_thread_start(never_runs, 0, tiny, sizeof(tiny), RT_PRIORITY_DEFAULT, RT_AFFINITY_ANY),
        CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(
        rt_thread_start(never_runs, 0, NULL, (size_t)2 << 30, RT_PRIORITY_DEFAULT, RT_AFFINITY_ANY),
        CAIRN_E_TOO_LARGE);
    /* The kernel's refusals: the allocated stack goes back. */
    EXPECT_ERR(rt_thread_start(never_runs, 0, NULL, 0, RT_PRIORITY_DEFAULT + 1, RT_AFFINITY_ANY),
               CAIRN_E_ACCESS_DENIED);
    EXPECT_ERR(rt_thread_start(never_runs, 0, NULL, 0, RT_PRIORITY_DEFAULT, kt_cpus()),
               CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(rt_thread_start(never_runs, 0, NULL, 0, 64, RT_AFFINITY_ANY),
               CAIRN_E_INVALID_ARGUMENT);
    EXPECT_EQ(loop_errors, 0);
    EXPECT_TRUE(kt_baseline_back(&base));
}
