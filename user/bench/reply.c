/*
 * reply.c - the round trip of a call whose reply the server detaches into
 * a reply object and gives through it (ipc_recv, ipc_reply_detach,
 * ipc_reply_to: three system calls on the server's side, all on the slow
 * path), to a server on the measuring thread's CPU: what deferring a
 * reply costs, next to ipc_call_reply_same_cpu.
 */
#include "bench.h"
#include "helpers.h"
#include <rt/ipc.h>

#define LABEL_ECHO 1u
#define LABEL_STOP 2u

static long endpoint;
static long server;

/* Answers every message with its own words through a detached reply,
 * until LABEL_STOP (answered the plain way). */
static void detaching_server(uint64_t ep)
{
    struct cairn_msg m;
    while (rt_ipc_recv((cairn_handle_t)ep, UINT64_MAX, &m) == 0) {
        if (CAIRN_MSGINFO_LABEL(m.info) == LABEL_STOP) {
            rt_ipc_reply(&m);
            break;
        }
        long reply = rt_ipc_reply_detach();
        if (reply > 0)
            rt_ipc_reply_to((cairn_handle_t)reply, &m);
    }
    cairn_thread_exit();
}

static bool detaching_server_start(void)
{
    endpoint = cairn_endpoint_create();
    if (endpoint < 0) {
        bench_fail("cairn_endpoint_create()", endpoint);
        return false;
    }
    server = bench_helper_start(detaching_server, (uint64_t)endpoint, BENCH_CPU);
    if (server < 0) {
        bench_fail("bench_helper_start()", server);
        cairn_handle_close(endpoint);
        return false;
    }
    return true;
}

static void detaching_server_stop(void)
{
    struct cairn_msg m = {.info = CAIRN_MSGINFO(LABEL_STOP)};
    long got = rt_ipc_call(endpoint, &m);
    if (got != 0)
        bench_fail("rt_ipc_call(LABEL_STOP)", got);
    cairn_handle_close(server);
    cairn_handle_close(endpoint);
}

static const struct bench_fixture detaching = {
    .cpus = 1, .start = detaching_server_start, .stop = detaching_server_stop};

BENCH_WITH(ipc_call_reply_detached_same_cpu, BENCH_ITERATIONS, BENCH_WARMUP, &detaching)
{
    struct cairn_msg m = {.info = CAIRN_MSGINFO(LABEL_ECHO), .words = {1, 2, 3, 4}};
    uint64_t start = bench_now();
    long got = rt_ipc_call(endpoint, &m);
    uint64_t cost = bench_now() - start;
    if (got != 0)
        bench_fail("rt_ipc_call()", got);
    else if (m.words[3] != 4)
        bench_fail("the server's reply word 3", (long)m.words[3]);
    return cost;
}
