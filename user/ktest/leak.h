/*
 * leak.h - checking that kernel memory is back where it was (defined in
 * resources.c): compare system_info snapshots taken while the system is
 * otherwise quiet.
 */
#ifndef CAIRN_KTEST_LEAK_H
#define CAIRN_KTEST_LEAK_H

#include <cairn/system.h>
#include <stdbool.h>

/* Whether two snapshots show the same frames in use and heap bytes. */
bool kt_same_memory(const struct cairn_system_info *a, const struct cairn_system_info *b);

/* Waits up to about 200 ms (dead threads and objects are reaped a moment
 * later) for memory to be as in before; false if it never is. */
bool kt_memory_back_to(const struct cairn_system_info *before);

#endif
