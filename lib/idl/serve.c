/*
 * serve.c - the server loop: receive, dispatch, reply and receive again
 * (see idl/idl.h).
 */
#include <cairn/syscalls.h>
#include <idl/idl.h>
#include <rt/ipc.h>

/* Waits for the next request that is a message, not notification bits. */
static long serve_recv(cairn_handle_t endpoint, struct cairn_msg *msg)
{
    long r;
    do
        r = rt_ipc_recv(endpoint, UINT64_MAX, msg);
    while (r == 0 && rt_ipc_is_notification(msg));
    return r;
}

/* Whether the reply in msg/buf moves a handle to the caller. */
static bool serve_moves(const struct cairn_msg *msg, const struct cairn_ipc_buffer *buf)
{
    for (unsigned i = 0; i < CAIRN_MSGINFO_CAPS(msg->info); i++) {
        if (buf->caps[i] & CAIRN_IPC_CAP_MOVE)
            return true;
    }
    return false;
}

/* Sends a reply that moves handles on its own (ipc_reply): when the caller
 * cannot take it (no IPC buffer, a full handle table, a call that timed
 * out) the handles stay here, and only ipc_reply says so; ipc_reply_recv
 * would go on receiving and leave them in this process for good, one per
 * such call, until its handle table is full. Closes them then. Returns
 * the reply's error (0: sent). */
static long serve_reply_moving(const struct cairn_msg *msg, const struct cairn_ipc_buffer *buf)
{
    long r = rt_ipc_reply(msg);
    if (r == 0)
        return 0;
    for (unsigned i = 0; i < CAIRN_MSGINFO_CAPS(msg->info); i++) {
        if (buf->caps[i] & CAIRN_IPC_CAP_MOVE)
            cairn_handle_close(buf->caps[i] & ~CAIRN_IPC_CAP_MOVE);
    }
    return r;
}

long idl_serve(cairn_handle_t endpoint, struct cairn_ipc_buffer *buf,
               const struct idl_interface *iface, const void *ops, void *ctx)
{
    struct cairn_msg msg;
    long r = buf ? rt_ipc_buffer_set(buf) : 0;
    if (!buf && !(buf = rt_ipc_buffer()))
        r = -CAIRN_E_NO_MEMORY;
    if (r == 0)
        r = serve_recv(endpoint, &msg);
    while (r == 0) {
        if (rt_ipc_is_notification(&msg)) {
            r = serve_recv(endpoint, &msg);
            continue;
        }
        idl_dispatch(iface, ops, ctx, &msg, buf);
        uint64_t info = msg.info;
        if (serve_moves(&msg, buf)) {
            r = serve_reply_moving(&msg, buf);
            if (r == 0) {
                r = serve_recv(endpoint, &msg);
                continue;
            }
        } else {
            r = rt_ipc_reply_recv(endpoint, &msg);
            if (r == 0)
                continue;
        }
        /* The reply could not be sent (a handle it carried, or the caller
         * has no buffer for it): answer with the error alone, then carry
         * on receiving. */
        struct cairn_msg status = {.info = CAIRN_MSGINFO((uint32_t)(int32_t)r)};
        if (CAIRN_MSGINFO_BYTES(info) || CAIRN_MSGINFO_CAPS(info))
            rt_ipc_reply(&status);
        r = serve_recv(endpoint, &msg);
    }
    return r;
}
