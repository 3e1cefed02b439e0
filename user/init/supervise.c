/*
 * supervise.c - restart policy and back-off (see supervise.h).
 */
#include "supervise.h"
#include <cairn/process.h>
#include <stdbool.h>
#include <stdio.h>

static bool failed(uint32_t reason, int64_t status)
{
    return reason != CAIRN_EXIT_STATUS || status != 0;
}

/* restart_delay_ms << restarts, capped at restart_max_delay_ms. */
static uint32_t backoff(const struct manifest *m, unsigned restarts)
{
    uint64_t delay = m->restart_delay_ms;
    for (unsigned i = 0; i < restarts && delay < m->restart_max_delay_ms; i++)
        delay *= 2;
    return delay < m->restart_max_delay_ms ? (uint32_t)delay : m->restart_max_delay_ms;
}

enum supervise_action supervise_decide(const struct manifest *m, unsigned restarts, uint32_t reason,
                                       int64_t status, uint32_t *delay_ms)
{
    *delay_ms = 0;
    if (m->restart == MANIFEST_RESTART_NEVER)
        return SUPERVISE_STAY_DOWN;
    if (m->restart == MANIFEST_RESTART_ON_FAILURE && !failed(reason, status))
        return SUPERVISE_STAY_DOWN;
    if (m->restart_limit != MANIFEST_RESTART_UNLIMITED && restarts >= m->restart_limit)
        return SUPERVISE_GIVE_UP;
    *delay_ms = backoff(m, restarts);
    return SUPERVISE_RESTART;
}

void supervise_reason(uint32_t reason, int64_t status, char *buf, size_t size)
{
    switch (reason) {
    case CAIRN_EXIT_STATUS:
        snprintf(buf, size, "status %lld", (long long)status);
        break;
    case CAIRN_EXIT_KILLED:
        snprintf(buf, size, "killed");
        break;
    case CAIRN_EXIT_FAULTED:
        snprintf(buf, size, "faulted");
        break;
    default:
        snprintf(buf, size, "reason %u", reason);
        break;
    }
}
