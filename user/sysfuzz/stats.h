/*
 * stats.h - what the fuzzed calls returned: counts by result and by call.
 */
#ifndef CAIRN_SYSFUZZ_STATS_H
#define CAIRN_SYSFUZZ_STATS_H

#include <stdint.h>

/* Counts one call of number that returned result. */
void stats_count(uint64_t number, long result);

/* Prints ` ok=N NAME=N ...`: every result that occurred, errors by their
 * enum cairn_error name, without a newline. */
void stats_print_results(void);

/* Prints ` NUMBER:MADE/OK ...` for every valid call number, without a
 * newline. */
void stats_print_calls(void);

#endif
