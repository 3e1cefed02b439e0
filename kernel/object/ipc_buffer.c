/*
 * ipc_buffer.c - IPC buffers and the transfer of long messages between
 * them (see ipc_buffer.h), and the ipc_buffer_set system call.
 */
#include <arch/layout.h>
#include <arch/paging.h>
#include <arch/usercopy.h>
#include <cairn/ipc.h>
#include <core/process.h>
#include <core/sched.h>
#include <core/syscall_table.h>
#include <lib/string.h>
#include <object/ipc_buffer.h>
#include <object/ipc_caps.h>
#include <stddef.h>

_Static_assert(sizeof(struct cairn_ipc_buffer) == PAGE_SIZE, "the IPC buffer is one page");

/* The part of the buffer a sender's system call reads up front. */
struct buffer_header {
    uint32_t caps[CAIRN_IPC_MAX_CAPS];
    uint64_t timeout_ns;
};

_Static_assert(offsetof(struct cairn_ipc_buffer, timeout_ns) -
                       offsetof(struct cairn_ipc_buffer, caps) ==
                   offsetof(struct buffer_header, timeout_ns),
               "the header mirrors the buffer's tail");

enum cairn_error ipc_buffer_load(struct thread *self, uint64_t info, bool timed,
                                 uint64_t *timeout_ns)
{
    struct buffer_header h;
    unsigned ncaps = CAIRN_MSGINFO_CAPS(info);
    if (!self->ipc_buffer)
        return CAIRN_E_BAD_ADDRESS;
    if (!ncaps && !timed)
        return CAIRN_OK;
    if (copy_from_user(&h, self->ipc_buffer + offsetof(struct cairn_ipc_buffer, caps), sizeof(h)) !=
        0)
        return CAIRN_E_BAD_ADDRESS;
    memcpy(self->ipc_caps, h.caps, sizeof(h.caps));
    if (timed)
        *timeout_ns = h.timeout_ns;
    return ipc_caps_check(self->process, self->ipc_caps, ncaps);
}

/* Locks the vm spaces of a and b (one lock when they are the same), in
 * address order so two transfers in opposite directions never deadlock. */
static void spaces_lock(struct process *a, struct process *b)
{
    if (a == b) {
        spin_acquire(&a->vm.lock);
    } else if (a < b) {
        spin_acquire(&a->vm.lock);
        spin_acquire(&b->vm.lock);
    } else {
        spin_acquire(&b->vm.lock);
        spin_acquire(&a->vm.lock);
    }
}

static void spaces_unlock(struct process *a, struct process *b)
{
    spin_release(&a->vm.lock);
    if (a != b)
        spin_release(&b->vm.lock);
}

/* t's buffer page as the kernel reaches it, or NULL when t has none or it
 * is not mapped (writable, when write) in RAM now. t's vm lock held. */
static struct cairn_ipc_buffer *buffer_view(struct thread *t, bool write)
{
    if (!t->ipc_buffer)
        return NULL;
    uint64_t phys =
        paging_user_frame(process_root(t->process), t->ipc_buffer, write ? PTE_WRITE : 0);
    if (!phys || !paging_physmap_covers(phys, PAGE_SIZE))
        return NULL;
    return phys_to_virt(phys);
}

enum cairn_error ipc_transfer(struct thread *from, struct thread *to, uint64_t info,
                              bool *receiver_fault)
{
    size_t bytes = CAIRN_MSGINFO_BYTES(info);
    unsigned ncaps = CAIRN_MSGINFO_CAPS(info);
    struct cairn_ipc_buffer *src = NULL, *dst = NULL;
    enum cairn_error err = CAIRN_OK;

    *receiver_fault = false;
    /* The sender's faults first: they are reported whatever the receiver. */
    if (ncaps)
        err = ipc_caps_check(from->process, from->ipc_caps, ncaps);
    if (err != CAIRN_OK)
        return err;
    spaces_lock(from->process, to->process);
    if (bytes && !(src = buffer_view(from, false))) {
        err = CAIRN_E_BAD_ADDRESS;
    } else if (!(dst = buffer_view(to, true))) {
        err = CAIRN_E_TOO_LARGE;
        *receiver_fault = true;
    } else if (ncaps) {
        err = ipc_caps_transfer(from->process, from->ipc_caps, ncaps, to->process, dst->caps,
                                receiver_fault);
    }
    if (err == CAIRN_OK && bytes)
        memmove(dst->data, src->data, bytes);
    spaces_unlock(from->process, to->process);
    return err;
}

SYSCALL_DEFINE(ipc_buffer_set)
{
    struct thread *self = sched_current();
    struct process *p = self->process;
    if (a0 == 0) {
        self->ipc_buffer = 0;
        return 0;
    }
    if (a0 % PAGE_SIZE)
        return -CAIRN_E_INVALID_ARGUMENT;
    if (!user_range_ok(a0, PAGE_SIZE))
        return -CAIRN_E_BAD_ADDRESS;
    bool irq = spin_lock(&p->vm.lock);
    bool writable = paging_user_frame(process_root(p), a0, PTE_WRITE) != 0;
    spin_unlock(&p->vm.lock, irq);
    if (!writable)
        return -CAIRN_E_BAD_ADDRESS;
    self->ipc_buffer = a0;
    return 0;
}
