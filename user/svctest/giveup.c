/*
 * giveup.c - a client of a service init stops supervising (system test
 * service_given_up): "stall" is the service, which registers its scheme,
 * takes no call and is killed by the test (init's kill=stall@MS); its
 * policy never leaves it down, and init then ends its endpoint. "giveup" is the client: its call,
 * queued while the service stalls, must fail with PEER_DEAD rather than
 * wait for ever, and a later call through the same handle with REVOKED.
 */
#include "svctest.h"
#include <cairn/error.h>
#include <cairn/startup.h>
#include <idl/log.h>
#include <idl/nameserver.h>
#include <rt/ipc.h>
#include <rt/rt.h>
#include <svc/svc.h>

#define G        "giveup"
#define RETRY_NS 10000000ull
#define RETRIES  500

int mode_stall(void)
{
    cairn_handle_t endpoint = rt_startup_handle(CAIRN_AT_SERVICE_ENDPOINT);
    if (!check("stall", "provide stall", nameserver_provide(svc_nameserver(), "stall", endpoint),
               0))
        return 1;
    log_printf(LOG_LEVEL_INFO, "stall: taking no calls");
    for (;;)
        cairn_sleep(1000000000ull);
}

int mode_giveup(void)
{
    cairn_handle_t h;
    /* Until init has registered the scheme: PEER_DEAD (or NOT_FOUND). */
    long err = svc_resolve("stall:", &h);
    for (unsigned i = 0; i < RETRIES && (err == -CAIRN_E_PEER_DEAD || err == -CAIRN_E_NOT_FOUND);
         i++) {
        cairn_sleep(RETRY_NS);
        err = svc_resolve("stall:", &h);
    }
    if (!check(G, "resolve stall:", err, 0))
        return 1;
    struct cairn_msg m = {.info = CAIRN_MSGINFO(1)};
    check(G, "call to the given-up service", rt_ipc_call(h, &m), -CAIRN_E_PEER_DEAD);
    m.info = CAIRN_MSGINFO(1);
    check(G, "call again through the revoked handle", rt_ipc_call(h, &m), -CAIRN_E_REVOKED);
    if (check_failures)
        return 1;
    log_printf(LOG_LEVEL_INFO, "giveup: ok: the call failed with PEER_DEAD, the next with REVOKED");
    return 0;
}
