/*
 * cairn/fault.h - the message a thread's fault endpoint receives when the
 * thread takes a page fault the kernel does not resolve itself, and the
 * reply that resumes it (see docs/syscalls.md, thread_set_fault_endpoint).
 * Values are ABI: append, never renumber.
 *
 * The faulting thread makes an IPC call on its fault endpoint, as if it had
 * called ipc_call with the badge of the handle the endpoint was set with:
 *
 *   label    CAIRN_FAULT_LABEL_PAGE
 *   word 0   the faulting address (CR2)
 *   word 1   CAIRN_FAULT_* bits: how the page was touched
 *   word 2   the RIP of the faulting instruction
 *   word 3   the thread's id (the same for every fault of that thread)
 *
 * The pager replies with label CAIRN_FAULT_RESUME (0) and word 0 equal to 0
 * to let the thread retry the instruction (after mapping something at the
 * address, say); any other label or a non-zero word 0 kills the process.
 *
 * Only page faults in ring 3 are sent. Other exceptions (#GP, #UD, divide
 * error...) still kill the process at once: without a way for a supervisor
 * to change the thread's registers, resuming one would only repeat it.
 * Faults the kernel takes on user addresses while copying for a system call
 * never reach the pager: that call fails with CAIRN_E_BAD_ADDRESS.
 */
#ifndef CAIRN_FAULT_H
#define CAIRN_FAULT_H

#define CAIRN_FAULT_LABEL_PAGE 0xfa017001u

#define CAIRN_FAULT_RESUME 0u

/* Word 1 of a page-fault message: x86's page-fault error code bits. A
 * fault that is neither a write nor an instruction fetch is a read. */
#define CAIRN_FAULT_PRESENT  (1u << 0) /* the page was mapped: a protection fault */
#define CAIRN_FAULT_WRITE    (1u << 1)
#define CAIRN_FAULT_USER     (1u << 2) /* always set: the fault was in ring 3 */
#define CAIRN_FAULT_RESERVED (1u << 3) /* a reserved bit was set in a page table */
#define CAIRN_FAULT_EXEC     (1u << 4) /* an instruction fetch */

#endif
