/*
 * client.c - the call the generated client stubs make: encode the
 * arguments, call, validate and decode the reply (see idl/idl.h).
 */
#include <cairn/syscalls.h>
#include <idl/idl.h>
#include <rt/ipc.h>

long idl_client_init(struct cairn_ipc_buffer *buf)
{
    return rt_ipc_buffer_set(buf);
}

/* The error a reply other than "0, no bytes, no capabilities" means, with
 * the handles it brought closed. */
static long reply_refused(const struct cairn_msg *msg, const struct cairn_ipc_buffer *buf)
{
    idl_caps_close(msg, buf);
    return idl_reply_status(msg);
}

/* A method whose arguments and results both travel in registers only:
 * the IPC fast path's kind of message, with the least work around it. */
static long call_regs(cairn_handle_t endpoint, uint32_t label, const struct idl_method *m,
                      const void *in, void *out)
{
    if ((m->in.flags & IDL_CHECKED) && !idl_values_valid(&m->in, in))
        return -CAIRN_E_INVALID_ARGUMENT;
    struct cairn_msg msg = {.info = CAIRN_MSGINFO(label)};
    idl_regs_put(&m->in, in, msg.words);
    long r = rt_ipc_call(endpoint, &msg);
    if (r < 0)
        return r;
    /* Capabilities reached a buffer only if the thread had named one,
     * which rt_ipc_buffer then returns. */
    if (msg.info != CAIRN_MSGINFO(0))
        return reply_refused(&msg, CAIRN_MSGINFO_CAPS(msg.info) ? rt_ipc_buffer() : 0);
    if (!idl_regs_get(&m->out, msg.words, out) ||
        ((m->out.flags & IDL_CHECKED) && !idl_values_valid(&m->out, out)))
        return -CAIRN_E_INVALID_ARGUMENT;
    return 0;
}

/* Whether m's request or reply may need the IPC buffer (bytes or
 * capabilities). */
static bool call_needs_buffer(const struct idl_method *m)
{
    return m->in.max > IDL_REG_BYTES || m->in.caps || m->out.max > IDL_REG_BYTES || m->out.caps;
}

long idl_call(cairn_handle_t endpoint, const struct idl_interface *iface,
              const struct idl_method *m, const void *in, void *out)
{
    if (m->in.flags & m->out.flags & IDL_REGS)
        return call_regs(endpoint, IDL_LABEL(iface->id, m->number), m, in, out);
    struct cairn_ipc_buffer *buf = 0;
    if (call_needs_buffer(m)) {
        buf = rt_ipc_buffer();
        if (!buf)
            return -CAIRN_E_NO_MEMORY;
    }
    return idl_call_buffer(endpoint, buf, iface, m, in, out);
}

/* Checks the capabilities among the arguments before they are sent, so a
 * wrong one is the caller's error, not a rejected message. */
static long caps_check(const struct idl_struct *s, const void *in)
{
    for (uint16_t i = 0; i < s->count; i++) {
        const struct idl_field *f = &s->fields[i];
        if (f->kind != IDL_CAP)
            continue;
        cairn_handle_t h;
        __builtin_memcpy(&h, (const uint8_t *)in + f->c_offset, sizeof(h));
        long r = idl_cap_check(h, f->cap_type, f->bound | CAIRN_RIGHT_TRANSFER);
        if (r < 0)
            return r;
    }
    return 0;
}

/* Whether m's reply may need the IPC buffer (bytes or capabilities). */
static bool reply_needs_buffer(const struct idl_method *m)
{
    return m->out.max > IDL_REG_BYTES || m->out.caps;
}

long idl_call_buffer(cairn_handle_t endpoint, struct cairn_ipc_buffer *buf,
                     const struct idl_interface *iface, const struct idl_method *m, const void *in,
                     void *out)
{
    struct cairn_msg msg;
    if (reply_needs_buffer(m) && !buf)
        return -CAIRN_E_BAD_ADDRESS;
    long info = idl_encode(&m->in, in, &msg, buf);
    if (info < 0)
        return info;
    long r = m->in.caps ? caps_check(&m->in, in) : 0;
    if (r < 0)
        return r;
    msg.info = (uint64_t)info | CAIRN_MSGINFO(IDL_LABEL(iface->id, m->number));
    msg.badge = 0;
    r = rt_ipc_call(endpoint, &msg);
    if (r < 0)
        return r;
    if (CAIRN_MSGINFO_LABEL(msg.info) != 0)
        return reply_refused(&msg, buf);
    if (!(m->out.flags & IDL_FLAT))
        __builtin_memset(out, 0, m->out.c_size);
    return idl_decode(&m->out, &msg, buf, out);
}
