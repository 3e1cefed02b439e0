/*
 * helpers.h - the threads that let the fuzzer make IPC calls that would
 * otherwise block for ever: servers that answer every call on their
 * endpoints (so an ipc_call there returns), and a client that keeps
 * calling an endpoint (so a receive there, without a timeout, returns).
 */
#ifndef CAIRN_SYSFUZZ_HELPERS_H
#define CAIRN_SYSFUZZ_HELPERS_H

#include <stdbool.h>

/* Creates the helpers' endpoints and starts them, one server on the last
 * CPU; puts the endpoints in the pool (pinned, with their roles) and the
 * thread handles too. Returns false, having printed why, on failure. */
bool helpers_start(unsigned cpus);

/* Stops every helper and waits until each has ended, first replying to
 * the client if the fuzzer still owes it a reply; then closes the
 * endpoints and takes them out of the pool. */
void helpers_stop(void);

#endif
