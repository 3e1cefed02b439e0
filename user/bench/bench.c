/*
 * bench.c - the benchmark runner (see bench.h).
 */
#include "bench.h"
#include "sort.h"
#include <cairn/system.h>

struct bench_result {
    uint64_t median;
    uint64_t min;
};

static uint64_t samples[BENCH_MAX_SAMPLES];
static const char *failed_what; /* the first failure of the running benchmark */
static long failed_got;

void bench_fail(const char *what, long got)
{
    if (failed_what)
        return;
    failed_what = what;
    failed_got = got;
}

/* The cost of the measurement itself: a sample around no work at all. */
static uint64_t measure_nothing(void)
{
    uint64_t start = bench_now();
    return bench_now() - start;
}

/* Calls measure warmup times, then stores count samples less overhead
 * (clamped at 0) in samples[]. Returns false as soon as a call failed. */
static bool collect(uint64_t (*measure)(void), uint32_t warmup, uint32_t count, uint64_t overhead)
{
    for (uint32_t i = 0; i < warmup; i++) {
        measure();
        if (failed_what)
            return false;
    }
    for (uint32_t i = 0; i < count; i++) {
        uint64_t cost = measure();
        samples[i] = cost > overhead ? cost - overhead : 0;
        if (failed_what)
            return false;
    }
    return true;
}

/* Sorts samples[0..count) and reads off the lower median and the minimum.
 * count must be at least 1. */
static struct bench_result summarize(uint32_t count)
{
    bench_sort_u64(samples, count);
    return (struct bench_result){.median = samples[(count - 1) / 2], .min = samples[0]};
}

/* True when b can run here; otherwise says why it is skipped. */
static bool bench_runnable(const struct bench *b)
{
    struct cairn_system_info info;
    if (!b->fixture || b->fixture->cpus <= 1)
        return true;
    long got = cairn_system_info(&info);
    if (got != 0) {
        bench_fail("cairn_system_info()", got);
        return true; /* let bench_run report it */
    }
    if (info.cpus >= b->fixture->cpus)
        return true;
    if (info.cpus == 1)
        rt_printf("bench: skipped %s (one CPU)\n", b->name);
    else
        rt_printf("bench: skipped %s (%u CPUs)\n", b->name, info.cpus);
    return false;
}

/* Starts b's fixture, collects b's samples, stops the fixture. Returns
 * false when any of it failed. */
static bool measure_with_fixture(const struct bench *b, uint64_t overhead)
{
    const struct bench_fixture *f = b->fixture;
    if (f && f->start && !f->start())
        return false;
    bool ok = collect(b->measure, b->warmup, b->iterations, overhead);
    if (f && f->stop)
        f->stop();
    return ok && !failed_what;
}

bool bench_run(const struct bench *b, const char *unit)
{
    failed_what = 0;
    if (!bench_runnable(b))
        return true;
    collect(measure_nothing, b->warmup, b->iterations, 0);
    uint64_t overhead = summarize(b->iterations).median;
    if (failed_what || !measure_with_fixture(b, overhead)) {
        rt_printf("bench: error: %s: %s returned %ld\n", b->name, failed_what, failed_got);
        return false;
    }
    struct bench_result r = summarize(b->iterations);
    uint32_t ops = b->fixture && b->fixture->ops > 1 ? b->fixture->ops : 1;
    rt_printf("BENCH %s median=%llu min=%llu unit=%s\n", b->name,
              (unsigned long long)(r.median / ops), (unsigned long long)(r.min / ops), unit);
    return true;
}
