/*
 * ipc_buffer.c - the calling thread's IPC buffer, as its thread block
 * records it (see rt/ipc.h and rt/thread.h).
 */
#include <cairn/syscalls.h>
#include <cairn/vm.h>
#include <rt/ipc.h>
#include <rt/thread.h>
#include <stdlib.h>

long rt_ipc_buffer_set(struct cairn_ipc_buffer *buf)
{
    long r = cairn_ipc_buffer_set((uint64_t)buf);
    if (r == 0)
        rt_thread_self()->ipc_buffer = buf;
    return r;
}

struct cairn_ipc_buffer *rt_ipc_buffer(void)
{
    struct rt_thread *t = rt_thread_self();
    if (t->ipc_buffer)
        return t->ipc_buffer;
    if (!t->own_buffer) {
        t->own_buffer = aligned_alloc(CAIRN_PAGE_SIZE, sizeof(struct cairn_ipc_buffer));
        if (!t->own_buffer)
            return NULL;
    }
    if (rt_ipc_buffer_set(t->own_buffer) != 0)
        return NULL;
    return t->own_buffer;
}
