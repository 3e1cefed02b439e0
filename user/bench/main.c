/*
 * bench - the in-guest microbenchmarks, run as a boot program:
 * `bench MODE [NAME...]`. MODE is the unit the TSC counts in under this
 * QEMU, `insns` (-icount) or `ticks`, and is only printed; the NAMEs pick
 * benchmarks (default: all, in the order of the benches section). Prints
 * one BENCH line per benchmark (see bench.h) and "bench: done" last;
 * tools/bench.py (make bench) waits for that line.
 *
 * The main thread may run on any CPU and there is no call to pin it, so
 * the benchmarks run in a runner thread pinned to BENCH_CPU while main
 * waits for it on a notification. The runner takes over the initial
 * thread's block (FS base RT_MAIN_THREAD_BLOCK, <rt/thread.h>) while main
 * only waits in a system call: so it measures IPC as a program's initial
 * thread makes it, with the FS base every native program's initial thread
 * has (the kernel skips the FS base write between two of them).
 */
#include "bench.h"

#define RUNNER_STACK_SIZE 65536

extern const struct bench *const __start_benches[], *const __stop_benches[];

/* What the runner is asked to do and what it found; main reads failed
 * only after the runner's signal on done. */
struct run {
    const char *unit;
    int count; /* of names; 0: every benchmark */
    char **names;
    long done;  /* notification the runner signals when finished */
    int failed; /* benchmarks that printed an error */
};

static uint8_t runner_stack[RUNNER_STACK_SIZE] __attribute__((aligned(16)));
static long runner_handle; /* atomic: 0 until main has stored it */

long bench_runner_thread(void)
{
    long h;
    while (!(h = __atomic_load_n(&runner_handle, __ATOMIC_ACQUIRE)))
        cairn_yield();
    return h;
}

static const struct bench *bench_find(const char *name)
{
    for (const struct bench *const *entry = __start_benches; entry < __stop_benches; entry++) {
        if (rt_strcmp((*entry)->name, name) == 0)
            return *entry;
    }
    return 0;
}

/* True when no names were given or b is one of them. */
static bool bench_selected(const struct bench *b, int count, char **names)
{
    if (count == 0)
        return true;
    for (int i = 0; i < count; i++) {
        if (rt_strcmp(b->name, names[i]) == 0)
            return true;
    }
    return false;
}

/* Checks every name before anything runs, so a typo costs no run time. */
static bool names_known(int count, char **names)
{
    bool known = true;
    for (int i = 0; i < count; i++) {
        if (!bench_find(names[i])) {
            rt_printf("bench: error: no benchmark named \"%s\"\n", names[i]);
            known = false;
        }
    }
    return known;
}

/* The runner thread: runs the selected benchmarks in order, then signals
 * run->done. */
static void run_benchmarks(uint64_t arg)
{
    struct run *run = (struct run *)arg;
    for (const struct bench *const *entry = __start_benches; entry < __stop_benches; entry++) {
        if (bench_selected(*entry, run->count, run->names) && !bench_run(*entry, run->unit))
            run->failed++;
    }
    long got = cairn_notification_signal(run->done, 1);
    if (got != 0)
        rt_printf("bench: error: cairn_notification_signal() returned %ld\n", got);
    cairn_thread_exit();
}

/* Runs the benchmarks of *run on a runner thread and waits for it.
 * Returns false, having printed an error line, when that failed. */
static bool run_on_runner(struct run *run)
{
    run->done = cairn_notification_create();
    if (run->done < 0) {
        rt_printf("bench: error: cairn_notification_create() returned %ld\n", run->done);
        return false;
    }
    /* As if run_benchmarks had been called: RSP + 8 is 16-byte aligned. */
    const struct cairn_thread_params params = {
        .entry = (uint64_t)run_benchmarks,
        .stack = (uint64_t)runner_stack + RUNNER_STACK_SIZE - 8,
        .arg = (uint64_t)run,
        .fs_base = RT_MAIN_THREAD_BLOCK,
        .priority = BENCH_PRIORITY,
        .affinity = BENCH_CPU,
    };
    long runner = cairn_thread_create(CAIRN_PROCESS_SELF, &params);
    if (runner < 0) {
        rt_printf("bench: error: cairn_thread_create() returned %ld\n", runner);
        return false;
    }
    __atomic_store_n(&runner_handle, runner, __ATOMIC_RELEASE);
    long got = cairn_notification_wait(run->done, UINT64_MAX);
    if (got < 0) {
        rt_printf("bench: error: cairn_notification_wait() returned %ld\n", got);
        return false;
    }
    cairn_handle_close(runner);
    cairn_handle_close(run->done);
    return true;
}

int main(int argc, char **argv)
{
    if (argc < 2 || (rt_strcmp(argv[1], "insns") != 0 && rt_strcmp(argv[1], "ticks") != 0)) {
        rt_printf("bench: error: usage: bench insns|ticks [NAME...]\n");
        return 2;
    }
    if (!names_known(argc - 2, argv + 2))
        return 2;
    struct run run = {.unit = argv[1], .count = argc - 2, .names = argv + 2};
    if (!run_on_runner(&run))
        return 1;
    rt_puts("bench: done\n");
    return run.failed ? 1 : 0;
}
