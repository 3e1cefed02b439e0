/*
 * errno.c - where each thread's errno is, and the text for each value
 * (see errno.h).
 */
#include <errno.h>
#include <rt/thread.h>
#include <string.h>

int *__errno_location(void)
{
    return &rt_thread_self()->err;
}

struct errno_text {
    int value;
    const char *text;
};

static const struct errno_text errno_texts[] = {
    {0, "Success"},
    {EPERM, "Operation not permitted"},
    {ENOENT, "No such file or directory"},
    {EIO, "Input/output error"},
    {EBADF, "Bad file descriptor"},
    {EAGAIN, "Resource temporarily unavailable"},
    {ENOMEM, "Cannot allocate memory"},
    {EACCES, "Permission denied"},
    {EFAULT, "Bad address"},
    {EBUSY, "Device or resource busy"},
    {EEXIST, "File exists"},
    {EINVAL, "Invalid argument"},
    {ENOSPC, "No space left on device"},
    {EDOM, "Numerical argument out of domain"},
    {ERANGE, "Numerical result out of range"},
    {ENOSYS, "Function not implemented"},
    {ENOTSUP, "Operation not supported"},
    {ETIMEDOUT, "Connection timed out"},
};

char *strerror(int err)
{
    for (size_t i = 0; i < sizeof(errno_texts) / sizeof(errno_texts[0]); i++) {
        if (errno_texts[i].value == err)
            return (char *)errno_texts[i].text;
    }
    return (char *)"Unknown error";
}
