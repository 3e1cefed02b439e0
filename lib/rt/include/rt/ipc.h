/*
 * rt/ipc.h - the IPC calls, whose register use is their own (see
 * docs/syscalls.md, ipc_*): the message travels in struct cairn_msg, and
 * its bytes and capabilities in the thread's IPC buffer (struct
 * cairn_ipc_buffer, one page named with rt_ipc_buffer_set).
 */
#ifndef CAIRN_RT_IPC_H
#define CAIRN_RT_IPC_H

#include <cairn/handle.h>
#include <cairn/ipc.h>
#include <stdbool.h>

/* Sends msg and waits for the reply, which replaces msg's info and words. */
long rt_ipc_call(cairn_handle_t endpoint, struct cairn_msg *msg);

/* Waits for a message (timeout as for ipc_recv) and stores it in *msg. */
long rt_ipc_recv(cairn_handle_t endpoint, uint64_t timeout_ns, struct cairn_msg *msg);

/* Replies with msg's info and words to the last caller. */
long rt_ipc_reply(const struct cairn_msg *msg);

/* Moves the reply this thread owes its last caller into a new one-shot
 * reply handle (ipc_reply_detach), so it may receive again while that
 * caller waits; returns the handle or a negative error. */
long rt_ipc_reply_detach(void);

/* Replies with msg's info and words through a reply handle, which is
 * consumed (ipc_reply_to). */
long rt_ipc_reply_to(cairn_handle_t reply, const struct cairn_msg *msg);

/* Replies with *msg, then waits for the next message and stores it there. */
long rt_ipc_reply_recv(cairn_handle_t endpoint, struct cairn_msg *msg);

/* Names buf (a page-aligned, writable page) as the calling thread's IPC
 * buffer; NULL for none. As ipc_buffer_set, and recorded in the thread's
 * block (rt/thread.h) for rt_ipc_buffer: name buffers with this call, not
 * with cairn_ipc_buffer_set, in threads that use rt_ipc_buffer or the IDL
 * stubs. */
long rt_ipc_buffer_set(struct cairn_ipc_buffer *buf);

/* The calling thread's IPC buffer: the one it named with
 * rt_ipc_buffer_set, else a page the runtime allocates and names on first
 * use (freed by rt_thread_exit); NULL when that allocation or naming
 * fails. Each thread has its own, so threads never share one. */
struct cairn_ipc_buffer *rt_ipc_buffer(void);

/* Puts n handles (at most CAIRN_IPC_MAX_CAPS) into buf's capability list,
 * each moved when move is true and copied otherwise, and returns the
 * descriptor for `label` with `bytes` bytes and these n handles. */
uint64_t rt_ipc_caps_put(struct cairn_ipc_buffer *buf, uint32_t label, unsigned bytes,
                         const cairn_handle_t *handles, unsigned n, bool move);

/* rt_ipc_call bounded by timeout_ns (not 0): sets buf->timeout_ns (buf is
 * the calling thread's IPC buffer) and CAIRN_MSGINFO_TIMEOUT. */
long rt_ipc_call_timeout(cairn_handle_t endpoint, struct cairn_ipc_buffer *buf, uint64_t timeout_ns,
                         struct cairn_msg *msg);

/* Whether a received message is the bound notification's bits (in badge). */
static inline bool rt_ipc_is_notification(const struct cairn_msg *msg)
{
    return msg->info & CAIRN_MSGINFO_NOTIFIED;
}

#endif
