/*
 * fault - a test program that faults on purpose, to show that a user fault
 * kills only the faulting process. `fault KIND` with KIND one of:
 *   null  read through a null pointer (page fault)
 *   gp    execute a privileged instruction (general protection fault)
 *   ud    execute an undefined opcode (invalid opcode)
 *   div   divide by zero (divide error)
 * and one kind that must NOT fault:
 *   badargs  pass bad pointers, lengths and numbers to system calls; each
 *            must fail with its specific error and the program goes on
 */
#include <cairn/error.h>
#include <cairn/syscall.h>
#include <rt/sys.h>

static int same(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

static long raw_syscall(long number, long a, long b)
{
    long ret;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(number), "D"(a), "S"(b) : "rcx", "r11", "memory");
    return ret;
}

static int expect(const char *what, long got, long want)
{
    if (got == want)
        return 0;
    rt_puts("fault: FAILED: ");
    rt_puts(what);
    rt_puts("\n");
    return 1;
}

static int bad_arguments(void)
{
    int failures = 0;
    failures += expect("kernel pointer", sys_debug_write((void *)0xffff800000000000ul, 8),
                       -CAIRN_E_BAD_ADDRESS);
    failures +=
        expect("unmapped pointer", sys_debug_write((void *)0x1000, 8), -CAIRN_E_BAD_ADDRESS);
    failures += expect("range wrapping past the top of user space",
                       sys_debug_write((void *)0x00007ffffffff000ul, 0x10000), -CAIRN_E_TOO_LARGE);
    failures += expect("range crossing into the kernel",
                       sys_debug_write((void *)0x00007fffffffff00ul, 0x1000), -CAIRN_E_BAD_ADDRESS);
    failures += expect("oversized length", sys_debug_write("x", SYS_DEBUG_WRITE_MAX + 1),
                       -CAIRN_E_TOO_LARGE);
    failures += expect("zero length", sys_debug_write((void *)0x1000, 0), 0);
    failures += expect("unknown system call", raw_syscall(12345, 0, 0), -CAIRN_E_INVALID_SYSCALL);
    failures += expect("negative system call", raw_syscall(-1, 0, 0), -CAIRN_E_INVALID_SYSCALL);
    if (failures == 0)
        rt_puts("fault: bad system-call arguments rejected\n");
    return failures;
}

int main(int argc, char **argv)
{
    const char *kind = argc > 1 ? argv[1] : "";

    if (same(kind, "badargs"))
        return bad_arguments();
    rt_puts("fault: about to fault: ");
    rt_puts(kind);
    rt_puts("\n");
    if (same(kind, "null"))
        return *(volatile int *)0;
    if (same(kind, "gp"))
        __asm__ volatile("cli");
    if (same(kind, "ud"))
        __asm__ volatile("ud2");
    if (same(kind, "div")) {
        unsigned zero = 0, quotient, remainder;
        __asm__ volatile("divl %2" : "=a"(quotient), "=d"(remainder) : "r"(zero), "a"(1), "d"(0));
    }
    rt_puts("fault: unknown kind (null, gp, ud, div); exiting without a fault\n");
    return 1;
}
