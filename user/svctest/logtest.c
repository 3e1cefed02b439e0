/*
 * logtest.c - the log through the "log:" scheme: written through a
 * read-only view (refused), and read back (the kernel's lines, drained
 * from the kernel log, and the services' lines).
 */
#include "svctest.h"
#include <idl/log.h>
#include <rt/rt.h>
#include <string.h>
#include <svc/svc.h>

#define MARK "svctest: reader: marker line"

int mode_read_only(void)
{
    cairn_handle_t h;
    uint64_t seq, lost, time;
    uint32_t source;
    enum log_level lvl;
    char text[240];
    check("read-only", "resolve log:", svc_resolve("log:", &h), 0);
    check("read-only", "write", log_write(h, LOG_LEVEL_INFO, "svctest: read-only: written!"),
          -CAIRN_E_ACCESS_DENIED);
    check("read-only", "read", log_read(h, 0, &seq, &lost, &time, &source, &lvl, text), 0);
    if (check_failures)
        return 1;
    log_printf(LOG_LEVEL_INFO, "read-only: ok: write refused, read allowed");
    return 0;
}

int mode_reader(void)
{
    cairn_handle_t h;
    uint64_t seq = 0, line, lost, time;
    uint32_t source;
    enum log_level lvl;
    char text[240];
    bool kernel = false, service = false;
    check("reader", "resolve log:", svc_resolve("log:", &h), 0);
    check("reader", "write", log_write(h, LOG_LEVEL_INFO, MARK), 0);
    long err;
    while ((err = log_read(h, seq, &line, &lost, &time, &source, &lvl, text)) == 0) {
        kernel |= source == 0 && strncmp(text, "cairn: ", 7) == 0;
        service |= source != 0 && strcmp(text, MARK) == 0;
        seq = line + 1;
    }
    check("reader", "end of the log", err, -CAIRN_E_WOULD_BLOCK);
    check("reader", "found a kernel line", kernel, 1);
    check("reader", "found its own line", service, 1);
    check("reader", "read beyond the end",
          log_read(h, seq + 5, &line, &lost, &time, &source, &lvl, text),
          -CAIRN_E_INVALID_ARGUMENT);
    if (check_failures)
        return 1;
    log_printf(LOG_LEVEL_INFO, "reader: ok: %llu lines, the kernel's and the services'",
               (unsigned long long)seq);
    return 0;
}
