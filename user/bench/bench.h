/*
 * bench.h - the in-guest benchmark program's framework.
 *
 * A benchmark is one function registered with BENCH(name, iterations,
 * warmup). Each call measures ONE iteration of the operation: it reads
 * bench_now() right before and right after it (set-up and checks stay
 * outside the two reads) and returns the difference in TSC ticks. The
 * runner (bench.c) calls it `warmup` times without recording, then
 * `iterations` times, and prints one line:
 *
 *     BENCH <name> median=<n> min=<n> unit=<insns|ticks>
 *
 * That format is a contract: tools/bench.py and outside checks parse it.
 * What a tick is depends on how QEMU runs: under -icount shift=0 the TSC
 * counts guest instructions (unit insns), otherwise it follows the host
 * clock (unit ticks); the program only prints the unit it is told.
 *
 * Every benchmark runs in one thread pinned to BENCH_CPU (main.c), so a
 * benchmark knows which CPU its measuring side is on. One that needs
 * helper threads (a server, a peer to switch to) registers with
 * BENCH_WITH(..., fixture) instead: the fixture starts them before the
 * warm-up and stops them after the last sample.
 */
#ifndef CAIRN_BENCH_H
#define CAIRN_BENCH_H

#include <rt/rt.h>
#include <stdbool.h>
#include <stdint.h>

/* The sample buffer is static (there is no allocator), so this caps the
 * iterations of any one benchmark. */
#define BENCH_MAX_SAMPLES 100000u

/* Counts for benchmarks of a few hundred instructions or less. */
#define BENCH_ITERATIONS 10000u
#define BENCH_WARMUP     1000u

/* The CPU the measuring thread is pinned to, the one cross-CPU benchmarks
 * put their peer on, and the priority of the measuring thread and of
 * every helper (equal, so that none preempts another). */
#define BENCH_CPU       0u
#define BENCH_OTHER_CPU 1u
#define BENCH_PRIORITY  RT_PRIORITY_DEFAULT

/*
 * What a benchmark needs around its samples. start runs after the runner
 * has measured its own overhead and before the warm-up; it returns true
 * with its helpers running, or calls bench_fail() and returns false with
 * nothing left behind. stop runs after the last sample (also when a sample
 * failed); it ends the helpers, waiting until each has done its last
 * system call but thread_exit, and closes every handle start made; it
 * reports a failure with bench_fail().
 */
struct bench_fixture {
    uint32_t cpus; /* CPUs it needs; with fewer it is skipped, not failed */
    uint32_t ops;  /* operations one sample times, when above 1: the
                      figures are divided by it (rounded down) */
    bool (*start)(void);
    void (*stop)(void);
};

struct bench {
    const char *name;
    uint32_t iterations; /* recorded calls: 1..BENCH_MAX_SAMPLES */
    uint32_t warmup;     /* unrecorded calls first (caches, TLB, lazy set-up) */
    uint64_t (*measure)(void);
    const struct bench_fixture *fixture; /* or null: no helpers, one CPU */
};

/* Registers a benchmark: a pointer to it lands in the "benches" section,
 * which the linker brackets with __start_benches and __stop_benches.
 * Pointers, not the structs, because the compiler may pad structs to a
 * larger alignment, which would break walking the section as an array. */
#define BENCH_WITH(bench_name, bench_iterations, bench_warmup, bench_fixture)                      \
    _Static_assert((bench_iterations) >= 1 && (bench_iterations) <= BENCH_MAX_SAMPLES,             \
                   #bench_name ": iterations must be in 1..BENCH_MAX_SAMPLES");                    \
    static uint64_t bench_fn_##bench_name(void);                                                   \
    static const struct bench bench_##bench_name = {#bench_name, bench_iterations, bench_warmup,   \
                                                    bench_fn_##bench_name, bench_fixture};         \
    __attribute__((section("benches"),                                                             \
                   used)) static const struct bench *const bench_ptr_##bench_name =                \
        &bench_##bench_name;                                                                       \
    static uint64_t bench_fn_##bench_name(void)

#define BENCH(bench_name, bench_iterations, bench_warmup)                                          \
    BENCH_WITH(bench_name, bench_iterations, bench_warmup, 0)

/*
 * Reads the TSC. The lfence before it waits for earlier instructions to
 * finish, so the read is not hoisted above the work it ends; the lfence
 * after it keeps later instructions from starting before the read, so the
 * work it begins is not pulled in front of it. Both reads of a sample are
 * this same sequence, and the runner subtracts the cost of a pair.
 */
static inline uint64_t bench_now(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence\n\trdtsc\n\tlfence" : "=a"(lo), "=d"(hi) : : "memory");
    return (uint64_t)hi << 32 | lo;
}

/*
 * Records that the running benchmark's operation failed: `what` names it
 * (a string literal), `got` is what it returned. The runner stops that
 * benchmark after the current call and prints "bench: error: ..." in place
 * of its BENCH line. Only the first failure of a benchmark is kept.
 */
void bench_fail(const char *what, long got);

/*
 * A handle with MANAGE to the measuring thread itself, for benchmarks that
 * configure it (a fault endpoint, say). The runner may start before main
 * has the handle; this waits (yielding) until it does.
 */
long bench_runner_thread(void);

/*
 * Runs b on the calling thread, which must be pinned to BENCH_CPU. With
 * fewer CPUs than b's fixture needs, prints "bench: skipped NAME (one
 * CPU)" (or "(N CPUs)") and returns true. Otherwise measures the overhead
 * of an empty bench_now() pair (median over b's own warm-up and iteration
 * counts), starts the fixture, runs b, subtracting that overhead from
 * every sample (clamped at 0), and stops the fixture. Prints the BENCH
 * line (figures divided by the fixture's ops) with the given unit and
 * returns true, or prints an error line and returns false.
 */
bool bench_run(const struct bench *b, const char *unit);

#endif
