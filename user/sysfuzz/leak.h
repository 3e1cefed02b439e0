/*
 * leak.h - whether the kernel's memory is back where it was: system_info
 * snapshots compared once the fuzzer has closed everything it made.
 */
#ifndef CAIRN_SYSFUZZ_LEAK_H
#define CAIRN_SYSFUZZ_LEAK_H

#include <cairn/system.h>
#include <stdbool.h>

/* Waits (up to a few seconds: dead threads and objects are reaped a moment
 * after their end) for memory to be as in before; prints `sysfuzz: no
 * leak` or `sysfuzz: LEAK ...` with the figures, and returns true for no
 * leak. */
bool leak_check(const struct cairn_system_info *before);

#endif
