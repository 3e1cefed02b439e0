/*
 * svc/relay.h - handing queued lines (svc/logq.h) to the log service
 * with its `append` method (idl/log.idl) without ever waiting for it
 * long: each call is bounded by a timeout (ipc_call's
 * CAIRN_MSGINFO_TIMEOUT), so a log service that is down, starting or
 * hung costs the writer at most that long per attempt. A line whose call
 * timed out stays queued and is sent again later; if the service had
 * taken it after all, append's line number makes it keep the line once.
 *
 * One thread: the caller's, through its own IPC buffer.
 */
#ifndef CAIRN_SVC_RELAY_H
#define CAIRN_SVC_RELAY_H

#include <cairn/handle.h>
#include <cairn/ipc.h>
#include <svc/logq.h>

/* Sends one line with append through endpoint (SIGNAL), bounded by
 * timeout_ns (not 0), through buf (the calling thread's IPC buffer).
 * Returns 0 when the service answered, whether it took the line or
 * refused it (its status in *status: 0 or a negated error; a refused line
 * is not worth sending again), or the error of the call (TIMED_OUT,
 * PEER_DEAD: the service ended before it answered, REVOKED or BAD_HANDLE:
 * the handle is no good any more, ...). */
long relay_send(cairn_handle_t endpoint, struct cairn_ipc_buffer *buf, uint64_t timeout_ns,
                const struct logq_line *line, long *status);

/* Sends the queued lines of q, oldest first, each as relay_send, and
 * removes each the service answered (how many in *answered). Returns 0
 * when q is empty, or the error of the call that stopped it (that line
 * stays queued). */
long relay_flush(struct logq *q, cairn_handle_t endpoint, struct cairn_ipc_buffer *buf,
                 uint64_t timeout_ns, unsigned *answered);

#endif
