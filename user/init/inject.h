/*
 * inject.h - fault injection for the system tests: each argument
 * `kill=NAME@MS` makes init kill silo NAME (process_kill, as if it had
 * crashed) MS milliseconds after the boot set is up, so that the tests
 * can watch it being restarted and its clients carrying on (the MINIX
 * way: the fault comes from outside, no service carries test code).
 */
#ifndef CAIRN_INIT_INJECT_H
#define CAIRN_INIT_INJECT_H

#include <stdbool.h>
#include <stdint.h>

#define INJECT_MAX 8

/* Records "NAME@MS"; false (nothing recorded) when it is malformed or
 * there are INJECT_MAX already. */
bool inject_add(const char *spec);

/* Starts the clocks: the boot set came up at now (clock_get time). */
void inject_arm(uint64_t now);

/* The earliest kill still to come, or UINT64_MAX. */
uint64_t inject_next(void);

/* Kills the silos whose time has come by now; logs
 * "init: test: killing NAME" (or that no such silo runs). */
void inject_due(uint64_t now);

#endif
