/*
 * supervise.h - what init does when a silo ends: its manifest's restart
 * policy, exponential back-off and restart limit. Pure (host-tested).
 *
 * A silo failed when it faulted, was killed, or exited with a status
 * other than 0. Policy never: it stays down. on-failure: a silo that
 * ended without failing stays down. Otherwise it is restarted after
 * restart_delay_ms << restarts (the restarts made so far), at most
 * restart_max_delay_ms, unless restart_limit restarts have been made
 * already: then init gives up on it.
 */
#ifndef CAIRN_INIT_SUPERVISE_H
#define CAIRN_INIT_SUPERVISE_H

#include <manifest/manifest.h>
#include <stddef.h>
#include <stdint.h>

enum supervise_action {
    SUPERVISE_STAY_DOWN = 0, /* its policy does not restart it */
    SUPERVISE_RESTART = 1,   /* restart it after *delay_ms */
    SUPERVISE_GIVE_UP = 2,   /* it would be restarted, but the limit is reached */
};

/* Decides for a silo of manifest m that ended with reason (enum
 * cairn_exit_reason) and status, after `restarts` restarts so far. */
enum supervise_action supervise_decide(const struct manifest *m, unsigned restarts, uint32_t reason,
                                       int64_t status, uint32_t *delay_ms);

/* Describes how it ended, for the log: "status N", "killed", "faulted". */
void supervise_reason(uint32_t reason, int64_t status, char *buf, size_t size);

#endif
