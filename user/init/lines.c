/*
 * lines.c - init's own lines, on the console and in the log service (see
 * lines.h).
 */
#include "lines.h"
#include <rt/rt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <svc/relay.h>

#define LOG_SCHEME      "log"
#define INIT_WRITER     (1ull << 8)   /* the badge of init's root namespace (NS_ROOT) */
#define SEND_TIMEOUT_NS 200000000ull  /* one append: the log answers far sooner */
#define RETRY_NS        250000000ull  /* after a hand-over that failed, doubled... */
#define RETRY_MAX_NS    8000000000ull /* ...after each that fails again, up to this */
#define LEVEL_INFO      1u            /* enum log_level */

static struct logq queue;
static struct cairn_ipc_buffer *ipc_buf;
static struct silo *log_silo;     /* the silo that provides "log", or 0 */
static cairn_handle_t log_handle; /* init's, minted from its endpoint */
static uint64_t retry_at;         /* no hand-over before, unless... */
static uint32_t retry_pid;        /* ...the log service was restarted since */
static uint64_t retry_ns;         /* the wait after the next failure */

static struct silo *log_provider(void)
{
    for (unsigned i = 0; i < silo_count; i++) {
        if (manifest_provides(&silos[i].m, LOG_SCHEME))
            return &silos[i];
    }
    return 0;
}

void init_lines_start(struct cairn_ipc_buffer *buf)
{
    ipc_buf = buf;
    log_silo = log_provider();
}

/* init's handle to the log service's endpoint, while that endpoint lasts.
 * init ends it when it gives up on the service (start.c,
 * silo_endpoint_end): the handle, minted from it, is revoked with it and
 * closed here, and the lines queued will never be taken. */
static cairn_handle_t log_endpoint(void)
{
    if (log_handle && !log_silo->endpoint) {
        cairn_handle_close(log_handle);
        log_handle = CAIRN_HANDLE_NONE;
        logq_clear(&queue);
    }
    if (!log_handle && log_silo->endpoint && log_silo->state == SILO_RUNNING) {
        long h = cairn_handle_mint(log_silo->endpoint, CAIRN_RIGHT_SIGNAL, INIT_WRITER);
        if (h > 0)
            log_handle = (cairn_handle_t)h;
    }
    return log_handle;
}

void init_lines_flush(void)
{
    if (!ipc_buf || !log_silo)
        return;
    cairn_handle_t h = log_endpoint();
    if (!h || log_silo->state != SILO_RUNNING)
        return;
    uint64_t now = (uint64_t)cairn_clock_get();
    if (log_silo->pid != retry_pid)
        retry_ns = RETRY_NS;
    else if (now < retry_at)
        return;
    retry_pid = log_silo->pid;
    unsigned answered;
    long err = relay_flush(&queue, h, ipc_buf, SEND_TIMEOUT_NS, &answered);
    if (answered)
        retry_ns = RETRY_NS; /* slow perhaps, but not hung */
    if (err == 0) {
        retry_at = 0;
        return;
    }
    /* A hung log service costs init one timeout per attempt: the attempts
     * thin out while it stays hung, so init goes on supervising. */
    retry_at = (uint64_t)cairn_clock_get() + retry_ns;
    retry_ns = retry_ns * 2 < RETRY_MAX_NS ? retry_ns * 2 : RETRY_MAX_NS;
}

uint64_t init_lines_next(void)
{
    if (!log_silo || log_silo->state != SILO_RUNNING || !retry_at)
        return UINT64_MAX;
    return retry_at;
}

void init_log(const char *fmt, ...)
{
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n > sizeof(line) - 2)
        n = sizeof(line) - 2;
    line[n] = '\n';
    cairn_debug_write(line, (size_t)n + 1);
    line[n] = '\0';
    if (!queue.next_n)
        logq_init(&queue, "init");
    logq_put(&queue, (uint64_t)cairn_clock_get(), LEVEL_INFO, line);
    init_lines_flush();
}
