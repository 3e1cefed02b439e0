/*
 * ipc.c - the IPC system calls (see rt/ipc.h): RDI handle (badge on
 * return), RSI descriptor, RDX R10 R8 R9 the four words.
 */
#include <cairn/syscalls.h>
#include <rt/ipc.h>
#include <stdbool.h>

/* One SYSCALL that sends the message in *msg and, when receive is true,
 * stores what comes back (and the badge) there. */
static long ipc_syscall(long number, uint64_t rdi_in, struct cairn_msg *msg, bool receive)
{
    register uint64_t rdi __asm__("rdi") = rdi_in;
    register uint64_t rsi __asm__("rsi") = msg->info;
    register uint64_t rdx __asm__("rdx") = msg->words[0];
    register uint64_t r10 __asm__("r10") = msg->words[1];
    register uint64_t r8 __asm__("r8") = msg->words[2];
    register uint64_t r9 __asm__("r9") = msg->words[3];
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8), "+r"(r9)
                     : "a"(number)
                     : "rcx", "r11", "memory");
    if (receive && ret == 0) {
        msg->badge = rdi;
        msg->info = rsi;
        msg->words[0] = rdx;
        msg->words[1] = r10;
        msg->words[2] = r8;
        msg->words[3] = r9;
    }
    return ret;
}

long rt_ipc_call(cairn_handle_t endpoint, struct cairn_msg *msg)
{
    uint64_t badge = msg->badge;
    long ret = ipc_syscall(SYS_IPC_CALL, endpoint, msg, true);
    msg->badge = badge; /* a reply carries no badge */
    return ret;
}

long rt_ipc_recv(cairn_handle_t endpoint, uint64_t timeout_ns, struct cairn_msg *msg)
{
    struct cairn_msg in = {.info = timeout_ns};
    long ret = ipc_syscall(SYS_IPC_RECV, endpoint, &in, true);
    if (ret == 0)
        *msg = in;
    return ret;
}

long rt_ipc_reply(const struct cairn_msg *msg)
{
    struct cairn_msg copy = *msg;
    return ipc_syscall(SYS_IPC_REPLY, 0, &copy, false);
}

long rt_ipc_reply_detach(void)
{
    return cairn_ipc_reply_detach();
}

long rt_ipc_reply_to(cairn_handle_t reply, const struct cairn_msg *msg)
{
    struct cairn_msg copy = *msg;
    return ipc_syscall(SYS_IPC_REPLY_TO, reply, &copy, false);
}

long rt_ipc_reply_recv(cairn_handle_t endpoint, struct cairn_msg *msg)
{
    return ipc_syscall(SYS_IPC_REPLY_RECV, endpoint, msg, true);
}

uint64_t rt_ipc_caps_put(struct cairn_ipc_buffer *buf, uint32_t label, unsigned bytes,
                         const cairn_handle_t *handles, unsigned n, bool move)
{
    for (unsigned i = 0; i < n && i < CAIRN_IPC_MAX_CAPS; i++)
        buf->caps[i] = handles[i] | (move ? CAIRN_IPC_CAP_MOVE : 0);
    return CAIRN_MSGINFO_MAKE(label, bytes, n);
}

long rt_ipc_call_timeout(cairn_handle_t endpoint, struct cairn_ipc_buffer *buf, uint64_t timeout_ns,
                         struct cairn_msg *msg)
{
    buf->timeout_ns = timeout_ns;
    uint64_t info = msg->info;
    msg->info |= CAIRN_MSGINFO_TIMEOUT;
    long ret = rt_ipc_call(endpoint, msg);
    if (ret != 0)
        msg->info = info;
    return ret;
}
