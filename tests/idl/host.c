/*
 * host.c - the fake kernel of host.h.
 */
#include "host.h"
#include <cairn/error.h>
#include <rt/ipc.h>
#include <string.h>

#define HOST_HANDLES 4096

struct host_handle {
    bool live;
    uint32_t type;
    uint32_t rights;
};

static struct host_handle handles[HOST_HANDLES];
static unsigned next_handle = 1;
static unsigned bad_closes;
static unsigned live_handles;
static struct cairn_ipc_buffer *client_buf;

host_server_fn host_server;
uint64_t host_badge;
unsigned host_calls;
struct cairn_ipc_buffer host_server_buf;

cairn_handle_t host_handle_new(uint32_t type, uint32_t rights)
{
    if (next_handle >= HOST_HANDLES)
        next_handle = 1;
    unsigned h = next_handle++;
    live_handles += !handles[h].live;
    handles[h] = (struct host_handle){true, type, rights};
    return h;
}

bool host_handle_live(cairn_handle_t h)
{
    return h > 0 && h < HOST_HANDLES && handles[h].live;
}

unsigned host_handles_live(void)
{
    return live_handles;
}

unsigned host_bad_closes(void)
{
    return bad_closes;
}

void host_handles_reset(void)
{
    memset(handles, 0, sizeof(handles));
    next_handle = 1;
    bad_closes = 0;
    live_handles = 0;
}

long cairn_handle_info(cairn_handle_t h, struct cairn_handle_info *info)
{
    if (!host_handle_live(h))
        return -CAIRN_E_BAD_HANDLE;
    *info = (struct cairn_handle_info){handles[h].type, handles[h].rights, 0};
    return 0;
}

long cairn_handle_close(cairn_handle_t h)
{
    if (!host_handle_live(h)) {
        bad_closes++;
        return -CAIRN_E_BAD_HANDLE;
    }
    handles[h].live = false;
    live_handles--;
    return 0;
}

long rt_ipc_buffer_set(struct cairn_ipc_buffer *buf)
{
    client_buf = buf;
    return 0;
}

/* The one thread's buffer: the one named, or none, as if the runtime
 * could not allocate one. */
struct cairn_ipc_buffer *rt_ipc_buffer(void)
{
    return client_buf;
}

/* Checks a descriptor and the handles it lists, as ipc_call and ipc_reply
 * do. */
static long host_check(uint64_t info, const struct cairn_ipc_buffer *from,
                       const struct cairn_ipc_buffer *to)
{
    unsigned bytes = CAIRN_MSGINFO_BYTES(info), caps = CAIRN_MSGINFO_CAPS(info);
    if (CAIRN_MSGINFO_RESERVED(info) || caps > CAIRN_IPC_MAX_CAPS)
        return -CAIRN_E_INVALID_ARGUMENT;
    if (bytes > CAIRN_IPC_MAX_BYTES)
        return -CAIRN_E_TOO_LARGE;
    if ((bytes || caps) && (!from || !to))
        return -CAIRN_E_BAD_ADDRESS;
    for (unsigned i = 0; i < caps; i++) {
        cairn_handle_t h = from->caps[i] & ~CAIRN_IPC_CAP_MOVE;
        if (!host_handle_live(h))
            return -CAIRN_E_BAD_HANDLE;
        if (!(handles[h].rights & CAIRN_RIGHT_TRANSFER))
            return -CAIRN_E_ACCESS_DENIED;
    }
    return 0;
}

/* Delivers a checked message: bytes copied, handles copied or moved. */
static void host_deliver(uint64_t info, const struct cairn_ipc_buffer *from,
                         struct cairn_ipc_buffer *to)
{
    unsigned bytes = CAIRN_MSGINFO_BYTES(info), caps = CAIRN_MSGINFO_CAPS(info);
    if (bytes)
        memcpy(to->data, from->data, bytes);
    for (unsigned i = 0; i < caps; i++) {
        cairn_handle_t h = from->caps[i] & ~CAIRN_IPC_CAP_MOVE;
        to->caps[i] = host_handle_new(handles[h].type, handles[h].rights);
        if (from->caps[i] & CAIRN_IPC_CAP_MOVE)
            cairn_handle_close(h);
    }
}

long rt_ipc_call(cairn_handle_t endpoint, struct cairn_msg *msg)
{
    if (!host_handle_live(endpoint))
        return -CAIRN_E_BAD_HANDLE;
    long r = host_check(msg->info, client_buf, &host_server_buf);
    if (r < 0)
        return r;
    struct cairn_msg in = *msg;
    in.info &= ~CAIRN_MSGINFO_TIMEOUT;
    in.badge = host_badge;
    host_deliver(in.info, client_buf, &host_server_buf);
    host_calls++;
    host_server(&in, &host_server_buf);
    r = host_check(in.info, &host_server_buf, client_buf);
    if (r < 0)
        return -CAIRN_E_PEER_DEAD; /* the reply was refused: the caller never gets one */
    host_deliver(in.info, &host_server_buf, client_buf);
    msg->info = in.info;
    memcpy(msg->words, in.words, sizeof(msg->words));
    return 0;
}

struct cairn_msg host_queue[HOST_QUEUE_MAX];
uint8_t host_queue_data[HOST_QUEUE_MAX][64];
unsigned host_queued, host_taken;
uint32_t host_queue_cap_type = CAIRN_OBJ_MEMORY;
struct cairn_msg host_replies[HOST_QUEUE_MAX];
unsigned host_replied;

long rt_ipc_recv(cairn_handle_t endpoint, uint64_t timeout_ns, struct cairn_msg *msg)
{
    (void)timeout_ns;
    if (!host_handle_live(endpoint))
        return -CAIRN_E_BAD_HANDLE;
    if (host_taken == host_queued)
        return -CAIRN_E_PEER_DEAD;
    *msg = host_queue[host_taken];
    unsigned bytes = CAIRN_MSGINFO_BYTES(msg->info);
    memcpy(host_server_buf.data, host_queue_data[host_taken],
           bytes < sizeof(host_queue_data[0]) ? bytes : sizeof(host_queue_data[0]));
    for (unsigned i = 0; i < CAIRN_MSGINFO_CAPS(msg->info); i++)
        host_server_buf.caps[i] = host_handle_new(host_queue_cap_type, CAIRN_RIGHTS_ALL);
    host_taken++;
    return 0;
}

long rt_ipc_reply(const struct cairn_msg *msg)
{
    long r = host_check(msg->info, &host_server_buf, &host_server_buf);
    if (r < 0)
        return r;
    for (unsigned i = 0; i < CAIRN_MSGINFO_CAPS(msg->info); i++) {
        if (host_server_buf.caps[i] & CAIRN_IPC_CAP_MOVE)
            cairn_handle_close(host_server_buf.caps[i] & ~CAIRN_IPC_CAP_MOVE);
    }
    if (host_replied < HOST_QUEUE_MAX)
        host_replies[host_replied++] = *msg;
    return 0;
}

long rt_ipc_reply_recv(cairn_handle_t endpoint, struct cairn_msg *msg)
{
    long r = rt_ipc_reply(msg);
    if (r < 0)
        return r;
    return rt_ipc_recv(endpoint, UINT64_MAX, msg);
}
