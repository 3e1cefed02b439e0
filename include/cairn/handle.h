/*
 * cairn/handle.h - handles, object types and rights: the vocabulary of
 * capabilities shared by the kernel and user space (see docs/syscalls.md).
 *
 * A handle is a 32-bit value naming a slot of the calling process's handle
 * table: bits 0-15 are the slot index, bits 16-30 the slot's generation, bit
 * 31 is always 0 (so a handle is never negative). Slot 0 is never used, so 0
 * means "no handle". Values are ABI: append, never renumber.
 */
#ifndef CAIRN_HANDLE_H
#define CAIRN_HANDLE_H

#include <stdint.h>

typedef uint32_t cairn_handle_t;

#define CAIRN_HANDLE_NONE       0u
#define CAIRN_HANDLE_INDEX_BITS 16
#define CAIRN_HANDLE_INDEX_MASK 0xffffu
#define CAIRN_HANDLE_GEN_MASK   0x7fffu

enum cairn_object_type {
    CAIRN_OBJ_NONE = 0,
    CAIRN_OBJ_THREAD = 1,
    CAIRN_OBJ_PROCESS = 2, /* a handle table and its address space */
    CAIRN_OBJ_VSPACE = 3,  /* an address space */
    CAIRN_OBJ_MEMORY = 4,  /* anonymous pages or a physical range */
    CAIRN_OBJ_ENDPOINT = 5,
    CAIRN_OBJ_NOTIFICATION = 6,
    CAIRN_OBJ_REPLY = 7,
    CAIRN_OBJ_IRQ = 8,
    CAIRN_OBJ_IOPORT = 9,
    CAIRN_OBJ_QUOTA = 10,
    CAIRN_OBJ_DEVICE_MEMORY = 11,  /* the right to make memory objects of a physical range */
    CAIRN_OBJ_IRQ_CONTROL = 12,    /* the right to claim interrupt lines (irq objects) */
    CAIRN_OBJ_IOPORT_CONTROL = 13, /* the right to make io-port range objects */
    CAIRN_OBJ_KERNEL_LOG = 14,     /* the right to read the kernel's log (cairn/log.h) */
};

#define CAIRN_OBJ_TYPE_COUNT 15

/* Rights: what a handle lets its holder do with the object. */
#define CAIRN_RIGHT_READ      (1u << 0) /* read memory, registers, state */
#define CAIRN_RIGHT_WRITE     (1u << 1) /* write memory, registers, state */
#define CAIRN_RIGHT_EXEC      (1u << 2) /* map memory executable */
#define CAIRN_RIGHT_MAP       (1u << 3) /* map memory into an address space */
#define CAIRN_RIGHT_TRANSFER  (1u << 4) /* send the handle through IPC */
#define CAIRN_RIGHT_DUPLICATE (1u << 5) /* duplicate the handle */
#define CAIRN_RIGHT_SIGNAL    (1u << 6) /* signal a notification, call an endpoint */
#define CAIRN_RIGHT_WAIT      (1u << 7) /* wait on a notification, receive on an endpoint */
#define CAIRN_RIGHT_MANAGE    (1u << 8) /* control a thread, process, irq or quota */
#define CAIRN_RIGHT_REVOKE    (1u << 9) /* revoke every handle derived from this one */

#define CAIRN_RIGHTS_ALL 0x3ffu

/* What handle_info reports about a handle. */
struct cairn_handle_info {
    uint32_t type;   /* enum cairn_object_type */
    uint32_t rights; /* CAIRN_RIGHT_* */
    uint64_t badge;  /* endpoints: the badge receivers see; else 0 */
};

#endif
