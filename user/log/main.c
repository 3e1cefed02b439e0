/*
 * log - the log service (docs/services.md, idl/log.idl).
 *
 * Keeps the recent lines of every service (store.h) and the kernel's own,
 * drained from the kernel log (log_read) every DRAIN_NS while idle and
 * before every read; mirrors the services' lines, but debug ones, to the
 * console (the kernel prints its own, and init's appended lines are on
 * the console already). Serves the endpoint init gives it
 * and registers it as the "log" scheme. One thread: the store needs no
 * lock.
 */
#include "store.h"
#include "writers.h"
#include <cairn/log.h>
#include <cairn/startup.h>
#include <idl/log.h>
#include <idl/nameserver.h>
#include <rt/ipc.h>
#include <rt/rt.h>
#include <stdio.h>
#include <string.h>

#define DRAIN_NS       100000000ull /* 100 ms */
#define BADGE_READONLY 1u           /* nameserver: flags in the badge's low byte */

struct log_service {
    struct store store;
    struct writers writers; /* append's line numbers, per writer */
    cairn_handle_t kernel_log;
    uint64_t kernel_next; /* the next kernel line to drain */
    char records[CAIRN_LOG_READ_MAX] __attribute__((aligned(8)));
};

static struct log_service service;
static struct cairn_ipc_buffer ipc_buffer __attribute__((aligned(4096)));

/* Takes every new kernel line into the store. */
static void drain_kernel(struct log_service *s)
{
    struct cairn_log_position pos;
    long used;
    if (!s->kernel_log)
        return;
    while ((used = cairn_log_read(s->kernel_log, s->kernel_next, s->records, sizeof(s->records),
                                  &pos)) > 0) {
        if (pos.lost) {
            char note[64];
            int n = snprintf(note, sizeof(note), "log: %llu kernel lines lost",
                             (unsigned long long)pos.lost);
            store_append(&s->store, (uint64_t)cairn_clock_get(), STORE_SOURCE_KERNEL,
                         CAIRN_LOG_WARN, note, (size_t)n);
        }
        for (long off = 0; off < used;) {
            const struct cairn_log_record *r = (const void *)(s->records + off);
            store_append(&s->store, r->time_ns, STORE_SOURCE_KERNEL, r->level, r->text, r->length);
            off += (long)CAIRN_LOG_RECORD_SIZE(r->length);
        }
        s->kernel_next = pos.next;
    }
}

static long log_op_write(void *ctx, const struct idl_call *call, enum log_level lvl,
                         const char *text)
{
    struct log_service *s = ctx;
    if (call->badge & BADGE_READONLY)
        return -CAIRN_E_ACCESS_DENIED;
    const struct store_line *l =
        store_append(&s->store, (uint64_t)cairn_clock_get(), (uint32_t)(call->badge >> 8), lvl,
                     text, strlen(text));
    if (lvl != LOG_LEVEL_DEBUG)
        rt_printf("%s\n", l->text);
    return 0;
}

/* A line its writer printed on the console itself (init's): kept with the
 * writer's time, not mirrored, and kept once however often it is sent. */
static long log_op_append(void *ctx, const struct idl_call *call, uint64_t n, uint64_t time_ns,
                          enum log_level lvl, const char *text)
{
    struct log_service *s = ctx;
    uint32_t source = (uint32_t)(call->badge >> 8);
    if (call->badge & BADGE_READONLY)
        return -CAIRN_E_ACCESS_DENIED;
    if (writers_take(&s->writers, source, n))
        store_append(&s->store, time_ns, source, lvl, text, strlen(text));
    return 0;
}

static long log_op_read(void *ctx, const struct idl_call *call, uint64_t seq, uint64_t *line_seq,
                        uint64_t *lost, uint64_t *time_ns, uint32_t *source, enum log_level *lvl,
                        char text[240])
{
    struct log_service *s = ctx;
    const struct store_line *l;
    (void)call;
    drain_kernel(s);
    long err = store_read(&s->store, seq, &l, lost);
    if (err < 0)
        return err;
    *line_seq = l->seq;
    *time_ns = l->time_ns;
    *source = l->source;
    *lvl = (enum log_level)l->level;
    memcpy(text, l->text, sizeof(l->text));
    return 0;
}

static const struct log_ops ops = {
    .write = log_op_write,
    .read = log_op_read,
    .append = log_op_append,
};

/* Between requests: DRAIN_NS without one drains the kernel log. */
static void drain_idle(void *ctx)
{
    drain_kernel(ctx);
}

int main(void)
{
    cairn_handle_t endpoint = rt_startup_handle(CAIRN_AT_SERVICE_ENDPOINT);
    cairn_handle_t nameserver = rt_startup_handle(CAIRN_AT_NAMESERVER);
    service.kernel_log = rt_startup_handle(CAIRN_AT_KERNEL_LOG);
    if (!endpoint || !nameserver) {
        rt_puts("log: no endpoint to serve or no nameserver\n");
        return 1;
    }
    long err = idl_client_init(&ipc_buffer);
    if (err == 0)
        err = nameserver_provide(nameserver, "log", endpoint);
    if (err < 0) {
        rt_printf("log: cannot register the log scheme (error %ld)\n", err);
        return 1;
    }
    drain_kernel(&service);
    const struct idl_idle idle = {.every_ns = DRAIN_NS, .fn = drain_idle, .ctx = &service};
    err = idl_serve_idle(endpoint, &ipc_buffer, &log_interface, &ops, &service, &idle);
    rt_printf("log: receiving failed (error %ld)\n", err);
    return 1;
}
