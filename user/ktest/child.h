/*
 * child.h - child processes for the process tests: an empty process with
 * the stubs of child_stubs.S mapped executable at CHILD_CODE, a stack at
 * CHILD_STACK, a watch that signals the test when it ends, and a thread
 * started at one of the stubs.
 */
#ifndef CAIRN_KTEST_CHILD_H
#define CAIRN_KTEST_CHILD_H

#include <stdbool.h>
#include <stdint.h>

#define CHILD_CODE       0x10000000ull
#define CHILD_STACK      0x20000000ull
#define CHILD_STACK_SIZE 8192ull
#define CHILD_STACK_TOP  (CHILD_STACK + CHILD_STACK_SIZE - 16)
#define CHILD_QUOTA      (256ull << 10)
#define CHILD_DONE       1ull                  /* the bit the watch signals */
#define KT_CHILD_MARKER  0x5eedc0de5eedc0deull /* what kt_child_store stores */

void kt_child_code(void), kt_child_code_end(void);
void kt_child_exit(void), kt_child_exit_rbx(void), kt_child_signal(void), kt_child_store(void);
void kt_child_loop(void), kt_child_fault(void), kt_child_thread_exit(void);
void kt_child_exit_tls(void), kt_child_echo(void), kt_child_call(void), kt_child_reply_worker(void);

/* Where a stub of child_stubs.S is in the child. */
#define CHILD_ENTRY(stub) (CHILD_CODE + ((uint64_t)(stub) - (uint64_t)kt_child_code))

struct child {
    long process; /* handle */
    long code;    /* memory handles */
    long stack;
    long done;   /* notification the watch signals with CHILD_DONE */
    long thread; /* handle of the thread kt_child_start made */
};

/* A new child with code, stack and watch in place, no thread yet; false
 * (with the failure recorded) when any step failed. */
bool kt_child_new(struct child *c, uint64_t quota);

/* Starts a thread in c at stub with RDI = arg and the given flags. Returns
 * the thread handle or the error, and keeps the handle in c->thread. */
long kt_child_start(struct child *c, void (*stub)(void), uint64_t arg, uint32_t flags);

/* Waits up to 10 s for c to end; returns its exit reason and *status. */
long kt_child_wait(struct child *c, int64_t *status);

/* Kills c if it still runs and closes every handle of c. */
void kt_child_free(struct child *c);

/* Waits up to 2 s for the thread to reach state (enum cairn_thread_state,
 * as thread_control INFO reports it). */
bool kt_thread_reaches(long thread, uint32_t state);

#endif
