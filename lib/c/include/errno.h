/*
 * errno.h - the error numbers the C library sets (Linux's values, so they
 * read the same anywhere). Cairn's own calls return enum cairn_error
 * (<cairn/error.h>) instead and leave errno alone.
 *
 * errno is per thread: it lives in the calling thread's block
 * (<rt/thread.h>), so a thread sees only the values its own calls set. A
 * thread the runtime did not start must call rt_thread_attach first.
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

/* The calling thread's errno. */
int *__errno_location(void) __attribute__((const));
#define errno (*__errno_location())

#endif
