/*
 * helpers.h - threads that benchmarks measure against (an echo server, a
 * peer to switch to), each on a stack of its own.
 */
#ifndef CAIRN_BENCH_HELPERS_H
#define CAIRN_BENCH_HELPERS_H

#include <stdint.h>

/* One per helper a whole run starts; stacks are never reused, because a
 * helper still runs on its stack after its last signal or reply. */
#define BENCH_MAX_HELPERS 8

/*
 * Starts fn(arg) on its own stack, pinned to cpu, at the measuring thread's
 * priority; fn must end with cairn_thread_exit(). Returns the thread
 * handle, CAIRN_E_NO_MEMORY negated when BENCH_MAX_HELPERS stacks are used
 * up, or a negative error from thread_create.
 */
long bench_helper_start(void (*fn)(uint64_t), uint64_t arg, uint32_t cpu);

#endif
