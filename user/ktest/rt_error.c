/*
 * rt_error.c - the runtime's names of the shared error codes
 * (rt/error.h).
 */
#include "ktest.h"
#include <cairn/error.h>
#include <limits.h>
#include <rt/error.h>
#include <string.h>

KTEST(rt_error_names_every_code_either_sign, KTEST_QUICK)
{
    EXPECT_EQ(strcmp(rt_error_name(0), "OK"), 0);
    EXPECT_EQ(strcmp(rt_error_name(-CAIRN_E_ACCESS_DENIED), "ACCESS_DENIED"), 0);
    EXPECT_EQ(strcmp(rt_error_name(CAIRN_E_ACCESS_DENIED), "ACCESS_DENIED"), 0);
    EXPECT_EQ(strcmp(rt_error_name(-CAIRN_E_RESERVED), "RESERVED"), 0);
    for (long e = 1; e < CAIRN_ERROR_COUNT; e++)
        EXPECT_TRUE(strcmp(rt_error_name(-e), "UNKNOWN") != 0);
    EXPECT_EQ(strcmp(rt_error_name(-CAIRN_ERROR_COUNT), "UNKNOWN"), 0);
    EXPECT_EQ(strcmp(rt_error_name(LONG_MIN), "UNKNOWN"), 0);
    EXPECT_EQ(strcmp(rt_error_name(LONG_MAX), "UNKNOWN"), 0);
}
