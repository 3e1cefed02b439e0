/*
 * twin.h - a second process running a function of this very program, for
 * benchmarks whose server is ordinary C (generated IDL code, say) rather
 * than a position-independent stub.
 *
 * The twin gets a copy of the program's image at the same addresses: the
 * read-only and executable segments as they are, the writable ones with
 * their file-backed bytes as they are now and the rest (bss) zeroed. It
 * holds no handle until the caller grants one (handle_grant), and its
 * function must never return (it ends with cairn_exit or is killed).
 */
#ifndef CAIRN_BENCH_TWIN_H
#define CAIRN_BENCH_TWIN_H

#include <stdint.h>

struct twin {
    long process; /* handle, or <= 0 */
    long ended;   /* notification: bit TWIN_ENDED when the process has ended */
};

#define TWIN_ENDED 1ull

/* A new process named name with the program's image in place and a watch
 * on it; 0 or the first error (nothing left behind then). */
long twin_create(struct twin *t, const char *name, uint64_t quota);

/* Starts fn(arg) in the twin on stack_top (an address of the twin's copy
 * of this program's static data) at priority on cpu; 0 or the error. fn
 * runs as the twin's initial thread, its FS base at the twin's copy of
 * the initial thread's block (RT_MAIN_THREAD_BLOCK, <rt/thread.h>): a
 * copy of this thread's, which fn resets with rt_thread_attach before it
 * uses errno, IPC buffers or IDL calls. */
long twin_run(struct twin *t, void (*fn)(uint64_t), uint64_t arg, const void *stack_top,
              uint32_t priority, uint32_t cpu);

/* Waits until the twin has ended and closes its handles. */
long twin_wait(struct twin *t);

/* Kills the twin, waits for its end and closes its handles. */
void twin_kill(struct twin *t);

#endif
