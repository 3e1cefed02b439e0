/*
 * rt/ipc.h - the IPC calls, whose register use is their own (see
 * docs/syscalls.md, ipc_*): the message travels in struct cairn_msg.
 */
#ifndef CAIRN_RT_IPC_H
#define CAIRN_RT_IPC_H

#include <cairn/handle.h>
#include <cairn/ipc.h>

/* Sends msg and waits for the reply, which replaces msg's info and words. */
long rt_ipc_call(cairn_handle_t endpoint, struct cairn_msg *msg);

/* Waits for a message (timeout as for ipc_recv) and stores it in *msg. */
long rt_ipc_recv(cairn_handle_t endpoint, uint64_t timeout_ns, struct cairn_msg *msg);

/* Replies with msg's info and words to the last caller. */
long rt_ipc_reply(const struct cairn_msg *msg);

/* Replies with *msg, then waits for the next message and stores it there. */
long rt_ipc_reply_recv(cairn_handle_t endpoint, struct cairn_msg *msg);

#endif
