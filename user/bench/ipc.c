/*
 * ipc.c - the round trip of a call and its reply through an endpoint, to
 * an echo server on the measuring thread's CPU and on another CPU.
 *
 * The server is a thread of this same process: user space cannot create
 * processes yet. The contract of these benchmarks is a client and a
 * server in two address spaces, so once it can, the server moves into a
 * process of its own and the figures will include the address-space
 * switch that these leave out.
 */
#include "bench.h"
#include "helpers.h"
#include <rt/ipc.h>

/* Labels of the messages the server knows; every message is label only
 * (no buffer bytes, no capabilities). */
#define LABEL_ECHO 1u
#define LABEL_STOP 2u

static long endpoint;
static long server;

/* Replies to every message with its own descriptor until LABEL_STOP, which
 * it answers before it ends. */
static void echo_server(uint64_t ep)
{
    struct cairn_msg m;
    long status = rt_ipc_recv((cairn_handle_t)ep, UINT64_MAX, &m);
    while (status == 0 && CAIRN_MSGINFO_LABEL(m.info) != LABEL_STOP)
        status = rt_ipc_reply_recv((cairn_handle_t)ep, &m);
    if (status == 0)
        rt_ipc_reply(&m);
    cairn_thread_exit();
}

static bool server_start_on(uint32_t cpu)
{
    endpoint = cairn_endpoint_create();
    if (endpoint < 0) {
        bench_fail("cairn_endpoint_create()", endpoint);
        return false;
    }
    server = bench_helper_start(echo_server, (uint64_t)endpoint, cpu);
    if (server < 0) {
        bench_fail("bench_helper_start()", server);
        cairn_handle_close(endpoint);
        return false;
    }
    return true;
}

static bool server_start_same_cpu(void)
{
    return server_start_on(BENCH_CPU);
}

static bool server_start_other_cpu(void)
{
    return server_start_on(BENCH_OTHER_CPU);
}

static void server_stop(void)
{
    struct cairn_msg m = {.info = CAIRN_MSGINFO(LABEL_STOP)};
    long got = rt_ipc_call(endpoint, &m);
    if (got != 0)
        bench_fail("rt_ipc_call(LABEL_STOP)", got);
    cairn_handle_close(server);
    cairn_handle_close(endpoint);
}

/* One call with an empty message and the server's reply to it. */
static uint64_t measure_call_reply(void)
{
    struct cairn_msg m = {.info = CAIRN_MSGINFO(LABEL_ECHO)};
    uint64_t start = bench_now();
    long got = rt_ipc_call(endpoint, &m);
    uint64_t cost = bench_now() - start;
    if (got != 0)
        bench_fail("rt_ipc_call()", got);
    else if (m.info != CAIRN_MSGINFO(LABEL_ECHO))
        bench_fail("the echo server's reply descriptor", (long)m.info);
    return cost;
}

static const struct bench_fixture same_cpu_server = {
    .cpus = 1, .start = server_start_same_cpu, .stop = server_stop};

static const struct bench_fixture other_cpu_server = {
    .cpus = 2, .start = server_start_other_cpu, .stop = server_stop};

BENCH_WITH(ipc_call_reply_same_cpu, BENCH_ITERATIONS, BENCH_WARMUP, &same_cpu_server)
{
    return measure_call_reply();
}

BENCH_WITH(ipc_call_reply_cross_cpu, BENCH_ITERATIONS, BENCH_WARMUP, &other_cpu_server)
{
    return measure_call_reply();
}
