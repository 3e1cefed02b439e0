/*
 * ipc_buffer.h - per-thread IPC buffers (struct cairn_ipc_buffer in
 * cairn/ipc.h) and carrying a message's bytes and capabilities from one
 * thread's buffer to another's.
 *
 * A thread names its buffer with ipc_buffer_set: one page-aligned page of
 * its own address space. The kernel keeps only the address and finds the
 * page again at every use by walking the process's page tables under its
 * vm lock (object/vm.h), so a page unmapped, protected or replaced since
 * is seen as it is now, and its frame cannot be freed during the copy
 * (vm_unmap frees frames only after dropping that lock and shooting the
 * TLBs down). Bytes move once, frame to frame through the physical-memory
 * window; neither address space needs to be the current one.
 *
 * Messages with 0 bytes and 0 capabilities never come here.
 */
#ifndef CAIRN_OBJECT_IPC_BUFFER_H
#define CAIRN_OBJECT_IPC_BUFFER_H

#include <cairn/error.h>
#include <core/thread.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * For the calling thread's outgoing message `info` (which has bytes or
 * capabilities, or a timeout when `timed`): checks that the thread has an
 * IPC buffer, snapshots the capability list into self->ipc_caps (checked
 * with ipc_caps_check) and, when timed, reads *timeout_ns. Errors:
 * BAD_ADDRESS (no buffer, or its header is not readable), and those of
 * ipc_caps_check (BAD_HANDLE, REVOKED, ACCESS_DENIED, INVALID_ARGUMENT).
 */
enum cairn_error ipc_buffer_load(struct thread *self, uint64_t info, bool timed,
                                 uint64_t *timeout_ns);

/*
 * Delivers the bytes (from from's buffer) and capabilities (from's
 * ipc_caps) that `info` announces into to's buffer. All or nothing: on
 * error no byte and no handle reached `to`, and no handle left `from`.
 * Errors are the sender's (*receiver_fault false): BAD_ADDRESS (its
 * buffer is not mapped readable), or a listed handle's (see
 * ipc_caps_check); or the receiver's (*receiver_fault true): TOO_LARGE
 * (it has no buffer mapped writable to take bytes or handles),
 * NO_HANDLES or NO_MEMORY (its table cannot take the handles).
 *
 * Both threads are held still by the caller (one runs it, the other is
 * blocked on the endpoint whose lock the caller holds), so their processes
 * and page tables live. Takes both processes' vm locks (in address order),
 * then the cap lock.
 */
enum cairn_error ipc_transfer(struct thread *from, struct thread *to, uint64_t info,
                              bool *receiver_fault);

#endif
