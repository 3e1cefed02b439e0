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
    {SYS_IRQ_CREATE,
     {HINT_IRQ_CONTROL, HINT_IRQ_LINE, HINT_IRQ_FLAGS, HINT_NOTIFICATION, HINT_BITS}},
    {SYS_IRQ_ACK, {HINT_IRQ}},
    {SYS_IOPORT_CREATE, {HINT_IOPORT_CONTROL, HINT_PORT, HINT_PORT_COUNT}},
    {SYS_IOPORT_ENABLE, {HINT_IOPORT}},
#ifdef SYS_VM_MAP
    {SYS_MEMORY_CREATE, {HINT_PAGES}},
    {SYS_VM_MAP, {HINT_MEMORY, HINT_OFFSET, HINT_WINDOW, HINT_PAGES, HINT_PROT}},
    {SYS_VM_UNMAP, {HINT_WINDOW, HINT_PAGES}},
    {SYS_VM_PROTECT, {HINT_WINDOW, HINT_PAGES, HINT_PROT}},
#endif
#ifdef SYS_MEMORY_CLONE
    {SYS_THREAD_SET_FAULT_ENDPOINT, {HINT_HANDLE, HINT_ENDPOINT}},
    {SYS_MEMORY_CLONE, {HINT_MEMORY, HINT_OFFSET, HINT_PAGES}},
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
