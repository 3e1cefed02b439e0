/*
 * cairn/ipc.h - the IPC message descriptor (msginfo) that travels with
 * every call, receive and reply in RSI (see docs/syscalls.md, ipc_*).
 *
 *   bits  0-31  label: the receiver's to interpret (an IDL method number)
 *   bits 32-44  bytes in the IPC buffer beyond the four register words
 *   bits 45-47  capabilities to transfer (0-4)
 *   bits 48-63  reserved, must be 0
 *
 * Buffer bytes and capability transfer are not implemented yet: a
 * descriptor asking for them fails with CAIRN_E_NOT_SUPPORTED.
 */
#ifndef CAIRN_IPC_H
#define CAIRN_IPC_H

#include <stdint.h>

#define CAIRN_IPC_WORDS 4 /* message words carried in registers */

#define CAIRN_MSGINFO(label)         ((uint64_t)(uint32_t)(label))
#define CAIRN_MSGINFO_LABEL(info)    ((uint32_t)(info))
#define CAIRN_MSGINFO_BYTES(info)    (((info) >> 32) & 0x1fff)
#define CAIRN_MSGINFO_CAPS(info)     (((info) >> 45) & 0x7)
#define CAIRN_MSGINFO_RESERVED(info) ((info) >> 48)

/* The short message as user space sees it in registers. */
struct cairn_msg {
    uint64_t info;
    uint64_t words[CAIRN_IPC_WORDS];
    uint64_t badge; /* receive side only: the sender's badge */
};

#endif
