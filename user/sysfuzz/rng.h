/*
 * rng.h - the fuzzer's random numbers: splitmix64, so a seed alone fixes
 * the whole stream on every machine.
 */
#ifndef CAIRN_SYSFUZZ_RNG_H
#define CAIRN_SYSFUZZ_RNG_H

#include <stdint.h>

struct rng {
    uint64_t state;
};

static inline void rng_seed(struct rng *r, uint64_t seed)
{
    r->state = seed;
}

/* The next 64 random bits. */
static inline uint64_t rng_next(struct rng *r)
{
    uint64_t z = (r->state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

#endif
