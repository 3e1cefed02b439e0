/*
 * helpers.c - server and client threads (see helpers.h).
 *
 * A server ends only after replying to the stop message, and only a server
 * replies with success: helpers_stop() calls until a call succeeds, so it
 * never calls an endpoint nobody serves. A stub thread of the fuzzer may
 * take a message meant for a helper and end without replying; the caller
 * then gets PEER_DEAD and simply calls again.
 *
 * The servers have IPC buffers: they close every handle a message brings
 * before replying (so the fuzzer's table looks the same whenever its call
 * returns) and reply with the message's label and bytes, never handles,
 * so no reply of theirs can fail on their side. The client has no buffer:
 * long replies to it fail on its side, which ends its call.
 */
#include "helpers.h"
#include "layout.h"
#include "pool.h"
#include <cairn/error.h>
#include <rt/ipc.h>
#include <rt/rt.h>

#define MS         1000000ull
#define STACK_SIZE 8192
#define STOP_LABEL 0x5707

struct helper {
    const char *name;
    void (*body)(uint64_t);
    long endpoint;
    enum pool_role role;
    bool on_last_cpu; /* else any CPU: with more than one, some IPC crosses CPUs */
    bool done;        /* atomic: set by the client as it ends */
};

static bool stopping; /* atomic: helpers_stop() has begun */

static struct cairn_ipc_buffer server_buffers[2] __attribute__((aligned(4096)));

/* Closes what m brought and turns it into the reply: its label and bytes
 * (a notification's bits come back as a label-only message). */
static void answer(struct cairn_msg *m, struct cairn_ipc_buffer *buf)
{
    unsigned caps = CAIRN_MSGINFO_CAPS(m->info);
    for (unsigned i = 0; i < caps && i < CAIRN_IPC_MAX_CAPS; i++)
        cairn_handle_close(buf->caps[i]);
    m->info = CAIRN_MSGINFO_MAKE(CAIRN_MSGINFO_LABEL(m->info), CAIRN_MSGINFO_BYTES(m->info), 0);
}

static bool is_stop(const struct cairn_msg *m)
{
    return __atomic_load_n(&stopping, __ATOMIC_ACQUIRE) &&
           CAIRN_MSGINFO_LABEL(m->info) == STOP_LABEL;
}

/* Receives with a short timeout, replies to each call with its own words. */
static void serve_polling(uint64_t arg)
{
    struct helper *h = (struct helper *)arg;
    rt_ipc_buffer_set(&server_buffers[0]);
    for (;;) {
        struct cairn_msg m;
        if (rt_ipc_recv(h->endpoint, MS, &m) != 0)
            continue;
        bool last = is_stop(&m);
        answer(&m, &server_buffers[0]);
        rt_ipc_reply(&m);
        if (last)
            cairn_thread_exit();
    }
}

/* Replies and receives in one call, which waits without a timeout. */
static void serve_blocking(uint64_t arg)
{
    struct helper *h = (struct helper *)arg;
    struct cairn_msg m = {0};
    rt_ipc_buffer_set(&server_buffers[1]);
    long got = rt_ipc_recv(h->endpoint, UINT64_MAX, &m);
    for (;;) {
        if (got == 0)
            answer(&m, &server_buffers[1]);
        else
            m.info = 0;
        if (got == 0 && is_stop(&m)) {
            rt_ipc_reply(&m);
            cairn_thread_exit();
        }
        got = rt_ipc_reply_recv(h->endpoint, &m);
    }
}

/* Calls until told to stop; the fuzzer's receives take the calls. */
static void call_forever(uint64_t arg)
{
    struct helper *h = (struct helper *)arg;
    while (!__atomic_load_n(&stopping, __ATOMIC_ACQUIRE)) {
        struct cairn_msg m = {.info = CAIRN_MSGINFO(1)};
        rt_ipc_call(h->endpoint, &m);
    }
    __atomic_store_n(&h->done, true, __ATOMIC_RELEASE);
    cairn_thread_exit();
}

static struct helper helpers[] = {
    {"polling server", serve_polling, 0, ROLE_SERVED, false, false},
    {"blocking server", serve_blocking, 0, ROLE_SERVED, true, false},
    {"client", call_forever, 0, ROLE_CALLED, false, false},
};
#define HELPERS (sizeof(helpers) / sizeof(helpers[0]))

static uint8_t stacks[HELPERS][STACK_SIZE] __attribute__((aligned(16)));

bool helpers_start(unsigned cpus)
{
    cairn_ipc_buffer_set(layout_ipc_page());
    for (unsigned i = 0; i < HELPERS; i++) {
        struct helper *h = &helpers[i];
        h->endpoint = cairn_endpoint_create();
        if (h->endpoint < 0) {
            rt_printf("sysfuzz: error: endpoint_create for the %s returned %ld\n", h->name,
                      h->endpoint);
            return false;
        }
        pool_add((uint32_t)h->endpoint, CAIRN_OBJ_ENDPOINT, pool_new_object(), h->role, true);
        uint32_t cpu = h->on_last_cpu ? cpus - 1 : RT_AFFINITY_ANY;
        long t =
            rt_thread_start(h->body, (uint64_t)h, stacks[i], STACK_SIZE, RT_PRIORITY_DEFAULT, cpu);
        if (t < 0) {
            rt_printf("sysfuzz: error: cannot start the %s: %ld\n", h->name, t);
            return false;
        }
        pool_add((uint32_t)t, CAIRN_OBJ_THREAD, pool_new_object(), ROLE_NONE, false);
    }
    return true;
}

static void stop_server(struct helper *h)
{
    long got;
    do {
        struct cairn_msg m = {.info = CAIRN_MSGINFO(STOP_LABEL)};
        got = rt_ipc_call(h->endpoint, &m);
    } while (got != 0);
}

static void stop_client(struct helper *h)
{
    struct cairn_msg m = {.info = CAIRN_MSGINFO(1)};
    rt_ipc_reply(&m); /* the fuzzer may have received a call and not replied */
    while (!__atomic_load_n(&h->done, __ATOMIC_ACQUIRE)) {
        if (rt_ipc_recv(h->endpoint, MS, &m) == 0)
            rt_ipc_reply(&m);
    }
}

void helpers_stop(void)
{
    __atomic_store_n(&stopping, true, __ATOMIC_RELEASE);
    /* A notification bound to this thread would outlive every handle. */
    cairn_notification_unbind(CAIRN_HANDLE_NONE);
    for (unsigned i = 0; i < HELPERS; i++) {
        struct helper *h = &helpers[i];
        if (h->role == ROLE_SERVED)
            stop_server(h);
        else
            stop_client(h);
        cairn_handle_close(h->endpoint);
        pool_forget((uint32_t)h->endpoint);
    }
}
