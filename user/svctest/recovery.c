/*
 * recovery.c - a client that carries on while init restarts the log
 * service and the nameserver under it (the test kills them: init's
 * kill=NAME@MS). Each round resolves "log:" afresh and writes through
 * that handle and through the one resolved at the start, which must stay
 * good across restarts (init keeps each service's endpoint). A call the
 * dying or remade service could not answer is retried.
 */
#include "svctest.h"
#include <idl/log.h>
#include <rt/rt.h>
#include <stdio.h>
#include <svc/svc.h>

#define R        "recovery"
#define ROUNDS   60
#define ROUND_NS 40000000ull /* 40 ms: the rounds span the kills */
#define RETRY_NS 10000000ull
#define RETRIES  500

static unsigned retried;

/* Whether err is what a client sees while a service is being restarted:
 * its call was cut (PEER_DEAD), the new nameserver has not been given the
 * namespaces back yet (ACCESS_DENIED) or the scheme is not registered
 * again yet (PEER_DEAD). */
static bool transient(long err)
{
    return err == -CAIRN_E_PEER_DEAD || err == -CAIRN_E_ACCESS_DENIED;
}

static long resolve_retry(cairn_handle_t *h)
{
    long err = svc_resolve("log:", h);
    for (unsigned i = 0; i < RETRIES && transient(err); i++) {
        retried++;
        cairn_sleep(RETRY_NS);
        err = svc_resolve("log:", h);
    }
    return err;
}

static long write_retry(cairn_handle_t h, const char *line)
{
    long err = log_write(h, LOG_LEVEL_DEBUG, line);
    for (unsigned i = 0; i < RETRIES && transient(err); i++) {
        retried++;
        cairn_sleep(RETRY_NS);
        err = log_write(h, LOG_LEVEL_DEBUG, line);
    }
    return err;
}

int mode_recovery(void)
{
    cairn_handle_t first, h;
    char line[64];
    if (!check(R, "resolve log:", resolve_retry(&first), 0))
        return 1;
    for (unsigned round = 0; round < ROUNDS && !check_failures; round++) {
        snprintf(line, sizeof(line), "svctest: recovery: round %u", round);
        if (check(R, "resolve log: again", resolve_retry(&h), 0)) {
            check(R, "write through the new handle", write_retry(h, line), 0);
            cairn_handle_close(h);
        }
        check(R, "write through the first handle", write_retry(first, line), 0);
        cairn_sleep(ROUND_NS);
    }
    if (check_failures)
        return 1;
    log_printf(LOG_LEVEL_INFO, "recovery: ok: %u rounds through the restarts, %u calls retried",
               ROUNDS, retried);
    return 0;
}
