/*
 * relay.c - queued lines to the log service, never waiting long (see
 * svc/relay.h).
 */
#include <idl/log.h>
#include <rt/ipc.h>
#include <rt/rt.h>
#include <string.h>
#include <svc/relay.h>

_Static_assert(LOGQ_TEXT_MAX + 1 == sizeof(((struct log__append_in *)0)->text),
               "a queued line is one append's text");

long relay_send(cairn_handle_t endpoint, struct cairn_ipc_buffer *buf, uint64_t timeout_ns,
                const struct logq_line *line, long *status)
{
    struct log__append_in in = {0};
    const struct idl_method *m = idl_method_find(&log_interface, IDL_LABEL(LOG_ID, LOG_APPEND));
    struct cairn_msg msg = {0};
    *status = 0;
    in.n = line->n;
    in.time_ns = line->time_ns;
    in.lvl = line->level <= LOG_LEVEL_ERROR ? (enum log_level)line->level : LOG_LEVEL_ERROR;
    memcpy(in.text, line->text, sizeof(in.text));
    long info = m ? idl_encode(&m->in, &in, &msg, buf) : -CAIRN_E_NOT_SUPPORTED;
    if (info < 0) {
        *status = info; /* cannot be sent at all: as if refused */
        return 0;
    }
    msg.info = (uint64_t)info | CAIRN_MSGINFO(IDL_LABEL(LOG_ID, LOG_APPEND));
    long r = rt_ipc_call_timeout(endpoint, buf, timeout_ns, &msg);
    if (r < 0)
        return r;
    /* The answer, validated as every IDL reply is: an error status alone,
     * or append's (empty) results. */
    if (CAIRN_MSGINFO_LABEL(msg.info) != 0) {
        idl_caps_close(&msg, buf);
        *status = idl_reply_status(&msg);
    } else {
        struct log__append_out out;
        *status = idl_decode(&m->out, &msg, buf, &out);
    }
    return 0;
}

long relay_flush(struct logq *q, cairn_handle_t endpoint, struct cairn_ipc_buffer *buf,
                 uint64_t timeout_ns, unsigned *answered)
{
    const struct logq_line *line;
    long status;
    *answered = 0;
    while ((line = logq_head(q, (uint64_t)cairn_clock_get()))) {
        long err = relay_send(endpoint, buf, timeout_ns, line, &status);
        if (err < 0)
            return err;
        logq_pop(q);
        (*answered)++;
    }
    return 0;
}
