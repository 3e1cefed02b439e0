/*
 * dispatch.c - the server's validating dispatch: no handler sees a
 * message that idl_decode has not accepted (see idl/idl.h).
 */
#include <idl/idl.h>

/* The method of iface that label names, or 0. Methods are sorted by
 * number, and there are at most 255. */
static const struct idl_method *method_find(const struct idl_interface *iface, uint32_t label)
{
    if (IDL_LABEL_IFACE(label) != iface->id)
        return 0;
    uint32_t number = IDL_LABEL_METHOD(label);
    uint32_t lo = 0, hi = iface->count;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (iface->methods[mid].number == number)
            return &iface->methods[mid];
        if (iface->methods[mid].number < number)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* A reply with status only. */
static void reply_status(struct cairn_msg *msg, long status)
{
    msg->info = CAIRN_MSGINFO((uint32_t)(int32_t)status);
    for (unsigned i = 0; i < CAIRN_IPC_WORDS; i++)
        msg->words[i] = 0;
}

/* Decodes the request for m, runs its handler and encodes the reply, with
 * the arguments and results on the stack at their C sizes (8-byte words:
 * no IDL type needs more alignment). */
static void dispatch_method(const struct idl_method *m, const void *ops, void *ctx,
                            struct cairn_msg *msg, struct cairn_ipc_buffer *buf)
{
    uint64_t in[(m->in.c_size + 7) / 8];
    uint64_t out[(m->out.c_size + 7) / 8];
    __builtin_memset(in, 0, sizeof(in));
    long r = idl_decode(&m->in, msg, buf, in);
    if (r < 0) {
        reply_status(msg, r);
        return;
    }
    __builtin_memset(out, 0, sizeof(out));
    const struct idl_call call = {.badge = msg->badge, .method = m->number};
    r = m->thunk(ops, ctx, &call, in, out);
    if (r == IDL_NO_HANDLER) {
        idl_caps_close(msg, buf);
        r = -CAIRN_E_NOT_SUPPORTED;
    }
    if (r < 0) {
        reply_status(msg, r);
        return;
    }
    r = idl_encode(&m->out, out, msg, buf);
    if (r < 0)
        reply_status(msg, r);
    else
        msg->info = (uint64_t)r;
}

void idl_dispatch(const struct idl_interface *iface, const void *ops, void *ctx,
                  struct cairn_msg *msg, struct cairn_ipc_buffer *buf)
{
    const struct idl_method *m = method_find(iface, CAIRN_MSGINFO_LABEL(msg->info));
    if (m) {
        dispatch_method(m, ops, ctx, msg, buf);
        return;
    }
    idl_caps_close(msg, buf);
    reply_status(msg, -CAIRN_E_NOT_SUPPORTED);
}
