/*
 * sched.c - time and the CPU: clock, sleep, yield.
 */
#include "ktest.h"

#define MS 1000000ull

KTEST(clock_is_monotonic, KTEST_QUICK)
{
    uint64_t last = cairn_clock_get();
    for (int i = 0; i < 1000; i++) {
        uint64_t now = cairn_clock_get();
        EXPECT_TRUE(now >= last);
        last = now;
    }
}

KTEST(sleep_lasts_at_least_its_time, KTEST_QUICK)
{
    static const uint64_t durations[] = {1 * MS, 10 * MS, 25 * MS};
    for (unsigned i = 0; i < sizeof(durations) / sizeof(durations[0]); i++) {
        uint64_t start = cairn_clock_get();
        EXPECT_EQ(cairn_sleep(durations[i]), 0);
        EXPECT_TRUE(cairn_clock_get() - start >= durations[i]);
    }
}

KTEST(sleep_zero_and_yield_return_at_once, KTEST_QUICK)
{
    EXPECT_EQ(cairn_sleep(0), 0);
    for (int i = 0; i < 100; i++)
        EXPECT_EQ(cairn_yield(), 0);
}
