/*
 * threads.h - helper threads for tests: stacks from a small pool, and a
 * way to wait for a helper to finish.
 */
#ifndef CAIRN_KTEST_THREADS_H
#define CAIRN_KTEST_THREADS_H

#include <stdbool.h>
#include <stdint.h>

#define KT_MAX_THREADS 16

/* Starts fn(arg) with its own stack; fn ends with kt_thread_done(). Returns
 * the thread handle, or a negative error. */
long kt_spawn(void (*fn)(uint64_t), uint64_t arg, uint32_t affinity);

/* Ends a helper: counts it finished and exits the thread. */
__attribute__((noreturn)) void kt_thread_done(void);

/* Waits until `count` helpers have called kt_thread_done since the last
 * kt_reset(), then gives their exits a moment to complete. */
void kt_join(int count);

/* Called by the runner before each test: forget finished helpers and
 * close the handles kt_spawn returned. */
void kt_reset(void);

/* The number of CPUs (from system_info). */
unsigned kt_cpus(void);

/* A CPU other than the one given when there is one, else the same. */
uint32_t kt_other_cpu(uint32_t cpu);

/* Whether at least `count` CPUs are online; if not, prints why the running
 * test checks nothing here (it then passes as a documented skip). */
bool kt_need_cpus(unsigned count);

#endif
