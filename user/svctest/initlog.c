/*
 * initlog.c - init's own lines read back from the log service through
 * "log:" (docs/services.md, "init's lines in the log"):
 *
 *   watcher  beside crashy (silos/supervision.set): init's lines are in
 *            the log under init's writer id (1), from the boot on (those
 *            made before the log service ran were queued and handed
 *            over); crashy's starts, exits and restarts are all there;
 *            and each restart came at least the announced back-off after
 *            the exit init saw, by crashy's own clock at its start.
 *   logdown  while init kills the log service (silos/logdown.set,
 *            kill=log@MS): the lines init made while it was down (its
 *            exit, the restart announced) reach the new instance.
 *   logdown S  the same, after init first stopped the log service
 *            (stop=log@MS: it hangs) and then killed silo S: init went on
 *            supervising, and its lines about S's end and restart, made
 *            while the log service hung, reach the next instance.
 */
#include "svctest.h"
#include <idl/log.h>
#include <rt/rt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <svc/svc.h>

#define INIT_WRITER 1u             /* init's root namespace: its lines' writer */
#define PASS_NS     200000000ull   /* between two readings of the whole log */
#define WAIT_NS     30000000000ull /* how long the events may take to come */
#define RESTARTS    3              /* silos/crashy.silo: restart_limit */

struct line {
    uint64_t seq, time_ns;
    uint32_t source;
    const char *text;
};

/* Reads the whole log through h, from its first line kept, and gives each
 * line to fn. Returns 0 at its end, or the error that cut the reading
 * short (the log service restarting under it, ...). */
static long log_scan(cairn_handle_t h, void (*fn)(void *, const struct line *), void *ctx)
{
    static char text[240];
    uint64_t seq = 0, line_seq, lost, time_ns;
    uint32_t source;
    enum log_level lvl;
    long err;
    while ((err = log_read(h, seq, &line_seq, &lost, &time_ns, &source, &lvl, text)) == 0) {
        struct line l = {line_seq, time_ns, source, text};
        fn(ctx, &l);
        seq = line_seq + 1;
    }
    return err == -CAIRN_E_WOULD_BLOCK ? 0 : err;
}

/* The number after prefix in text, if text starts with prefix. */
static bool number_after(const char *text, const char *prefix, uint64_t *n)
{
    size_t len = strlen(prefix);
    char *end;
    if (strncmp(text, prefix, len) != 0)
        return false;
    *n = strtoull(text + len, &end, 10);
    return end != text + len;
}

static bool starts(const char *text, const char *prefix)
{
    return strncmp(text, prefix, strlen(prefix)) == 0;
}

/* --- watcher ------------------------------------------------------------- */

struct crashy {
    unsigned boot_lines; /* init's lines from before the log service ran */
    unsigned forged;     /* "init: " lines from another writer */
    unsigned started;    /* "init: started crashy" */
    unsigned exits, delays, waits, runs;
    uint64_t exit_ns[RESTARTS + 1]; /* init's time of "crashy exited" */
    uint64_t delay_ms[RESTARTS];    /* "restarting crashy in N ms" */
    uint64_t waited_ms[RESTARTS];   /* "restarted crashy after N ms" */
    uint64_t run_ns[RESTARTS + 1];  /* crashy's clock at its start */
    uint32_t crash_source;          /* crashy's writer id */
    bool given_up;
};

static void crashy_line(void *ctx, const struct line *l)
{
    struct crashy *c = ctx;
    uint64_t n;
    if (starts(l->text, "init: ")) {
        if (l->source != INIT_WRITER) {
            c->forged++;
            return;
        }
    } else if (number_after(l->text, "svctest: crash: faulting now, started at ", &n)) {
        if (c->runs <= RESTARTS)
            c->run_ns[c->runs] = n;
        c->runs++;
        c->crash_source = l->source;
        return;
    } else {
        return;
    }
    if (starts(l->text, "init: started nameserver pid") || starts(l->text, "init: started log pid"))
        c->boot_lines++;
    else if (starts(l->text, "init: started crashy pid"))
        c->started++;
    else if (starts(l->text, "init: crashy exited (faulted)") && c->exits <= RESTARTS)
        c->exit_ns[c->exits++] = l->time_ns;
    else if (number_after(l->text, "init: restarting crashy in ", &n) && c->delays < RESTARTS)
        c->delay_ms[c->delays++] = n;
    else if (number_after(l->text, "init: restarted crashy after ", &n) && c->waits < RESTARTS)
        c->waited_ms[c->waits++] = n;
    else if (starts(l->text, "init: giving up on crashy after 3 restarts"))
        c->given_up = true;
}

/* Each restart came at least its back-off after the exit: by init's own
 * measure, and by crashy's clock at its next start against the time of
 * init's line saying it exited (the later of the two readings init could
 * have restarted it from). */
