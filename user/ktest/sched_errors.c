/*
 * sched_errors.c - null, yield, clock_get, sleep, thread_create and
 * thread_exit: every documented error of thread_create at its boundary,
 * and the observable effect of each success (the thread runs with the
 * registers and argument it was promised, a yield lets another thread
 * run, a huge sleep does not wrap into a short one).
 */
#include "ktest.h"
#include "threads.h"
#include <cairn/error.h>

#define MS        1000000ull
#define USER_TOP  0x00007fffffffe000ull /* kernel/arch/x86_64/include/arch/layout.h */
#define NON_CANON 0x0000800000000000ull

void kt_signal_and_exit(void);
void kt_record_registers(void);
void kt_sleep_then_signal(void);

static uint8_t stub_stack[256] __attribute__((aligned(16)));
#define STUB_RSP ((uint64_t)(stub_stack + sizeof(stub_stack) - 16))

#define THREAD_RIGHTS                                                                              \
    (CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE | CAIRN_RIGHT_MANAGE | CAIRN_RIGHT_DUPLICATE |           \
     CAIRN_RIGHT_TRANSFER | CAIRN_RIGHT_REVOKE)

KTEST(null_ignores_its_arguments, KTEST_QUICK)
{
    EXPECT_EQ(cairn_null(), 0);
    EXPECT_EQ(ktest_syscall6(SYS_NULL, ~0ull, ~0ull, ~0ull, ~0ull, ~0ull, ~0ull), 0);
}

static volatile int yield_flag;

static void set_yield_flag(uint64_t arg)
{
    (void)arg;
    __atomic_store_n(&yield_flag, 1, __ATOMIC_RELEASE);
    kt_thread_done();
}

KTEST(yield_lets_a_thread_of_the_same_priority_run, KTEST_QUICK)
{
    yield_flag = 0;
    EXPECT_TRUE(kt_spawn(set_yield_flag, 0, RT_AFFINITY_ANY) > 0);
    int yields = 0;
    while (!__atomic_load_n(&yield_flag, __ATOMIC_ACQUIRE) && yields < 100000) {
        EXPECT_EQ(cairn_yield(), 0);
        yields++;
    }
    EXPECT_EQ(yield_flag, 1);
    kt_join(1);
}

KTEST(clock_advances, KTEST_QUICK)
{
    uint64_t start = cairn_clock_get();
    uint64_t now = start;
    for (int i = 0; i < 1000000 && now == start; i++)
        now = cairn_clock_get();
    EXPECT_TRUE(now > start);
}

static struct {
    uint64_t before, after;
    int go; /* atomic */
} clock_pair;

static void read_clock_after_go(uint64_t arg)
{
    (void)arg;
    while (!__atomic_load_n(&clock_pair.go, __ATOMIC_ACQUIRE))
        cairn_yield();
    clock_pair.after = cairn_clock_get();
    kt_thread_done();
}

KTEST(clock_is_monotonic_across_cpus, KTEST_QUICK)
{
    if (!kt_need_cpus(2))
        return;
    for (uint32_t cpu = 1; cpu < kt_cpus() && cpu < 4; cpu++) {
        kt_reset();
        clock_pair.go = 0;
        EXPECT_TRUE(kt_spawn(read_clock_after_go, 0, cpu) > 0);
        cairn_sleep(MS);
        clock_pair.before = cairn_clock_get();
        __atomic_store_n(&clock_pair.go, 1, __ATOMIC_RELEASE);
        kt_join(1);
        EXPECT_TRUE(clock_pair.after >= clock_pair.before);
    }
}

KTEST(sleep_one_nanosecond_returns, KTEST_QUICK)
{
    uint64_t start = cairn_clock_get();
    EXPECT_EQ(cairn_sleep(1), 0);
    EXPECT_TRUE(cairn_clock_get() - start >= 1);
}

/* A stub thread sleeps ns, then signals; it must not within 30 ms. The
 * thread stays asleep until the suite's process ends (nothing can wake
 * it), so its struct is static. */
static void sleep_does_not_wrap(uint64_t ns, uint64_t *args)
{
    long n = cairn_notification_create();
    args[0] = ns;
    args[1] = (uint64_t)n;
    long t = kt_thread_create((uint64_t)kt_sleep_then_signal, STUB_RSP, (uint64_t)args,
                              RT_PRIORITY_DEFAULT, RT_AFFINITY_ANY);
    EXPECT_TRUE(t > 0);
    EXPECT_ERR(cairn_notification_wait(n, 30 * MS), CAIRN_E_TIMED_OUT);
    cairn_handle_close(t);
}

