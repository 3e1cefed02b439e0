/*
 * init - the first user program. At this stage it proves that ring 3 runs
 * and that system calls work; supervision of services comes later.
 */
#include <rt/rt.h>

int main(void)
{
    rt_puts("init: hello from ring 3\n");
    return 0;
}
