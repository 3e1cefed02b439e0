/*
 * scheme.c - the "secret" scheme and who may reach it: its server, a
 * peer whose namespace has it, and an isolated silo whose namespace does
 * not, which also tries every handle value it could guess.
 */
#include "svctest.h"
#include <cairn/startup.h>
#include <idl/nameserver.h>
#include <idl/svctest.h>
#include <rt/rt.h>
#include <svc/svc.h>

#define GUESS_INDEXES 512 /* handle slots tried */
#define GUESS_GENS    8   /* generations tried per slot */

static struct cairn_ipc_buffer serve_buffer __attribute__((aligned(4096)));

static long secret_ping(void *ctx, const struct idl_call *call, uint64_t a, uint64_t *b,
                        uint64_t *badge)
{
    (void)ctx;
    *b = a + 1;
    *badge = call->badge;
    return 0;
}

static const struct svctest_ops secret_ops = {.ping = secret_ping};

int mode_secret(void)
{
    cairn_handle_t endpoint = rt_startup_handle(CAIRN_AT_SERVICE_ENDPOINT);
    long err = nameserver_provide(svc_nameserver(), "secret", endpoint);
    if (!check("secret", "provide secret", err, 0))
        return 1;
    log_printf(LOG_LEVEL_INFO, "secret: serving");
    err = svctest_serve(endpoint, &serve_buffer, &secret_ops, 0);
    log_printf(LOG_LEVEL_ERROR, "secret: receiving failed (%ld)", err);
    return 1;
}

/* Resolves "secret:" until its server has registered it (it may start
 * after this silo). */
static long secret_resolve(cairn_handle_t *h)
{
    long err = -CAIRN_E_PEER_DEAD;
    for (int i = 0; i < 500 && err == -CAIRN_E_PEER_DEAD; i++) {
        err = svc_resolve("secret:", h);
        if (err == -CAIRN_E_PEER_DEAD)
            cairn_sleep(10000000);
    }
    return err;
}

int mode_peer(void)
{
    cairn_handle_t h;
    uint64_t b = 0, badge = 0;
    struct cairn_handle_info info = {0};
    if (!check("peer", "resolve secret:", secret_resolve(&h), 0))
        return 1;
    check("peer", "ping", svctest_ping(h, 41, &b, &badge), 0);
    check("peer", "ping result", (long)b, 42);
    /* The badge is this namespace's id << 8, never init's (1 << 8). */
    check("peer", "badge has a namespace", badge >> 8 > 1, 1);
    check("peer", "badge flags", (long)(badge & 0xff), 0);
    check("peer", "handle_info", cairn_handle_info(h, &info), 0);
    check("peer", "handle's badge", (long)info.badge, (long)badge);
    if (check_failures)
        return 1;
    log_printf(LOG_LEVEL_INFO, "peer: ok: reached secret with badge %#llx",
               (unsigned long long)badge);
    return 0;
}

/* Whether h is one of the handles this process knows it holds. */
static bool own_handle(cairn_handle_t h, const cairn_handle_t *own, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        if (own[i] == h)
            return true;
    }
    return false;
}

int mode_isolation(void)
{
    cairn_handle_t h = 0, log_ep = 0;
    check("isolation", "resolve secret:", secret_resolve(&h), -CAIRN_E_NOT_FOUND);
    check("isolation", "resolve secret:/x", svc_resolve("secret:/x", &h), -CAIRN_E_NOT_FOUND);
    check("isolation", "resolve log:", svc_resolve("log:", &log_ep), 0);
    /* The handles this process holds: its nameserver handle, the log
     * handle svc_init resolved, and log_ep. Every other value it can
     * name is nothing: no guess reaches the secret server or anyone. */
    cairn_handle_t own[3] = {svc_nameserver(), log_ep, 0};
    unsigned found = 0, refused = 0;
    for (uint32_t gen = 0; gen < GUESS_GENS; gen++) {
        for (uint32_t index = 1; index < GUESS_INDEXES; index++) {
            cairn_handle_t v = gen << CAIRN_HANDLE_INDEX_BITS | index;
            struct cairn_handle_info info;
            if (cairn_handle_info(v, &info) == 0) {
                found++;
                if (own_handle(v, own, 2) || info.type != CAIRN_OBJ_ENDPOINT)
                    continue;
                /* svc_init's own log handle: an endpoint badged like log_ep. */
                struct cairn_handle_info mine;
                cairn_handle_info(log_ep, &mine);
                check("isolation", "an unknown endpoint handle is the log's", (long)info.badge,
                      (long)mine.badge);
                continue;
            }
            uint64_t b, badge;
            check("isolation", "ping through a guessed value", svctest_ping(v, 1, &b, &badge),
                  -CAIRN_E_BAD_HANDLE);
            refused++;
        }
    }
    check("isolation", "handles held", found, 3);
    if (check_failures)
        return 1;
    log_printf(LOG_LEVEL_INFO, "isolation: ok: secret: not found; %u guessed handle values refused",
               refused);
    return 0;
}