KTEST(sleep_for_ever_does_not_wake_early, KTEST_QUICK)
{
    static uint64_t args[2];
    sleep_does_not_wrap(UINT64_MAX, args);
}

KTEST(sleep_for_a_century_does_not_wake_early, KTEST_QUICK)
{
    static uint64_t args[2];
    sleep_does_not_wrap(100ull * 365 * 24 * 3600 * 1000000000ull, args);
}

KTEST(sleep_wakes_a_thread_after_its_time, KTEST_QUICK)
{
    static uint64_t args[2];
    long n = cairn_notification_create();
    args[0] = 2 * MS;
    args[1] = (uint64_t)n;
    uint64_t start = cairn_clock_get();
    long t = kt_thread_create((uint64_t)kt_sleep_then_signal, STUB_RSP, (uint64_t)args,
                              RT_PRIORITY_DEFAULT, RT_AFFINITY_ANY);
    EXPECT_TRUE(t > 0);
    EXPECT_EQ(cairn_notification_wait(n, UINT64_MAX), 1);
    EXPECT_TRUE(cairn_clock_get() - start >= 2 * MS);
    cairn_handle_close(t);
    cairn_handle_close(n);
}

KTEST(thread_create_rejects_entry_at_user_top, KTEST_QUICK)
{
    EXPECT_ERR(kt_thread_create(USER_TOP, STUB_RSP, 0, 1, RT_AFFINITY_ANY), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(kt_thread_create(NON_CANON, STUB_RSP, 0, 1, RT_AFFINITY_ANY), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(kt_thread_create(~0ull, STUB_RSP, 0, 1, RT_AFFINITY_ANY), CAIRN_E_BAD_ADDRESS);
}

KTEST(thread_create_rejects_stack_above_user_top, KTEST_QUICK)
{
    uint64_t entry = (uint64_t)kt_signal_and_exit;
    EXPECT_ERR(kt_thread_create(entry, USER_TOP + 8, 0, 1, RT_AFFINITY_ANY), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(kt_thread_create(entry, NON_CANON, 0, 1, RT_AFFINITY_ANY), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(kt_thread_create(entry, ~0ull, 0, 1, RT_AFFINITY_ANY), CAIRN_E_BAD_ADDRESS);
}

KTEST(thread_create_rejects_affinity_of_an_offline_cpu, KTEST_QUICK)
{
    uint64_t entry = (uint64_t)kt_signal_and_exit;
    long n = cairn_notification_create();
    EXPECT_ERR(kt_thread_create(entry, STUB_RSP, (uint64_t)n, 1, kt_cpus()),
               CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(kt_thread_create(entry, STUB_RSP, (uint64_t)n, 1, 0xfffffffe),
               CAIRN_E_INVALID_ARGUMENT);
    /* The last CPU is a valid one. */
    long t = kt_thread_create(entry, STUB_RSP, (uint64_t)n, 1, kt_cpus() - 1);
    EXPECT_TRUE(t > 0);
    EXPECT_EQ(cairn_notification_wait(n, UINT64_MAX), 1);
    cairn_handle_close(t);
    cairn_handle_close(n);
}

KTEST(thread_create_priority_up_to_the_callers_own, KTEST_QUICK)
{
    uint64_t entry = (uint64_t)kt_signal_and_exit;
    long n = cairn_notification_create();
    EXPECT_ERR(
        kt_thread_create(entry, STUB_RSP, (uint64_t)n, RT_PRIORITY_DEFAULT + 1, RT_AFFINITY_ANY),
        CAIRN_E_ACCESS_DENIED);
    EXPECT_ERR(kt_thread_create(entry, STUB_RSP, (uint64_t)n, 63, RT_AFFINITY_ANY),
               CAIRN_E_ACCESS_DENIED);
    EXPECT_ERR(kt_thread_create(entry, STUB_RSP, (uint64_t)n, 64, RT_AFFINITY_ANY),
               CAIRN_E_INVALID_ARGUMENT);
    long t = kt_thread_create(entry, STUB_RSP, (uint64_t)n, RT_PRIORITY_DEFAULT, RT_AFFINITY_ANY);
    EXPECT_TRUE(t > 0);
    EXPECT_EQ(cairn_notification_wait(n, UINT64_MAX), 1);
    cairn_handle_close(t);
    cairn_handle_close(n);
}

KTEST(thread_create_lowest_priority_runs_when_the_cpu_is_free, KTEST_QUICK)
{
    long n = cairn_notification_create();
    long t =
        kt_thread_create((uint64_t)kt_signal_and_exit, STUB_RSP, (uint64_t)n, 0, RT_AFFINITY_ANY);
    EXPECT_TRUE(t > 0);
    EXPECT_EQ(cairn_notification_wait(n, UINT64_MAX), 1);
    cairn_handle_close(t);
    cairn_handle_close(n);
}

KTEST(thread_create_gives_a_thread_handle, KTEST_QUICK)
{
    struct cairn_handle_info info;
    long n = cairn_notification_create();
    long t =
        kt_thread_create((uint64_t)kt_signal_and_exit, STUB_RSP, (uint64_t)n, 1, RT_AFFINITY_ANY);
    EXPECT_TRUE(t > 0);
    EXPECT_EQ(cairn_handle_info(t, &info), 0);
    EXPECT_EQ(info.type, CAIRN_OBJ_THREAD);
    EXPECT_EQ(info.rights, THREAD_RIGHTS);
    EXPECT_EQ(info.badge, 0);
    EXPECT_EQ(cairn_notification_wait(n, UINT64_MAX), 1);
    cairn_handle_close(t);
    cairn_handle_close(n);
}

static volatile uint64_t seen_arg;

static void record_arg(uint64_t arg)
{
    seen_arg = arg;
    kt_thread_done();
}

KTEST(thread_create_passes_its_argument, KTEST_QUICK)
{
    seen_arg = 0;
    EXPECT_TRUE(kt_spawn(record_arg, 0xfedcba9876543210ull, RT_AFFINITY_ANY) > 0);
    kt_join(1);
    EXPECT_EQ(seen_arg, 0xfedcba9876543210ull);
}

KTEST(thread_create_starts_with_clean_registers, KTEST_QUICK)
{
    static struct {
        uint64_t others, rflags, rsp, done;
    } regs;
    regs.done = 0;
    long t = kt_thread_create((uint64_t)kt_record_registers, STUB_RSP, (uint64_t)&regs, 1,
                              RT_AFFINITY_ANY);
    EXPECT_TRUE(t > 0);
    for (int i = 0; i < 2000 && !__atomic_load_n(&regs.done, __ATOMIC_ACQUIRE); i++)
        cairn_sleep(MS);
    EXPECT_EQ(regs.done, 1);
    EXPECT_EQ(regs.others, 0);
    EXPECT_EQ(regs.rsp, STUB_RSP);
    EXPECT_EQ(regs.rflags & 0x200, 0x200); /* IF */
    EXPECT_EQ(regs.rflags & 0x100, 0);     /* no single-stepping */
    EXPECT_EQ(regs.rflags & 0x3000, 0);    /* IOPL 0 */
    cairn_handle_close(t);
}

static volatile int pinged;

static void exit_at_once(uint64_t arg)
{
    (void)arg;
    kt_thread_done();
}

static void answer_ping(uint64_t notification)
{
    EXPECT_EQ(cairn_notification_wait((cairn_handle_t)notification, UINT64_MAX), 1);
    pinged = 1;
    kt_thread_done();
}

KTEST(thread_exit_leaves_the_other_threads_running, KTEST_QUICK)
{
    long n = cairn_notification_create();
    pinged = 0;
    EXPECT_TRUE(kt_spawn(answer_ping, (uint64_t)n, RT_AFFINITY_ANY) > 0);
    EXPECT_TRUE(kt_spawn(exit_at_once, 0, RT_AFFINITY_ANY) > 0);
    cairn_sleep(2 * MS);
    EXPECT_EQ(pinged, 0);
    EXPECT_EQ(cairn_notification_signal(n, 1), 0);
    kt_join(2);
    EXPECT_EQ(pinged, 1);
    cairn_handle_close(n);
}

KTEST(thread_handle_outlives_the_thread, KTEST_QUICK)
{
    struct cairn_handle_info info;
    long t = kt_spawn(exit_at_once, 0, RT_AFFINITY_ANY);
    EXPECT_TRUE(t > 0);
    kt_join(1);
    EXPECT_EQ(cairn_handle_info(t, &info), 0);
    EXPECT_EQ(info.type, CAIRN_OBJ_THREAD);
    long dup = cairn_handle_duplicate(t, CAIRN_RIGHT_READ);
    EXPECT_TRUE(dup > 0);
    EXPECT_EQ(cairn_handle_close(dup), 0);
    EXPECT_EQ(cairn_handle_close(t), 0);
}

static void signal_my_cpu_bit(uint64_t arg)
{
    uint64_t n = arg & 0xffffffffu, cpu = arg >> 32;
    cairn_notification_signal((cairn_handle_t)n, 1ull << cpu);
    kt_thread_done();
}

KTEST(thread_create_runs_on_every_cpu, KTEST_QUICK)
{
    long n = cairn_notification_create();
    unsigned cpus = kt_cpus() < KT_MAX_THREADS ? kt_cpus() : KT_MAX_THREADS;
    uint64_t want = (cpus == 64 ? 0 : 1ull << cpus) - 1, got = 0;
    for (unsigned cpu = 0; cpu < cpus; cpu++)
        EXPECT_TRUE(kt_spawn(signal_my_cpu_bit, (uint64_t)cpu << 32 | (uint64_t)n, cpu) > 0);
    while (got != want) {
        long bits = cairn_notification_wait(n, 5000 * MS);
        if (bits < 0)
            break;
        got |= (uint64_t)bits;
    }
    EXPECT_EQ(got, want);
    kt_join((int)cpus);
    cairn_handle_close(n);
}

static uint64_t slept[KT_MAX_THREADS];

static void sleep_3ms(uint64_t index)
{
    uint64_t start = cairn_clock_get();
    cairn_sleep(3 * MS);
    slept[index] = cairn_clock_get() - start;
    kt_thread_done();
}

KTEST(sleep_on_every_cpu_lasts_its_time, KTEST_QUICK)
{
    unsigned cpus = kt_cpus() < KT_MAX_THREADS ? kt_cpus() : KT_MAX_THREADS;
    for (unsigned cpu = 0; cpu < cpus; cpu++) {
        slept[cpu] = 0;
        EXPECT_TRUE(kt_spawn(sleep_3ms, cpu, cpu) > 0);
    }
    kt_join((int)cpus);
    for (unsigned cpu = 0; cpu < cpus; cpu++)
        EXPECT_TRUE(slept[cpu] >= 3 * MS);
}

static void sleep_varied(uint64_t index)
{
    uint64_t shortest = UINT64_MAX;
    bool early = false;
    for (uint64_t i = 0; i < 100; i++) {
        uint64_t ns = ((index * 7 + i * 13) % 20 + 1) * 100000; /* 0.1 to 2 ms */
        uint64_t start = cairn_clock_get();
        cairn_sleep(ns);
        uint64_t took = cairn_clock_get() - start;
        early |= took < ns;
        shortest = took < shortest ? took : shortest;
    }
    slept[index] = early ? 0 : shortest;
    kt_thread_done();
}

/* Many sleepers per CPU with interleaved deadlines: none wakes early. */
KTEST(sleepers_on_every_cpu_never_wake_early, KTEST_FULL)
{
    for (unsigned i = 0; i < KT_MAX_THREADS; i++) {
        slept[i] = 0;
        EXPECT_TRUE(kt_spawn(sleep_varied, i, i % kt_cpus()) > 0);
    }
    kt_join(KT_MAX_THREADS);
    for (unsigned i = 0; i < KT_MAX_THREADS; i++)
        EXPECT_TRUE(slept[i] >= 100000);
}

static volatile int low_ran;

static void mark_low_ran(uint64_t arg)
{
    (void)arg;
    low_ran = 1;
    kt_thread_done();
}

/* yield gives the CPU to threads of the same or a higher priority only.
 * With one CPU the main thread and the helper must share it; with more,
 * an idle CPU would run the helper at once, so there is nothing to see. */
KTEST(yield_does_not_run_a_lower_priority_thread, KTEST_QUICK)
{
    if (kt_cpus() != 1) {
        rt_printf("ktest: skipped: needs exactly 1 CPU, %u online\n", kt_cpus());
        return;
    }
    static uint8_t stack[4096] __attribute__((aligned(16)));
    low_ran = 0;
    long t = rt_thread_start(mark_low_ran, 0, stack, sizeof(stack), 1, RT_AFFINITY_ANY);
    EXPECT_TRUE(t > 0);
    for (int i = 0; i < 1000; i++)
        cairn_yield();
    EXPECT_EQ(low_ran, 0);
    kt_join(1); /* sleeps: now it runs */
    EXPECT_EQ(low_ran, 1);
    cairn_handle_close(t);
}

static volatile int keep_running;
static volatile int still_running;

static void run_until_told(uint64_t arg)
{
    (void)arg;
    while (__atomic_load_n(&keep_running, __ATOMIC_ACQUIRE)) {
        still_running = 1;
        cairn_sleep(MS);
    }
    kt_thread_done();
}

KTEST(closing_a_thread_handle_does_not_stop_the_thread, KTEST_QUICK)
{
    keep_running = 1;
    long t = kt_spawn(run_until_told, 0, RT_AFFINITY_ANY);
    EXPECT_TRUE(t > 0);
    EXPECT_EQ(cairn_handle_close(t), 0);
    cairn_sleep(3 * MS);
    still_running = 0;
    cairn_sleep(5 * MS);
    EXPECT_EQ(still_running, 1);
    __atomic_store_n(&keep_running, 0, __ATOMIC_RELEASE);
    kt_join(1);
}
