/*
 * fuzz.h - the fuzzing loop: draw a call, apply its rule, make it, count
 * its result and keep the pool in step with the handles it made or closed.
 */
#ifndef CAIRN_SYSFUZZ_FUZZ_H
#define CAIRN_SYSFUZZ_FUZZ_H

#include <stdbool.h>
#include <stdint.h>

struct fuzz_run {
    uint64_t seed;
    uint64_t count;      /* calls to make */
    uint64_t trace_from; /* print every call from this index on (UINT64_MAX: none) */
    uint64_t digest;     /* out: hash of every call's number and arguments */
    uint64_t adopted;    /* out: new handles the calls returned */
    uint64_t misrouted;  /* out: invalid numbers that did not fail INVALID_SYSCALL */
};

/* Makes run->count calls; prints a progress line every 10,000. */
void fuzz_run(struct fuzz_run *run);

/* Closes every handle in the pool that no helper uses. */
void fuzz_close_all(void);

#endif
