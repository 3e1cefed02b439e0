/*
 * svctest - the test silo (see svctest.h):
 *
 *   svctest crash        logs, then faults (supervision: on-failure)
 *   svctest exit N       logs, then exits with status N
 *   svctest secret       serves the "secret" scheme (tests/idl/svctest.idl)
 *   svctest peer         reaches "secret", which its namespace has
 *   svctest isolation    cannot reach "secret", by name or by guessing handles
 *   svctest privilege    asks for schemes, capabilities and rights it lacks
 *   svctest granted      holds exactly the capabilities its manifest names
 *   svctest read-only    writes through a read-only view of "log"
 *   svctest reader       reads the log back through "log:"
 *   svctest hostile      sends malformed messages to the log and the nameserver
 *   svctest recovery     carries on while the log and the nameserver restart
 *   svctest watcher      finds init's lines about crashy in the log (initlog.c)
 *   svctest logdown [S]  finds init's lines from while the log was down (and
 *                        those about silo S from while it hung)
 *   svctest idle         logs, then waits for ever (to be killed)
 */
#include "svctest.h"
#include <rt/rt.h>
#include <stdlib.h>
#include <string.h>
#include <svc/svc.h>

unsigned check_failures;
uint64_t svctest_started_ns;

bool check(const char *mode, const char *what, long got, long expected)
{
    if (got == expected)
        return true;
    check_failures++;
    log_printf(LOG_LEVEL_ERROR, "%s: FAIL: %s: expected %ld, got %ld", mode, what, expected, got);
    return false;
}

static int mode_crash(void)
{
    log_printf(LOG_LEVEL_INFO, "crash: faulting now, started at %llu ns",
               (unsigned long long)svctest_started_ns);
    __builtin_trap(); /* an invalid opcode: the kernel kills the process */
}

__attribute__((noreturn)) static int mode_idle(void)
{
    log_printf(LOG_LEVEL_INFO, "idle: waiting");
    for (;;)
        cairn_sleep(1000000000ull);
}

static int mode_exit(const char *status)
{
    int n = atoi(status);
    log_printf(LOG_LEVEL_INFO, "exit: exiting with status %d", n);
    return n;
}

int main(int argc, char **argv)
{
    svctest_started_ns = (uint64_t)cairn_clock_get();
    svc_init("svctest");
    if (argc < 2) {
        log_printf(LOG_LEVEL_ERROR, "no mode given");
        return 2;
    }
    const char *mode = argv[1];
    if (strcmp(mode, "crash") == 0)
        return mode_crash();
    if (strcmp(mode, "exit") == 0 && argc > 2)
        return mode_exit(argv[2]);
    if (strcmp(mode, "secret") == 0)
        return mode_secret();
    if (strcmp(mode, "peer") == 0)
        return mode_peer();
    if (strcmp(mode, "isolation") == 0)
        return mode_isolation();
    if (strcmp(mode, "privilege") == 0)
        return mode_privilege();
    if (strcmp(mode, "granted") == 0)
        return mode_granted();
    if (strcmp(mode, "read-only") == 0)
        return mode_read_only();
    if (strcmp(mode, "reader") == 0)
        return mode_reader();
    if (strcmp(mode, "hostile") == 0)
        return mode_hostile();
    if (strcmp(mode, "recovery") == 0)
        return mode_recovery();
    if (strcmp(mode, "stall") == 0)
        return mode_stall();
    if (strcmp(mode, "giveup") == 0)
        return mode_giveup();
    if (strcmp(mode, "watcher") == 0)
        return mode_watcher();
    if (strcmp(mode, "logdown") == 0)
        return mode_logdown(argc > 2 ? argv[2] : 0);
    if (strcmp(mode, "idle") == 0)
        return mode_idle();
    log_printf(LOG_LEVEL_ERROR, "unknown mode %s", mode);
    return 2;
}
