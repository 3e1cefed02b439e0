/*
 * getpid_bench.c - `BENCH linux_syscall_forward`: the round trip of a Linux
 * getpid forwarded by the foreign-ABI hook to the personality and back,
 * measured from the Linux program's side the way user/bench measures
 * (lfence; rdtsc; lfence around the call, less the median cost of an empty
 * pair), median and min over 10,000 calls after 1,000 of warm-up.
 *
 *   getpid_bench UNIT        UNIT is printed as is: insns or ticks
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define ITERATIONS   10000
#define WARMUP       1000
#define LINUX_GETPID 39

static uint64_t samples[ITERATIONS];

static inline uint64_t now(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence\n\trdtsc\n\tlfence" : "=a"(lo), "=d"(hi) : : "memory");
    return (uint64_t)hi << 32 | lo;
}

/* The raw instruction, so that libc's wrappers are not measured. */
static inline long raw_getpid(void)
{
    long ret;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(LINUX_GETPID) : "rcx", "r11", "memory");
    return ret;
}

static int compare(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The lower median of samples[0, n), which it sorts. */
static uint64_t median(size_t n)
{
    qsort(samples, n, sizeof(samples[0]), compare);
    return samples[(n - 1) / 2];
}

int main(int argc, char **argv)
{
    const char *unit = argc > 1 ? argv[1] : "ticks";
    for (int i = 0; i < ITERATIONS; i++) {
        uint64_t start = now();
        samples[i] = now() - start;
    }
    uint64_t overhead = median(ITERATIONS);
    for (int i = 0; i < WARMUP; i++)
        raw_getpid();
    for (int i = 0; i < ITERATIONS; i++) {
        uint64_t start = now();
        long pid = raw_getpid();
        uint64_t cost = now() - start;
        if (pid <= 0) {
            printf("bench: error: linux_syscall_forward: getpid returned %ld\n", pid);
            return 1;
        }
        samples[i] = cost > overhead ? cost - overhead : 0;
    }
    uint64_t med = median(ITERATIONS);
    printf("BENCH linux_syscall_forward median=%llu min=%llu unit=%s\n", (unsigned long long)med,
           (unsigned long long)samples[0], unit);
    return 0;
}
