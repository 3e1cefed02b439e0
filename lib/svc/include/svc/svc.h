/*
 * svc/svc.h - what a program started by init uses to reach services
 * (docs/services.md): its nameserver handle, scheme resolution, and
 * logging through the log service.
 *
 * Calls made through the IDL client stubs need an IPC buffer:
 * svc_init() names one (a page of this library's) for the calling thread
 * and the stubs. Single-threaded: a program whose threads log or resolve
 * concurrently must serialise those calls itself.
 */
#ifndef CAIRN_SVC_SVC_H
#define CAIRN_SVC_SVC_H

#include <cairn/handle.h>
#include <idl/log.h>

/* Names this library's IPC buffer for the calling thread and the client
 * stubs, and remembers name as the prefix of log lines ("name: ...").
 * Connects to the log service when the namespace has "log:". Returns 0
 * or the error of naming the buffer. */
long svc_init(const char *name);

/* The IPC buffer svc_init named (for hand-made messages). */
struct cairn_ipc_buffer *svc_ipc_buffer(void);

/* This process's handle to the nameserver (CAIRN_AT_NAMESERVER), or 0. */
cairn_handle_t svc_nameserver(void);

/* Resolves path ("scheme:/a/b") in this process's namespace: the
 * service's endpoint in *endpoint. Returns 0 or the nameserver's error
 * (NOT_FOUND: not in this namespace; PEER_DEAD: no service registered
 * the scheme; see idl/nameserver.idl), or NOT_FOUND without a nameserver. */
long svc_resolve(const char *path, cairn_handle_t *endpoint);

/* Formats a line and writes it to the log service, which mirrors it to
 * the console; without a log service (none in the namespace, or its
 * write fails) the line goes to the console directly. At most 239 bytes
 * after the prefix; longer lines are cut. */
void log_printf(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
