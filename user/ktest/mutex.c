/*
 * mutex.c - the runtime's mutex (lib/rt/mutex.c): mutual exclusion among
 * threads on every CPU, trylock, and progress when the holder has a lower
 * priority than a waiter on the same CPU (the waiter's naps let it run).
 */
#include "ktest.h"
#include "threads.h"

#include <rt/mutex.h>

#define COUNTERS   4
#define INCREMENTS 20000
#define MS         1000000ull

static struct rt_mutex counter_lock = RT_MUTEX_INIT;
static uint64_t counter; /* counter_lock */

static void count_under_lock(uint64_t unused)
{
    (void)unused;
    for (int i = 0; i < INCREMENTS; i++) {
        rt_mutex_lock(&counter_lock);
        /* A read, a pause and a write: lost updates if two threads overlap. */
        uint64_t v = *(volatile uint64_t *)&counter;
        __builtin_ia32_pause();
        *(volatile uint64_t *)&counter = v + 1;
        rt_mutex_unlock(&counter_lock);
    }
    kt_thread_done();
}

KTEST(mutex_excludes_threads_on_every_cpu, KTEST_QUICK)
{
    counter = 0;
    for (int i = 0; i < COUNTERS; i++)
        EXPECT_TRUE(kt_spawn(count_under_lock, 0, RT_AFFINITY_ANY) > 0);
    kt_join(COUNTERS);
    EXPECT_EQ(counter, (uint64_t)COUNTERS * INCREMENTS);
}

KTEST(mutex_trylock_fails_while_held, KTEST_QUICK)
{
    struct rt_mutex m = RT_MUTEX_INIT;
    EXPECT_TRUE(rt_mutex_trylock(&m));
    EXPECT_TRUE(!rt_mutex_trylock(&m));
    rt_mutex_unlock(&m);
    EXPECT_TRUE(rt_mutex_trylock(&m));
    rt_mutex_unlock(&m);
    rt_mutex_lock(&m);
    EXPECT_TRUE(!rt_mutex_trylock(&m));
    rt_mutex_unlock(&m);
}

static struct rt_mutex shared_lock = RT_MUTEX_INIT;
static volatile int low_holds, low_done, high_done;
static uint8_t low_stack[8192] __attribute__((aligned(16)));
static uint8_t high_stack[8192] __attribute__((aligned(16)));

/* Takes the lock and works for a while without a system call. */
static void low_holder(uint64_t unused)
{
    (void)unused;
    rt_mutex_lock(&shared_lock);
    low_holds = 1;
    for (volatile int i = 0; i < 2000000; i++)
        ;
    rt_mutex_unlock(&shared_lock);
    low_done = 1;
    cairn_thread_exit();
}

static void high_waiter(uint64_t unused)
{
    (void)unused;
    rt_mutex_lock(&shared_lock);
    rt_mutex_unlock(&shared_lock);
    high_done = 1;
    cairn_thread_exit();
}

/* A waiter of higher priority on the holder's CPU: yielding alone would
 * never run the holder again; the waiter's naps do. */
KTEST(mutex_holder_of_lower_priority_on_the_same_cpu_gets_to_release, KTEST_QUICK)
{
    low_holds = low_done = high_done = 0;
    long low = rt_thread_start(low_holder, 0, low_stack, sizeof(low_stack), 1, 0);
    EXPECT_TRUE(low > 0);
    for (int i = 0; i < 5000 && !low_holds; i++)
        cairn_sleep(MS);
    EXPECT_EQ(low_holds, 1);
    long high =
        rt_thread_start(high_waiter, 0, high_stack, sizeof(high_stack), RT_PRIORITY_DEFAULT, 0);
    EXPECT_TRUE(high > 0);
    for (int i = 0; i < 20000 && !(high_done && low_done); i++)
        cairn_sleep(MS);
    EXPECT_EQ(high_done, 1);
    EXPECT_EQ(low_done, 1);
    cairn_sleep(2 * MS); /* let their thread_exit calls finish */
    cairn_handle_close((cairn_handle_t)low);
    cairn_handle_close((cairn_handle_t)high);
}
