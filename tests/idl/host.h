/*
 * host.h - a stand-in for the kernel under the IDL runtime on the host
 * (tests/host/test_idl.c, tests/fuzz/fuzz_idl.c): a fake handle table for
 * handle_info and handle_close, and rt_ipc_call carrying a message to an
 * in-process server function the way the kernel would (bytes copied
 * between the two IPC buffers, capabilities transferred into new handles).
 */
#ifndef CAIRN_TESTS_IDL_HOST_H
#define CAIRN_TESTS_IDL_HOST_H

#include <cairn/handle.h>
#include <cairn/ipc.h>
#include <stdbool.h>

/* A new live handle of the given object type and rights. */
cairn_handle_t host_handle_new(uint32_t type, uint32_t rights);
bool host_handle_live(cairn_handle_t h);
/* Live handles now; closes of a handle that was not live so far. */
unsigned host_handles_live(void);
unsigned host_bad_closes(void);
/* Forgets every handle. */
void host_handles_reset(void);

/* The server rt_ipc_call delivers to: it receives the message in msg (its
 * bytes and new handles in buf, the server's IPC buffer) and leaves its
 * reply there. */
typedef void (*host_server_fn)(struct cairn_msg *msg, struct cairn_ipc_buffer *buf);
extern host_server_fn host_server;
extern uint64_t host_badge; /* the badge the server sees */
extern unsigned host_calls; /* messages delivered */
extern struct cairn_ipc_buffer host_server_buf;

/* The receive side for idl_serve: rt_ipc_recv and rt_ipc_reply_recv take
 * the next of host_queue's host_queued messages (its capabilities made
 * fresh handles of host_queue_cap_type with all rights) and fail with
 * PEER_DEAD when none is left; each reply is appended to host_replies.
 * A reply whose status is host_refuse_status fails once with it. */
#define HOST_QUEUE_MAX 64
extern struct cairn_msg host_queue[HOST_QUEUE_MAX];
extern uint8_t host_queue_data[HOST_QUEUE_MAX][64];
extern unsigned host_queued, host_taken;
extern uint32_t host_queue_cap_type;
extern struct cairn_msg host_replies[HOST_QUEUE_MAX];
extern unsigned host_replied;
#endif
