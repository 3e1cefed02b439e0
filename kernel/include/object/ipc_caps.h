/*
 * ipc_caps.h - capabilities carried by an IPC message: up to
 * CAIRN_IPC_MAX_CAPS handles of the sender, each moved or copied
 * (CAIRN_IPC_CAP_MOVE) into the receiver's handle table, all or none.
 *
 * Each handle needs CAIRN_RIGHT_TRANSFER. The receiver's handle has the
 * same rights and badge; a copy is a child of the sender's handle in the
 * derivation tree (revoking the sender's handle, or an ancestor, reaches
 * it); a moved handle keeps its place in the tree and leaves the sender's
 * table only when the message is delivered.
 *
 * Locking: takes the cap lock; may be called under endpoint and vm locks
 * (nothing takes those under the cap lock).
 */
#ifndef CAIRN_OBJECT_IPC_CAPS_H
#define CAIRN_OBJECT_IPC_CAPS_H

#include <cairn/error.h>
#include <cairn/handle.h>
#include <stdbool.h>

struct process;

/* Whether every listed handle of p may be sent: each names a LIVE handle
 * with TRANSFER (errors of handle_get: BAD_HANDLE, REVOKED,
 * ACCESS_DENIED), and no handle that is moved appears twice
 * (INVALID_ARGUMENT). */
enum cairn_error ipc_caps_check(struct process *p, const uint32_t *list, unsigned n);

/*
 * Transfers the n handles of list from `from` to `to`, writing the new
 * handle values to out[0..n). Atomic: on error no handle moved or was
 * created. *receiver_fault is set when the error is the receiving side's
 * (NO_HANDLES: its table cannot hold n more; NO_MEMORY), cleared when it
 * is the sender's (the errors of ipc_caps_check).
 */
enum cairn_error ipc_caps_transfer(struct process *from, const uint32_t *list, unsigned n,
                                   struct process *to, uint32_t *out, bool *receiver_fault);

/* Closes the handles of list that are moved (CAIRN_IPC_CAP_MOVE), those
 * still LIVE: what a reply given with ipc_reply_recv gave away when its
 * caller could not take it. The receive goes on there, so the replier
 * never learns of the failure and would keep them for good. */
void ipc_caps_drop_moved(struct process *p, const uint32_t *list, unsigned n);

#endif
