/*
 * inject.h - fault injection for the system tests: each argument
 * `kill=NAME@MS` makes init kill silo NAME (process_kill, as if it had
 * crashed) MS milliseconds after the boot set is up, so that the tests
 * can watch it being restarted and its clients carrying on (the MINIX
 * way: the fault comes from outside, no service carries test code);
 * `stop=NAME@MS` suspends its main thread instead (thread_control), as if
 * it hung: it takes no more calls, and those it had taken are never
 * answered.
 */
#ifndef CAIRN_INIT_INJECT_H
#define CAIRN_INIT_INJECT_H

#include <stdbool.h>
#include <stdint.h>

#define INJECT_MAX 8

enum inject_kind {
    INJECT_KILL = 0, /* kill=NAME@MS */
    INJECT_STOP = 1, /* stop=NAME@MS */
};

/* Records "NAME@MS" for kind; false (nothing recorded) when it is
 * malformed or there are INJECT_MAX already. */
bool inject_add(const char *spec, enum inject_kind kind);

/* Starts the clocks: the boot set came up at now (clock_get time). */
void inject_arm(uint64_t now);

/* The earliest kill still to come, or UINT64_MAX. */
uint64_t inject_next(void);

/* Kills or stops the silos whose time has come by now; logs
 * "init: test: killing NAME" or "init: test: stopping NAME" (or that no
 * such silo runs). */
void inject_due(uint64_t now);

#endif
