/*
 * ipc_caps.c - moving and copying handles through IPC (see ipc_caps.h).
 */
#include <cairn/ipc.h>
#include <core/panic.h>
#include <core/process.h>
#include <object/cap.h>
#include <object/ipc_caps.h>

static cairn_handle_t cap_handle(uint32_t entry)
{
    return entry & ~CAIRN_IPC_CAP_MOVE;
}

static bool cap_moved(uint32_t entry)
{
    return entry & CAIRN_IPC_CAP_MOVE;
}

/* ipc_caps_check with the cap lock held. */
static enum cairn_error caps_check_locked(struct process *p, const uint32_t *list, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        enum cairn_error err = handle_get(&p->handles, cap_handle(list[i]), CAIRN_OBJ_NONE,
                                          CAIRN_RIGHT_TRANSFER, NULL);
        if (err != CAIRN_OK)
            return err;
        /* A moved handle is gone once moved: it cannot be sent again. */
        for (unsigned j = 0; j < i; j++) {
            if (cap_handle(list[j]) == cap_handle(list[i]) &&
                (cap_moved(list[i]) || cap_moved(list[j])))
                return CAIRN_E_INVALID_ARGUMENT;
        }
    }
    return CAIRN_OK;
}

enum cairn_error ipc_caps_check(struct process *p, const uint32_t *list, unsigned n)
{
    bool irq = cap_lock_take();
    enum cairn_error err = caps_check_locked(p, list, n);
    cap_lock_drop(irq);
    return err;
}

enum cairn_error ipc_caps_transfer(struct process *from, const uint32_t *list, unsigned n,
                                   struct process *to, uint32_t *out, bool *receiver_fault)
{
    cairn_handle_t made[CAIRN_IPC_MAX_CAPS];
    ASSERT(n <= CAIRN_IPC_MAX_CAPS, "a message carries at most CAIRN_IPC_MAX_CAPS handles");
    bool irq = cap_lock_take();
    enum cairn_error err = caps_check_locked(from, list, n);
    *receiver_fault = false;
    if (err == CAIRN_OK) {
        err = handle_table_reserve(&to->handles, n);
        *receiver_fault = err != CAIRN_OK;
    }
    /* Checked and reserved: no transfer below can fail, so none is undone. */
    for (unsigned i = 0; err == CAIRN_OK && i < n; i++) {
        enum cairn_error e = handle_transfer(&from->handles, cap_handle(list[i]), &to->handles,
                                             cap_moved(list[i]), &made[i]);
        ASSERT(e == CAIRN_OK, "a checked handle transfers into reserved room");
    }
    cap_lock_drop(irq);
    for (unsigned i = 0; err == CAIRN_OK && i < n; i++)
        out[i] = made[i];
    return err;
}

void ipc_caps_drop_moved(struct process *p, const uint32_t *list, unsigned n)
{
    ASSERT(n <= CAIRN_IPC_MAX_CAPS, "a message carries at most CAIRN_IPC_MAX_CAPS handles");
    bool irq = cap_lock_take();
    for (unsigned i = 0; i < n; i++) {
        if (cap_moved(list[i]))
            handle_close(&p->handles, cap_handle(list[i]));
    }
    cap_lock_drop(irq);
}
