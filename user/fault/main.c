/*
 * fault - a test program that faults on purpose, to show that a user fault
 * kills only the faulting process. `fault KIND` with KIND one of:
 *   null  read through a null pointer (page fault)
 *   gp    execute a privileged instruction (general protection fault)
 *   ud    execute an undefined opcode (invalid opcode)
 *   div   divide by zero (divide error)
 */
#include <rt/rt.h>

static int same(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

int main(int argc, char **argv)
{
    const char *kind = argc > 1 ? argv[1] : "";

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
