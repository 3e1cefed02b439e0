/*
 * hints.c - the argument hints of the known calls (see hints.h).
 */
#include "hints.h"
#include "call.h"
#include <cairn/syscalls.h>

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

struct call_hints {
    uint64_t number;
    enum hint args[CALL_ARGS];
};

static const struct call_hints HINTS[] = {
    {SYS_HANDLE_CLOSE, {HINT_HANDLE}},
    {SYS_HANDLE_DUPLICATE, {HINT_HANDLE, HINT_RIGHTS}},
    {SYS_HANDLE_MINT, {HINT_ENDPOINT, HINT_RIGHTS}},
    {SYS_HANDLE_REVOKE, {HINT_HANDLE}},
    {SYS_HANDLE_INFO, {HINT_HANDLE, HINT_SCRATCH}},
    {SYS_NOTIFICATION_SIGNAL, {HINT_NOTIFICATION, HINT_BITS}},
    {SYS_NOTIFICATION_WAIT, {HINT_NOTIFICATION}},
    {SYS_IPC_CALL, {HINT_SERVED, HINT_MSGINFO}},
    {SYS_IPC_RECV, {HINT_CALLED}},
    {SYS_IPC_REPLY, {HINT_NONE, HINT_MSGINFO}},
    {SYS_IPC_REPLY_RECV, {HINT_CALLED, HINT_MSGINFO}},
    {SYS_THREAD_CREATE, {HINT_NONE, HINT_NONE, HINT_HANDLE, HINT_PRIORITY, HINT_CPU}},
    {SYS_SYSTEM_INFO, {HINT_SCRATCH}},
    {SYS_IPC_BUFFER_SET, {HINT_IPC_BUFFER}},
    {SYS_NOTIFICATION_BIND, {HINT_NOTIFICATION, HINT_THREAD}},
    {SYS_NOTIFICATION_UNBIND, {HINT_NOTIFICATION}},
#ifdef SYS_VM_MAP
    {SYS_MEMORY_CREATE, {HINT_PAGES}},
    {SYS_VM_MAP, {HINT_MEMORY, HINT_OFFSET, HINT_WINDOW, HINT_PAGES, HINT_PROT}},
    {SYS_VM_UNMAP, {HINT_WINDOW, HINT_PAGES}},
    {SYS_VM_PROTECT, {HINT_WINDOW, HINT_PAGES, HINT_PROT}},
#endif
};

enum hint hints_for(uint64_t number, unsigned arg)
{
    for (unsigned i = 0; i < COUNT_OF(HINTS); i++) {
        if (HINTS[i].number == number)
            return arg < CALL_ARGS ? HINTS[i].args[arg] : HINT_NONE;
    }
    return HINT_NONE;
}
