/*
 * errno.h - the error numbers the C library sets (Linux's values, so they
 * read the same anywhere). Cairn's own calls return enum cairn_error
 * (<cairn/error.h>) instead and leave errno alone.
 *
 * errno is one variable for the whole process, not one per thread (the
 * runtime has no thread-local storage yet): read it only where a single
 * thread makes the calls that set it, or serialise them.
 */
#ifndef CAIRN_LIBC_ERRNO_H
#define CAIRN_LIBC_ERRNO_H

#define EPERM     1
#define ENOENT    2
#define EIO       5
#define EBADF     9
#define EAGAIN    11
#define ENOMEM    12
#define EACCES    13
#define EFAULT    14
#define EBUSY     16
#define EEXIST    17
#define EINVAL    22
#define ENOSPC    28
#define EDOM      33
#define ERANGE    34
#define ENOSYS    38
#define ENOTSUP   95
#define ETIMEDOUT 110

extern int errno;

#endif
