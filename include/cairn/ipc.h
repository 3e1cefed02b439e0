/*
 * cairn/ipc.h - the IPC message descriptor (msginfo) that travels with
 * every call, receive and reply in RSI, and the layout of the per-thread
 * IPC buffer (see docs/syscalls.md, ipc_*, and docs/kernel.md, IPC).
 *
 *   bits  0-31  label: the receiver's to interpret (an IDL method number)
 *   bits 32-44  bytes in the IPC buffer beyond the four register words
 *               (0 to CAIRN_IPC_MAX_BYTES)
 *   bits 45-47  capabilities to transfer (0 to CAIRN_IPC_MAX_CAPS)
 *   bit  48     ipc_call only: the call has a timeout, read from the
 *               caller's IPC buffer (timeout_ns)
 *   bit  49     set by the kernel on a receive only: not a message but the
 *               bits of the receiver's bound notification (in the badge)
 *   bits 50-63  reserved, must be 0
 *
 * A message with 0 bytes and 0 capabilities never touches either IPC
 * buffer: it travels in registers only.
 */
#ifndef CAIRN_IPC_H
#define CAIRN_IPC_H

#include <stdint.h>

#define CAIRN_IPC_WORDS     4    /* message words carried in registers */
#define CAIRN_IPC_MAX_BYTES 4032 /* buffer bytes: a page less the header */
#define CAIRN_IPC_MAX_CAPS  4    /* capabilities per message */

#define CAIRN_MSGINFO_TIMEOUT  (1ull << 48)
#define CAIRN_MSGINFO_NOTIFIED (1ull << 49)

#define CAIRN_MSGINFO(label) ((uint64_t)(uint32_t)(label))
#define CAIRN_MSGINFO_MAKE(label, bytes, caps)                                                     \
    (CAIRN_MSGINFO(label) | ((uint64_t)(bytes)&0x1fff) << 32 | ((uint64_t)(caps)&0x7) << 45)
#define CAIRN_MSGINFO_LABEL(info)    ((uint32_t)(info))
#define CAIRN_MSGINFO_BYTES(info)    (((info) >> 32) & 0x1fff)
#define CAIRN_MSGINFO_CAPS(info)     (((info) >> 45) & 0x7)
#define CAIRN_MSGINFO_RESERVED(info) ((info) >> 50)

/* In a sent capability list: move the handle (it leaves the sender when the
 * message is delivered) instead of copying it (the receiver's handle is
 * then a child of the sender's, revoked with it). Handles never have bit
 * 31 set. */
#define CAIRN_IPC_CAP_MOVE 0x80000000u

/* The short message as user space sees it in registers. */
struct cairn_msg {
    uint64_t info;
    uint64_t words[CAIRN_IPC_WORDS];
    uint64_t badge; /* receive side only: the sender's badge, or notification bits */
};

/*
 * A thread's IPC buffer: one page of its own address space, named with
 * ipc_buffer_set. The kernel reads it only for a message that has bytes,
 * capabilities or a timeout, and writes it only when such a message (or
 * reply) is delivered to the thread.
 */
struct cairn_ipc_buffer {
    uint8_t data[CAIRN_IPC_MAX_BYTES]; /* the bytes beyond the register words */
    uint32_t caps[CAIRN_IPC_MAX_CAPS]; /* send: handles (| CAIRN_IPC_CAP_MOVE);
                                          receive: the new handles */
    uint64_t timeout_ns;               /* ipc_call with CAIRN_MSGINFO_TIMEOUT */
    uint64_t reserved[5];              /* ignored by the kernel */
};

_Static_assert(sizeof(struct cairn_ipc_buffer) == 4096, "the IPC buffer is one page");

#endif