static void crashy_check(const struct crashy *c)
{
    const char *W = "watcher";
    check(W, "init's lines from before the log ran", c->boot_lines, 2);
    check(W, "init's lines from another writer", c->forged, 0);
    check(W, "crashy started", c->started, RESTARTS + 1);
    check(W, "crashy exits", c->exits, RESTARTS + 1);
    check(W, "restarts announced", c->delays, RESTARTS);
    check(W, "restarts measured by init", c->waits, RESTARTS);
    check(W, "crashy runs", c->runs, RESTARTS + 1);
    check(W, "crashy writes as itself", c->crash_source != INIT_WRITER && c->crash_source != 0, 1);
    for (unsigned i = 0;
         i < RESTARTS && i < c->delays && i < c->waits && i + 1 < c->runs && i < c->exits; i++) {
        uint64_t by_crashy =
            c->run_ns[i + 1] > c->exit_ns[i] ? (c->run_ns[i + 1] - c->exit_ns[i]) / 1000000 : 0;
        if (by_crashy < c->delay_ms[i] || c->waited_ms[i] < c->delay_ms[i]) {
            check_failures++;
            log_printf(LOG_LEVEL_ERROR,
                       "%s: FAIL: restart %u after %llu ms by crashy's clock, %llu by init's: "
                       "less than the %llu ms announced",
                       W, i + 1, (unsigned long long)by_crashy, (unsigned long long)c->waited_ms[i],
                       (unsigned long long)c->delay_ms[i]);
        }
    }
}

int mode_watcher(void)
{
    struct crashy c;
    cairn_handle_t h;
    uint64_t until = (uint64_t)cairn_clock_get() + WAIT_NS;
    check("watcher", "resolve log:", svc_resolve("log:", &h), 0);
    do {
        memset(&c, 0, sizeof(c));
        cairn_sleep(PASS_NS);
        check("watcher", "read the log", log_scan(h, crashy_line, &c), 0);
    } while (!check_failures && !c.given_up && (uint64_t)cairn_clock_get() < until);
    check("watcher", "init gave up on crashy", c.given_up, 1);
    if (!check_failures)
        crashy_check(&c);
    if (check_failures)
        return 1;
    log_printf(LOG_LEVEL_INFO,
               "watcher: ok: init's lines in the log as writer %u from the boot on; crashy "
               "restarted %llu, %llu, %llu ms after its exits by its own clock (at least "
               "%llu, %llu, %llu)",
               INIT_WRITER, (unsigned long long)((c.run_ns[1] - c.exit_ns[0]) / 1000000),
               (unsigned long long)((c.run_ns[2] - c.exit_ns[1]) / 1000000),
               (unsigned long long)((c.run_ns[3] - c.exit_ns[2]) / 1000000),
               (unsigned long long)c.delay_ms[0], (unsigned long long)c.delay_ms[1],
               (unsigned long long)c.delay_ms[2]);
    return 0;
}

/* --- logdown ------------------------------------------------------------- */

struct logdown {
    const char *silo;                                /* or 0 */
    char silo_exited[64];                            /* "init: S exited (killed)" */
    char silo_restarted[64];                         /* "init: restarted S after " */
    uint64_t exited_seq, announced_seq, started_seq; /* 0: not seen (seq + 1) */
    uint64_t exited_ns, started_ns;
    bool silo_ended, silo_back;
};

static void logdown_line(void *ctx, const struct line *l)
{
    struct logdown *d = ctx;
    if (l->source != INIT_WRITER)
        return;
    if (d->silo && starts(l->text, d->silo_exited))
        d->silo_ended = true;
    else if (d->silo && starts(l->text, d->silo_restarted) && d->silo_ended)
        d->silo_back = true;
    else if (starts(l->text, "init: log exited (killed)")) {
        d->exited_seq = l->seq + 1;
        d->exited_ns = l->time_ns;
    } else if (starts(l->text, "init: restarting log in ") && d->exited_seq) {
        d->announced_seq = l->seq + 1;
    } else if (starts(l->text, "init: started log pid ") && d->announced_seq) {
        d->started_seq = l->seq + 1;
        d->started_ns = l->time_ns;
    }
}

/* Forgets what a reading found, for the next. */
static void logdown_reset(struct logdown *d, const char *silo)
{
    memset(d, 0, sizeof(*d));
    d->silo = silo;
    if (silo) {
        snprintf(d->silo_exited, sizeof(d->silo_exited), "init: %s exited (killed)", silo);
        snprintf(d->silo_restarted, sizeof(d->silo_restarted), "init: restarted %s after ", silo);
    }
}

/* Whether one reading found every line looked for. */
static bool logdown_done(const struct logdown *d)
{
    return d->started_seq && (!d->silo || d->silo_back);
}

int mode_logdown(const char *silo)
{
    struct logdown d;
    cairn_handle_t h;
    unsigned cut = 0;
    uint64_t until = (uint64_t)cairn_clock_get() + WAIT_NS;
    check("logdown", "resolve log:", svc_resolve("log:", &h), 0);
    do {
        logdown_reset(&d, silo);
        cairn_sleep(PASS_NS);
        if (log_scan(h, logdown_line, &d) < 0) {
            cut++; /* the log service ended under the reading: read again */
            logdown_reset(&d, silo);
        }
    } while (!logdown_done(&d) && (uint64_t)cairn_clock_get() < until);
    check("logdown", "init's lines from while the log was down, then its restart, in the log",
          d.started_seq != 0, 1);
    if (silo)
        check("logdown", "init's lines about the silo killed while the log hung", d.silo_back, 1);
    check("logdown", "in the order init made them", d.exited_ns <= d.started_ns, 1);
    if (check_failures)
        return 1;
    log_printf(LOG_LEVEL_INFO,
               "logdown: ok: init's lines from while the log service was down%s%s reached its "
               "next instance (%u readings cut by the restart)",
               silo ? " or hung, about " : "", silo ? silo : "", cut);
    return 0;
}
