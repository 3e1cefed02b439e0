/*
 * svctest.h - the test silo of the service system tests: one program,
 * started by init from the test sets' manifests (silos/), whose first
 * argument picks what it does. Each check that fails prints
 * "svctest: MODE: FAIL: ..." with what it expected and what it got; a
 * mode that passes prints "svctest: MODE: ok ..." once.
 */
#ifndef CAIRN_SVCTEST_H
#define CAIRN_SVCTEST_H

#include <cairn/handle.h>
#include <stdbool.h>
#include <stdint.h>

/* Records a check: false (and a FAIL line) when got != expected. */
bool check(const char *mode, const char *what, long got, long expected);

/* The number of failed checks so far. */
extern unsigned check_failures;

/* The clock (clock_get) when main began. */
extern uint64_t svctest_started_ns;

/* The modes. Each returns the exit status. */
int mode_privilege(void);
int mode_granted(void);
int mode_isolation(void);
int mode_peer(void);
int mode_secret(void);
int mode_read_only(void);
int mode_reader(void);
int mode_hostile(void);
int mode_recovery(void);
int mode_stall(void);
int mode_giveup(void);
int mode_watcher(void);
int mode_logdown(const char *silo);

#endif
