/*
 * hello.c - an ordinary Linux program, built with `musl-gcc -static` and
 * run unmodified on Cairn through the foreign-ABI hook (docs/linux.md).
 * It uses what a static musl start-up and stdio really do: set_tid_address,
 * arch_prctl(ARCH_SET_FS) for TLS, ioctl(TIOCGWINSZ) on stdout, writev,
 * and exit_group.
 */
#include <stdio.h>

int main(int argc, char **argv)
{
    printf("hello from linux: argc=%d argv[0]=%s\n", argc, argc > 0 ? argv[0] : "(none)");
    return 0;
}
