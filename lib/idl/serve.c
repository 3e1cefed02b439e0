/*
 * serve.c - the server loop: receive, dispatch, reply and receive again
 * (see idl/idl.h).
 */
#include <cairn/syscalls.h>
#include <idl/idl.h>
#include <rt/ipc.h>

/* Waits for the next request that is a message, not notification bits;
 * with idle, calls it whenever idle->every_ns pass without one. */
static inline __attribute__((always_inline)) long
serve_recv(cairn_handle_t endpoint, struct cairn_msg *msg, const struct idl_idle *idle)
{
    for (;;) {
        long r = rt_ipc_recv(endpoint, idle ? idle->every_ns : UINT64_MAX, msg);
        if (r == -CAIRN_E_TIMED_OUT && idle) {
            idle->fn(idle->ctx);
            continue;
        }
        if (r != 0 || !rt_ipc_is_notification(msg))
            return r;
    }
}

/* Sends the reply in msg/buf with ipc_reply; when the caller cannot take
 * it (no IPC buffer, a full handle table, a call that timed out), closes
 * the handles it moves, as ipc_reply_recv does in the kernel. Returns the
 * reply's error (0: sent). */
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

/* Sends the reply in msg and receives the next request: in one system
 * call (ipc_reply_recv) unless idle is given (only a receive alone can time
 * out). A reply that could not be sent (a handle it carried, or the caller
 * has no buffer for it) is answered with the error alone before receiving;
 * handles it moved are closed by the kernel (ipc_reply_recv) or here
 * (ipc_reply), so a caller that cannot take them leaves none behind. */
static inline __attribute__((always_inline)) long serve_reply_recv(cairn_handle_t endpoint,
                                                                   struct cairn_msg *msg,
                                                                   struct cairn_ipc_buffer *buf,
                                                                   const struct idl_idle *idle)
{
    uint64_t info = msg->info;
    long r;
    if (idle)
        r = serve_reply_moving(msg, buf);
    else if ((r = rt_ipc_reply_recv(endpoint, msg)) == 0 && !rt_ipc_is_notification(msg))
        return 0;
    if (r < 0 && (CAIRN_MSGINFO_BYTES(info) || CAIRN_MSGINFO_CAPS(info))) {
        struct cairn_msg status = {.info = CAIRN_MSGINFO((uint32_t)(int32_t)r)};
        rt_ipc_reply(&status);
    }
    return serve_recv(endpoint, msg, idle);
}

/* The loop of both entries, inlined into each so that idl_serve's (idle
 * NULL) tests nothing of idle on its way. */
static inline __attribute__((always_inline)) long
serve(cairn_handle_t endpoint, struct cairn_ipc_buffer *buf, const struct idl_interface *iface,
      const void *ops, void *ctx, const struct idl_idle *idle)
{
    struct cairn_msg msg;
    long r = buf ? rt_ipc_buffer_set(buf) : 0;
    if (!buf && !(buf = rt_ipc_buffer()))
        r = -CAIRN_E_NO_MEMORY;
    if (r == 0)
        r = serve_recv(endpoint, &msg, idle);
    while (r == 0) {
        idl_dispatch(iface, ops, ctx, &msg, buf);
        r = serve_reply_recv(endpoint, &msg, buf, idle);
    }
    return r;
}

long idl_serve_idle(cairn_handle_t endpoint, struct cairn_ipc_buffer *buf,
                    const struct idl_interface *iface, const void *ops, void *ctx,
                    const struct idl_idle *idle)
{
    return serve(endpoint, buf, iface, ops, ctx, idle);
}

long idl_serve(cairn_handle_t endpoint, struct cairn_ipc_buffer *buf,
               const struct idl_interface *iface, const void *ops, void *ctx)
{
    return serve(endpoint, buf, iface, ops, ctx, 0);
}
