/*
 * dispatch.c - the server's validating dispatch: no handler sees a
 * message that idl_decode has not accepted (see idl/idl.h).
 */
#include <idl/idl.h>

/* Methods are sorted by number, at most 255; numbered 1, 2, 3, ... the
 * number is the index. Inline in idl_dispatch, on every request's way. */
static inline const struct idl_method *method_find(const struct idl_interface *iface,
                                                   uint32_t label)
{
    if (IDL_LABEL_IFACE(label) != iface->id)
        return 0;
    uint32_t number = IDL_LABEL_METHOD(label);
    if (number - 1 < iface->count && iface->methods[number - 1].number == number)
        return &iface->methods[number - 1];
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

const struct idl_method *idl_method_find(const struct idl_interface *iface, uint32_t label)
{
    return method_find(iface, label);
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
    /* At least one word each: a zero-length array is undefined behaviour. */
    uint32_t in_words = (m->in.c_size + 15) / 8, out_words = (m->out.c_size + 15) / 8;
    uint64_t in[in_words];
    uint64_t out[out_words];
    if (!(m->in.flags & IDL_FLAT))
        __builtin_memset(in, 0, sizeof(in));
    long r = idl_decode(&m->in, msg, buf, in);
    if (r < 0) {
        reply_status(msg, r);
        return;
    }
    for (uint32_t i = 0; i < out_words; i++)
        out[i] = 0; /* results the handler leaves are 0, not stack contents */
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
    if (r < 0) {
        idl_moved_caps_close(&m->out, out); /* the handler gave them up */
        reply_status(msg, r);
    } else
        msg->info = (uint64_t)r;
}

/* The register-only case of dispatch_method, for a request that is
 * exactly the label (no bytes, no capabilities): the arguments and results
 * are at most IDL_REG_BYTES each (IDL_REGS). */
static void dispatch_regs(const struct idl_method *m, const void *ops, void *ctx,
                          struct cairn_msg *msg)
{
    uint64_t in[CAIRN_IPC_WORDS], out[CAIRN_IPC_WORDS] = {0};
    if (!idl_regs_get(&m->in, msg->words, in) ||
        ((m->in.flags & IDL_CHECKED) && !idl_values_valid(&m->in, in))) {
        reply_status(msg, -CAIRN_E_INVALID_ARGUMENT);
        return;
    }
    const struct idl_call call = {.badge = msg->badge, .method = m->number};
    long r = m->thunk(ops, ctx, &call, in, out);
    if (r == IDL_NO_HANDLER)
        r = -CAIRN_E_NOT_SUPPORTED;
    else if (r >= 0 && (m->out.flags & IDL_CHECKED) && !idl_values_valid(&m->out, out))
        r = -CAIRN_E_INVALID_ARGUMENT;
    if (r < 0) {
        reply_status(msg, r);
        return;
    }
    msg->info = CAIRN_MSGINFO(0);
    idl_regs_put(&m->out, out, msg->words);
}

void idl_dispatch(const struct idl_interface *iface, const void *ops, void *ctx,
                  struct cairn_msg *msg, struct cairn_ipc_buffer *buf)
{
    const struct idl_method *m = method_find(iface, CAIRN_MSGINFO_LABEL(msg->info));
    if (m && (m->in.flags & m->out.flags & IDL_REGS) &&
        msg->info == CAIRN_MSGINFO(CAIRN_MSGINFO_LABEL(msg->info))) {
        dispatch_regs(m, ops, ctx, msg);
        return;
    }
    if (m) {
        dispatch_method(m, ops, ctx, msg, buf);
        return;
    }
    idl_caps_close(msg, buf);
    reply_status(msg, -CAIRN_E_NOT_SUPPORTED);
}
