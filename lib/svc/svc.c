/*
 * svc.c - reaching services from a program init started (see svc/svc.h).
 */
#include <cairn/startup.h>
#include <idl/nameserver.h>
#include <rt/rt.h>
#include <stdarg.h>
#include <stdio.h>
#include <svc/svc.h>

#define LINE_MAX 240 /* idl/log.idl: string<239> and its NUL */

static struct cairn_ipc_buffer ipc_buffer __attribute__((aligned(4096)));
static char prefix[32];
static cairn_handle_t log_endpoint;

struct cairn_ipc_buffer *svc_ipc_buffer(void)
{
    return &ipc_buffer;
}

cairn_handle_t svc_nameserver(void)
{
    return rt_startup_handle(CAIRN_AT_NAMESERVER);
}

long svc_resolve(const char *path, cairn_handle_t *endpoint)
{
    uint32_t flags;
    cairn_handle_t ns = svc_nameserver();
    if (!ns)
        return -CAIRN_E_NOT_FOUND;
    return nameserver_resolve(ns, path, endpoint, &flags);
}

long svc_init(const char *name)
{
    long err = idl_client_init(&ipc_buffer);
    if (err < 0)
        return err;
    snprintf(prefix, sizeof(prefix), "%s", name);
    if (svc_resolve("log:", &log_endpoint) < 0)
        log_endpoint = CAIRN_HANDLE_NONE;
    return 0;
}

void log_printf(enum log_level level, const char *fmt, ...)
{
    char line[LINE_MAX];
    va_list ap;
    int n = snprintf(line, sizeof(line), "%s: ", prefix);
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
    va_end(ap);
    if (log_endpoint && log_write(log_endpoint, level, line) == 0)
        return;
    rt_printf("%s\n", line);
}
