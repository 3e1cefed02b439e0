/*
 * ipc_long.c - the round trip of a call whose message and reply each carry
 * a full IPC buffer (CAIRN_IPC_MAX_BYTES bytes), to an echo server on the
 * measuring thread's CPU: the cost of the long-message path, next to
 * ipc_call_reply_same_cpu for registers only.
 */
#include "bench.h"
#include "helpers.h"
#include <rt/ipc.h>

#define LABEL_ECHO 1u
#define LABEL_STOP 2u

static struct cairn_ipc_buffer client_buf __attribute__((aligned(4096)));
static struct cairn_ipc_buffer server_buf __attribute__((aligned(4096)));
static long endpoint;
static long server;

/* Replies to every message with its own descriptor (and so its bytes,
 * which stay in its buffer) until LABEL_STOP. */
static void long_echo_server(uint64_t ep)
{
    struct cairn_msg m;
    rt_ipc_buffer_set(&server_buf);
    long status = rt_ipc_recv((cairn_handle_t)ep, UINT64_MAX, &m);
    while (status == 0 && CAIRN_MSGINFO_LABEL(m.info) != LABEL_STOP)
        status = rt_ipc_reply_recv((cairn_handle_t)ep, &m);
    if (status == 0)
        rt_ipc_reply(&m);
    cairn_thread_exit();
}

static bool long_server_start(void)
{
    long got = rt_ipc_buffer_set(&client_buf);
    if (got != 0) {
        bench_fail("rt_ipc_buffer_set()", got);
        return false;
    }
    endpoint = cairn_endpoint_create();
    if (endpoint < 0) {
        bench_fail("cairn_endpoint_create()", endpoint);
        return false;
    }
    server = bench_helper_start(long_echo_server, (uint64_t)endpoint, BENCH_CPU);
    if (server < 0) {
        bench_fail("bench_helper_start()", server);
        cairn_handle_close(endpoint);
        return false;
    }
    return true;
}

static void long_server_stop(void)
{
    struct cairn_msg m = {.info = CAIRN_MSGINFO(LABEL_STOP)};
    long got = rt_ipc_call(endpoint, &m);
    if (got != 0)
        bench_fail("rt_ipc_call(LABEL_STOP)", got);
    cairn_handle_close(server);
    cairn_handle_close(endpoint);
    rt_ipc_buffer_set(NULL);
}

static const struct bench_fixture long_server = {
    .cpus = 1, .start = long_server_start, .stop = long_server_stop};

BENCH_WITH(ipc_call_reply_4032_bytes_same_cpu, BENCH_ITERATIONS, BENCH_WARMUP, &long_server)
{
    uint64_t info = CAIRN_MSGINFO_MAKE(LABEL_ECHO, CAIRN_IPC_MAX_BYTES, 0);
    struct cairn_msg m = {.info = info};
    uint64_t start = bench_now();
    long got = rt_ipc_call(endpoint, &m);
    uint64_t cost = bench_now() - start;
    if (got != 0)
        bench_fail("rt_ipc_call()", got);
    else if (m.info != info)
        bench_fail("the echo server's reply descriptor", (long)m.info);
    return cost;
}
