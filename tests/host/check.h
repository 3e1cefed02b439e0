/*
 * check.h - the tiny assertion kit every host unit test uses.
 *
 * A failed CHECK prints where it failed and what it expected versus what it
 * got, counts the failure and carries on, so one run reports every broken
 * behaviour. CHECK_DONE() prints "<test>: N passed, N failed" and returns the
 * process exit status (0 only when nothing failed).
 */
#ifndef CAIRN_TESTS_HOST_CHECK_H
#define CAIRN_TESTS_HOST_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int check_passed;
static int check_failed;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (cond) {                                                                                \
            check_passed++;                                                                        \
        } else {                                                                                   \
            check_failed++;                                                                        \
            fprintf(stderr, "%s:%d: FAIL: expected %s\n", __FILE__, __LINE__, #cond);              \
        }                                                                                          \
    } while (0)

#define CHECK_EQ(got, expected)                                                                    \
    do {                                                                                           \
        long long check_g_ = (long long)(got), check_e_ = (long long)(expected);                   \
        if (check_g_ == check_e_) {                                                                \
            check_passed++;                                                                        \
        } else {                                                                                   \
            check_failed++;                                                                        \
            fprintf(stderr, "%s:%d: FAIL: %s: expected %lld, got %lld\n", __FILE__, __LINE__,      \
                    #got, check_e_, check_g_);                                                     \
        }                                                                                          \
    } while (0)

#define CHECK_STR(got, expected)                                                                   \
    do {                                                                                           \
        const char *check_g_ = (got), *check_e_ = (expected);                                      \
        if (check_g_ && strcmp(check_g_, check_e_) == 0) {                                         \
            check_passed++;                                                                        \
        } else {                                                                                   \
            check_failed++;                                                                        \
            fprintf(stderr, "%s:%d: FAIL: %s: expected \"%s\", got \"%s\"\n", __FILE__, __LINE__,  \
                    #got, check_e_, check_g_ ? check_g_ : "(null)");                               \
        }                                                                                          \
    } while (0)

#define CHECK_DONE(name)                                                                           \
    (printf("%s: %d passed, %d failed\n", (name), check_passed, check_failed), check_failed != 0)

#endif
