/*
 * exit.c - ending the program: exit, _Exit, abort, assert's failure path
 * (see stdlib.h and assert.h).
 */
#include <assert.h>
#include <rt/rt.h>
#include <stdio.h>
#include <stdlib.h>

void _Exit(int status)
{
    cairn_exit(status);
    __builtin_unreachable();
}

void exit(int status)
{
    _Exit(status);
}

void abort(void)
{
    fprintf(stderr, "%s: aborted\n", rt_program_name());
    _Exit(EXIT_ABORTED);
}

void __assert_fail(const char *expr, const char *file, unsigned line, const char *func)
{
    fprintf(stderr, "%s: assertion failed: %s (%s:%u, in %s)\n", rt_program_name(), expr, file,
            line, func);
    abort();
}
