/*
 * cairn/error.h - the error codes shared by the kernel and user space.
 *
 * System calls return a non-negative result on success and the negated
 * code on failure. Values are ABI: append, never renumber.
 */
#ifndef CAIRN_ERROR_H
#define CAIRN_ERROR_H

enum cairn_error {
    CAIRN_OK = 0,
    CAIRN_E_INVALID_SYSCALL = 1,  /* no system call has that number */
    CAIRN_E_INVALID_ARGUMENT = 2, /* an argument is out of its documented range */
    CAIRN_E_BAD_ADDRESS = 3,      /* a user pointer is outside user space or not mapped */
    CAIRN_E_TOO_LARGE = 4,        /* a length exceeds the call's limit */
    CAIRN_E_NO_MEMORY = 5,        /* the kernel could not allocate memory for the call */
    CAIRN_E_BAD_HANDLE = 6,       /* the handle was never valid here, or was closed (stale) */
    CAIRN_E_REVOKED = 7,          /* the handle was valid but a revoke invalidated it */
    CAIRN_E_WRONG_TYPE = 8,       /* the handle names an object of another type */
    CAIRN_E_ACCESS_DENIED = 9,    /* the handle lacks a right the call needs */
    CAIRN_E_NO_HANDLES = 10,      /* the process's handle table is full */
    CAIRN_E_QUOTA = 11,           /* the process's kernel-memory quota is exhausted */
    CAIRN_E_TIMED_OUT = 12,       /* the deadline passed first */
    CAIRN_E_PEER_DEAD = 13,       /* the other side of an IPC is gone */
    CAIRN_E_WOULD_BLOCK = 14,     /* a non-blocking call found nothing to do */
    CAIRN_E_BUSY = 15,            /* the object is in a state that forbids the call */
    CAIRN_E_NOT_FOUND = 16,       /* nothing by that name or at that address */
    CAIRN_E_NOT_SUPPORTED = 17,   /* the machine or object cannot do that */
    CAIRN_E_RESERVED = 18,        /* the kernel keeps that line, port or physical range */
};

#define CAIRN_ERROR_COUNT 19

#endif
