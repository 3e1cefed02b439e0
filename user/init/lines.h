/*
 * lines.h - init's own lines (docs/services.md, "init's lines in the
 * log"). Each is printed on the console at once, as it always was (the
 * serial markers the tests read), and queued (svc/logq.h) for the log
 * service, which keeps it under init's writer id (its root namespace,
 * 1) without printing it again (idl/log.idl, append). The queue is
 * handed over while the silo that provides "log" runs, each call bounded
 * by a timeout (svc/relay.h): lines from before the log service is up,
 * or from while it is down or being restarted, reach it once it runs
 * (again); init never waits long for it. Once init gives up on the log
 * service, its lines reach the console only.
 *
 * init is one thread; nothing here is shared.
 */
#ifndef CAIRN_INIT_LINES_H
#define CAIRN_INIT_LINES_H

#include "silo.h"
#include <cairn/ipc.h>

/* Names the IPC buffer init's calls use (the thread's own), and the silo
 * that provides "log" among silos[0..silo_count), if any. Lines logged
 * before wait in the queue. */
void init_lines_start(struct cairn_ipc_buffer *buf);

/* Hands queued lines to the log service if it runs and a retry is due. */
void init_lines_flush(void);

/* When the next retry of a hand-over that failed is due (clock_get
 * time), or UINT64_MAX when none is pending. */
uint64_t init_lines_next(void);

#endif
