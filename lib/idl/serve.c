/*
 * serve.c - the server loop: receive, dispatch, reply and receive again
 * (see idl/idl.h).
 */
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
        r = rt_ipc_reply_recv(endpoint, &msg);
        if (r == 0)
            continue;
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
