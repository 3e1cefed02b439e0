/*
 * spawntest.h - what the ktest spawn cases (user/ktest/spawn.c) and the
 * program they spawn (bin/spawntest) agree on.
 */
#ifndef CAIRN_SPAWNTEST_H
#define CAIRN_SPAWNTEST_H

/* The auxiliary-vector key of the test's notification: a value no
 * CAIRN_AT_* key uses, so only this test hands anything under it. */
#define SPAWNTEST_AT_NOTIFY 0x1fff
/* The bit the child signals on that notification once it has checked its
 * start-up block. */
#define SPAWNTEST_BIT 0x10
/* The exit status when every check passed; a failed check N exits with
 * 100 + N instead. */
#define SPAWNTEST_PASSED 42

#endif
