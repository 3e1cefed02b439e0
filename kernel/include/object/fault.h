/*
 * fault.h - sending a thread's page faults to its fault endpoint, where a
 * user-space pager or supervisor answers them (thread_set_fault_endpoint;
 * the message is in include/cairn/fault.h).
 *
 * A thread holds a reference to its fault endpoint and the badge of the
 * handle it was set with; closing or revoking that handle leaves the
 * binding in place (as with a mapping and its memory handle), until the
 * endpoint is replaced or cleared, or the thread object is destroyed. The
 * faulting thread calls the endpoint through the ordinary IPC path
 * (endpoint_kernel_call) and waits for as long as the pager takes; while it
 * waits it ends with its process like any blocked caller.
 *
 * Locking: one global fault lock protects every thread's fault_ep and
 * fault_badge; it is innermost and never held across the call.
 */
#ifndef CAIRN_OBJECT_FAULT_H
#define CAIRN_OBJECT_FAULT_H

#include <core/thread.h>
#include <stdint.h>

enum fault_outcome {
    FAULT_RESUMED,     /* the pager replied CAIRN_FAULT_RESUME: retry */
    FAULT_NO_ENDPOINT, /* the thread has no fault endpoint */
    FAULT_REFUSED,     /* the pager replied with anything else */
    FAULT_PAGER_DEAD,  /* the pager ended before replying */
    FAULT_EXITING,     /* the thread's process is exiting */
};

/* Sends the calling thread's page fault at addr (x86 error code `error`,
 * at rip) to its fault endpoint and waits for the answer. Interrupts off,
 * no locks held, called from the fault in ring 3. */
enum fault_outcome fault_send_page(uint64_t addr, uint64_t error, uint64_t rip);

/* Why the process is killed, for an outcome other than FAULT_RESUMED and
 * FAULT_NO_ENDPOINT (whose message stays the plain description). */
const char *fault_outcome_reason(enum fault_outcome outcome);

/* Drops t's binding; the thread object's destructor calls it. */
void fault_thread_destroy(struct thread *t);

#endif
