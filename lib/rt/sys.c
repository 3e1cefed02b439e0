/*
 * sys.c - system-call wrappers (see rt/sys.h).
 */
#include <cairn/syscall.h>
#include <rt/sys.h>

static long syscall2(long number, long a, long b)
{
    long ret;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(number), "D"(a), "S"(b) : "rcx", "r11", "memory");
    return ret;
}

long sys_debug_write(const void *buf, size_t len)
{
    return syscall2(SYS_DEBUG_WRITE, (long)buf, (long)len);
}

void sys_exit(int status)
{
    syscall2(SYS_EXIT, status, 0);
    __builtin_unreachable();
}

long rt_puts(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return sys_debug_write(s, n);
}
