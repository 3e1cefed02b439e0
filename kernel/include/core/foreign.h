/*
 * foreign.h - the foreign-ABI hook (include/cairn/foreign.h, DESIGN §8):
 * a marked process's SYSCALLs become IPC calls to its handler endpoint.
 */
#ifndef CAIRN_CORE_FOREIGN_H
#define CAIRN_CORE_FOREIGN_H

#include <core/process.h>
#include <stdbool.h>

struct process;
struct trap_frame;

/* Entered from foreign_entry.S with the full user frame of a SYSCALL made
 * by a marked process, interrupts off. Forwards the call and applies the
 * reply; a process unmarked since the thread was switched in makes the
 * call natively instead. On return the frame is what the thread resumes
 * with. */
void foreign_syscall(struct trap_frame *f);

/* True when p's threads must enter through foreign_entry.S; read at every
 * switch to one of them, without a lock (inline for that reason). */
static inline bool foreign_abi(const struct process *p)
{
    return p && __atomic_load_n(&p->foreign_ep, __ATOMIC_RELAXED) != NULL;
}

/* Drops p's handler endpoint, when p is torn down. */
void foreign_process_destroy(struct process *p);

#endif
