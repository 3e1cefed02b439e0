/*
 * idl.c - the round trip of the smallest IDL call: echo_add of
 * tests/idl/echo.idl (two u64 arguments, one u64 result, all in
 * registers) from the generated client stub to the generated server in
 * idl_serve, in another process on the measuring thread's CPU. Compare
 * with ipc_call_reply_same_cpu, the raw round trip it rides on.
 */
#include "bench.h"
#include "twin.h"
#include <idl/echo.h>
#include <rt/ipc.h>
#include <rt/thread.h>

#define SERVER_QUOTA      (256u << 10)
#define SERVER_STACK_SIZE 32768

/* The server's, in the twin's copy of the static data. */
static uint8_t server_stack[SERVER_STACK_SIZE] __attribute__((aligned(16)));
static struct cairn_ipc_buffer server_buf __attribute__((aligned(4096)));

static struct twin server;
static long endpoint;

static long on_add(void *ctx, const struct idl_call *call, uint64_t a, uint64_t b, uint64_t *sum)
{
    (void)ctx;
    (void)call;
    *sum = a + b;
    return 0;
}

/* Stops the server: answers, then ends its process. */
static long on_ping(void *ctx, const struct idl_call *call)
{
    (void)ctx;
    (void)call;
    struct cairn_msg ok = {.info = CAIRN_MSGINFO(0)};
    rt_ipc_reply(&ok);
    cairn_exit(0);
}

static const struct echo_ops server_ops = {.add = on_add, .ping = on_ping};

/* The twin's initial thread (its block a copy of ours until reset: see
 * twin.h): serves until stopped. */
static void server_main(uint64_t ep)
{
    rt_thread_attach((struct rt_thread *)RT_MAIN_THREAD_BLOCK);
    long r = echo_serve((cairn_handle_t)ep, &server_buf, &server_ops, 0);
    cairn_exit((int)r);
}

static bool server_start(void)
{
    endpoint = cairn_endpoint_create();
    long r = endpoint < 0 ? endpoint : twin_create(&server, "bench-idl", SERVER_QUOTA);
    long granted = r < 0 ? r : cairn_handle_grant(server.process, endpoint, CAIRN_RIGHT_WAIT);
    r = granted < 0 ? granted
                    : twin_run(&server, server_main, (uint64_t)granted,
                               server_stack + SERVER_STACK_SIZE, BENCH_PRIORITY, BENCH_CPU);
    if (r < 0) {
        bench_fail("idl server set-up", r);
        twin_kill(&server);
        if (endpoint > 0)
            cairn_handle_close(endpoint);
        return false;
    }
    return true;
}

static void server_stop(void)
{
    long r = echo_ping(endpoint);
    if (r != 0)
        bench_fail("echo_ping (stop)", r);
    r = twin_wait(&server);
    if (r != (long)TWIN_ENDED)
        bench_fail("the idl server's end", r);
    cairn_handle_close(endpoint);
}

static const struct bench_fixture idl_server = {
    .cpus = 1, .start = server_start, .stop = server_stop};

static uint64_t operand;

BENCH_WITH(idl_call_small, BENCH_ITERATIONS, BENCH_WARMUP, &idl_server)
{
    uint64_t sum = 0, a = ++operand;
    uint64_t start = bench_now();
    long r = echo_add(endpoint, a, 2, &sum);
    uint64_t cost = bench_now() - start;
    if (r != 0)
        bench_fail("echo_add()", r);
    else if (sum != a + 2)
        bench_fail("echo_add()'s sum", (long)sum);
    return cost;
}
