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
    CAIRN_E_INVALID_SYSCALL = 1, /* no system call has that number */
    CAIRN_E_INVALID_ARGUMENT = 2, /* an argument is out of its documented range */
    CAIRN_E_BAD_ADDRESS = 3,     /* a user pointer is outside user space or not mapped */
    CAIRN_E_TOO_LARGE = 4,       /* a length exceeds the call's limit */
    CAIRN_E_NO_MEMORY = 5,       /* the kernel could not allocate memory for the call */
};

#endif
