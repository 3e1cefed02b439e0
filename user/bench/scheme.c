/*
 * scheme.c - resolving a scheme through the nameserver: one call of
 * resolve (idl/nameserver.idl) through the generated stub, the kernel's
 * IPC with the reply carrying a capability, the server's validating
 * dispatch, the namespace lookup and the mint of the service's badged
 * handle (user/nameserver/service.c). The handle each resolve returns is
 * closed outside the measured part.
 *
 * The nameserver's handlers serve in a helper thread of this process on
 * the measuring CPU, not in the nameserver process itself (a boot program
 * has no init to start one): the figure leaves out the address-space
 * switches of a call between two processes (see ipc_call_reply_*).
 */
#include "bench.h"
#include "helpers.h"
#include "service.h"
#include <rt/ipc.h>

#define LABEL_STOP     0xffu /* no nameserver method: ends the server */
#define BENCH_NS       2u    /* the namespace the measuring thread resolves in */
#define SCHEME_PATH    "log:"
#define SCHEME_SERVICE "log"

static struct nameserver server;
static struct cairn_ipc_buffer server_buffer __attribute__((aligned(4096)));
static struct cairn_ipc_buffer client_buffer __attribute__((aligned(4096)));
static long service, client, helper;

/* Serves the nameserver's methods until a LABEL_STOP message, which it
 * answers before it ends (as idl_serve does). */
static void nameserver_thread(uint64_t arg)
{
    struct nameserver *s = (struct nameserver *)arg;
    struct cairn_msg msg;
    long r = rt_ipc_buffer_set(&server_buffer);
    if (r == 0)
        r = rt_ipc_recv(s->endpoint, UINT64_MAX, &msg);
    while (r == 0 && CAIRN_MSGINFO_LABEL(msg.info) != LABEL_STOP) {
        nameserver_dispatch(&nameserver_service_ops, s, &msg, &server_buffer);
        r = rt_ipc_reply_recv(s->endpoint, &msg);
    }
    msg.info = CAIRN_MSGINFO(0);
    rt_ipc_reply(&msg);
    cairn_thread_exit();
}

/* The table as init would leave it: namespace BENCH_NS under the root
 * with "log:" bound, and "log" registered to an endpoint of ours. */
static long table_fill(void)
{
    uint64_t old;
    ns_init(&server.table);
    long r = ns_create(&server.table, BENCH_NS, NS_ROOT, "bench");
    if (r == 0)
        r = ns_bind(&server.table, BENCH_NS, SCHEME_PATH, NS_INHERIT);
    if (r == 0)
        r = ns_open(&server.table, BENCH_NS);
    if (r == 0)
        r = ns_register(&server.table, NS_ROOT, SCHEME_SERVICE, (uint64_t)service, &old);
    return r;
}

static bool resolver_start(void)
{
    long endpoint = cairn_endpoint_create();
    service = cairn_endpoint_create();
    long r = endpoint < 0 ? endpoint : service;
    if (r >= 0) {
        server.endpoint = (cairn_handle_t)endpoint;
        r = table_fill();
    }
    if (r >= 0)
        r = client = cairn_handle_mint((cairn_handle_t)endpoint,
                                       CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_TRANSFER, BENCH_NS);
    if (r >= 0)
        r = idl_client_init(&client_buffer);
    if (r >= 0)
        r = helper = bench_helper_start(nameserver_thread, (uint64_t)&server, BENCH_CPU);
    if (r < 0) {
        bench_fail("nameserver set-up", r);
        long handles[] = {client, service, endpoint};
        for (unsigned i = 0; i < 3; i++) {
            if (handles[i] > 0)
                cairn_handle_close((cairn_handle_t)handles[i]);
        }
        return false;
    }
    return true;
}

static void resolver_stop(void)
{
    struct cairn_msg m = {.info = CAIRN_MSGINFO(LABEL_STOP)};
    long got = rt_ipc_call(client, &m);
    if (got != 0)
        bench_fail("stopping the nameserver thread", got);
    long handles[] = {helper, client, service, server.endpoint};
    for (unsigned i = 0; i < 4; i++)
        cairn_handle_close((cairn_handle_t)handles[i]);
}

static const struct bench_fixture nameserver_fixture = {
    .cpus = 1, .start = resolver_start, .stop = resolver_stop};

BENCH_WITH(scheme_resolve, 2000, 200, &nameserver_fixture)
{
    cairn_handle_t h;
    uint32_t flags;
    uint64_t start = bench_now();
    long got = nameserver_resolve(client, SCHEME_PATH, &h, &flags);
    uint64_t cost = bench_now() - start;
    if (got != 0)
        bench_fail("nameserver_resolve()", got);
    else
        cairn_handle_close(h);
    return cost;
}
