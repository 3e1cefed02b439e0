/*
 * cow.c - copy-on-write clones of memory objects: memory_clone and the
 * write faults that end the sharing (see cow.h).
 */
#include <arch/layout.h>
#include <arch/paging.h>
#include <arch/tlb.h>
#include <cairn/error.h>
#include <cairn/vm.h>
#include <core/process.h>
#include <core/sched.h>
#include <core/syscall_table.h>
#include <lib/string.h>
#include <mm/frame.h>
#include <mm/frame_share.h>
#include <object/cap.h>
#include <object/cow.h>
#include <object/memory.h>
#include <object/quota.h>

/* A clone's rights: those of a new object, except EXEC, which it has only
 * when the source handle had it (a copy must not become executable code
 * its holder could not map executable before). */
#define CLONE_RIGHTS                                                                               \
    (CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE | CAIRN_RIGHT_MAP | CAIRN_RIGHT_DUPLICATE |              \
     CAIRN_RIGHT_TRANSFER | CAIRN_RIGHT_REVOKE)

/* The pages of [first, first + count) of its object that mapping m shows:
 * [*lo, *hi), when there are any. */
static bool overlap(const struct vm_mapping *m, uint64_t first, uint64_t count, uint64_t *lo,
                    uint64_t *hi)
{
    uint64_t m_first = m->offset / PAGE_SIZE;
    uint64_t m_end = m_first + (m->end - m->start) / PAGE_SIZE;
    *lo = first > m_first ? first : m_first;
    *hi = first + count < m_end ? first + count : m_end;
    return *lo < *hi;
}

static uint64_t page_address(const struct vm_mapping *m, uint64_t page)
{
    return m->start + page * PAGE_SIZE - m->offset;
}

/* Rewrites the entries of [first, first + count) of mem in every mapping
 * of mem that shows them, from mem's frame list, keeping whether each is
 * held back. mem->lock held. */
static void refresh_pages(struct memory *mem, uint64_t first, uint64_t count)
{
    struct vm_mapping *m;
    list_for_each_entry(m, &mem->mappings, object_link)
    {
        uint64_t lo, hi;
        if (!overlap(m, first, count, &lo, &hi))
            continue;
        spin_acquire(&m->space->pt_lock);
        for (uint64_t page = lo; page < hi; page++) {
            uint64_t frame = memory_frame(mem, page);
            paging_set_user_page(m->root, page_address(m, page), frame,
                                 vm_mapping_pte_flags(m, frame));
        }
        spin_release(&m->space->pt_lock);
    }
}

/* Holds page `page` of mem back in every mapping of mem that shows it, or
 * makes it present again. mem->lock held. */
static void hold_page(struct memory *mem, uint64_t page, bool held)
{
    struct vm_mapping *m;
    list_for_each_entry(m, &mem->mappings, object_link)
    {
        uint64_t lo, hi;
        if (!overlap(m, page, 1, &lo, &hi))
            continue;
        spin_acquire(&m->space->pt_lock);
        paging_set_user_present(m->root, page_address(m, page), !held);
        spin_release(&m->space->pt_lock);
    }
}

bool cow_fault(struct vm_mapping *m, uint64_t va, bool write, struct cow_copy *copy)
{
    struct memory *mem = m->memory;
    uint64_t page = (m->offset + (va - m->start)) / PAGE_SIZE;
    bool resolved = true;
    spin_acquire(&mem->lock);
    uint64_t frame = memory_frame(mem, page);
    if (mem->unsettled) {
        /* A clone or copy is under way: retry once it has settled. */
    } else if (write && !mem->physical && frame_share_shared(frame)) {
        uint64_t fresh = frame_alloc();
        if (fresh) {
            memcpy(phys_to_virt(fresh), phys_to_virt(frame), PAGE_SIZE);
            hold_page(mem, page, true);
            mem->unsettled++;
            mem->copying = page + 1;
            kobject_retain(&mem->obj);
            *copy = (struct cow_copy){.memory = mem, .page = page, .old = frame, .copy = fresh};
        } else {
            resolved = false;
        }
    } else {
        /* Ours alone (another fault may have made the copy meanwhile): the
         * entry only needs the write permission it was denied. */
        spin_acquire(&m->space->pt_lock);
        paging_set_user_page(m->root, va, frame, vm_mapping_pte_flags(m, frame));
        spin_release(&m->space->pt_lock);
    }
    spin_release(&mem->lock);
    return resolved;
}

void cow_finish(struct cow_copy *copy)
{
    struct memory *mem = copy->memory;
    tlb_shootdown_all(); /* nobody can reach the old frame through mem now */
    bool irq = spin_lock(&mem->lock);
    *memory_frame_slot(mem, copy->page) = copy->copy;
    refresh_pages(mem, copy->page, 1);
    hold_page(mem, copy->page, false);
    mem->copying = 0;
    mem->unsettled--;
    spin_unlock(&mem->lock, irq);
    frame_share_put(copy->old);
    kobject_release(&mem->obj);
}

void cow_mapping_added(struct vm_mapping *m)
{
    uint64_t lo, hi;
    if (!m->memory->copying || !overlap(m, m->memory->copying - 1, 1, &lo, &hi))
        return;
    spin_acquire(&m->space->pt_lock);
    paging_set_user_present(m->root, page_address(m, lo), false);
    spin_release(&m->space->pt_lock);
}

/* Makes clone list the frames of [offset, offset + clone->size) of src,
 * as one more owner of each, and write-protects them in every mapping of
 * src; then shoots down every TLB, with src unsettled meanwhile. */
static void share_range(struct memory *src, uint64_t offset, struct memory *clone)
{
    uint64_t first = offset / PAGE_SIZE, pages = clone->size / PAGE_SIZE;
    bool irq = spin_lock(&src->lock);
    for (uint64_t i = 0; i < pages; i++) {
        uint64_t frame = memory_frame(src, first + i);
        frame_share_get(frame);
        *memory_frame_slot(clone, i) = frame;
    }
    refresh_pages(src, first, pages);
    src->unsettled++;
    spin_unlock(&src->lock, irq);
    tlb_shootdown_all();
    irq = spin_lock(&src->lock);
    src->unsettled--;
    spin_unlock(&src->lock, irq);
}

/* Whether handle h (already looked up with READ) also has EXEC. */
static bool handle_has_exec(struct process *p, cairn_handle_t h)
{
    struct kobject *o;
    if (cap_lookup(p, h, CAIRN_OBJ_MEMORY, CAIRN_RIGHT_READ | CAIRN_RIGHT_EXEC, &o, NULL) !=
        CAIRN_OK)
        return false;
    kobject_release(o);
    return true;
}

/* The clone of [offset, offset + length) of src, charged to p, with its
 * frames shared; NULL and *err on failure. */
static struct memory *clone_range(struct process *p, struct memory *src, uint64_t offset,
                                  uint64_t length, enum cairn_error *err)
{
    size_t charge;
    struct memory *clone = memory_alloc(length, &charge);
    if (!clone) {
        *err = CAIRN_E_NO_MEMORY;
        return NULL;
    }
    *err = quota_charge_object(p->quota, &clone->obj, charge);
    if (*err == CAIRN_OK)
        *err = memory_alloc_lists(clone);
    if (*err != CAIRN_OK) {
        kobject_release(&clone->obj);
        return NULL;
    }
    share_range(src, offset, clone);
    return clone;
}

SYSCALL_DEFINE(memory_clone)
{
    uint64_t offset = a1, length = a2;
    struct process *p = sched_current()->process;
    if (length == 0 || offset % PAGE_SIZE || length % PAGE_SIZE)
        return -CAIRN_E_INVALID_ARGUMENT;
    if (a0 > UINT32_MAX)
        return -CAIRN_E_BAD_HANDLE;
    struct kobject *o;
    enum cairn_error err =
        cap_lookup(p, (cairn_handle_t)a0, CAIRN_OBJ_MEMORY, CAIRN_RIGHT_READ, &o, NULL);
    if (err != CAIRN_OK)
        return -(int64_t)err;
    struct memory *src = (struct memory *)o;
    struct memory *clone = NULL;
    if (offset > src->size || length > src->size - offset)
        err = CAIRN_E_INVALID_ARGUMENT;
    else if (src->physical)
        err = CAIRN_E_NOT_SUPPORTED; /* its frames are not the kernel's to share or copy */
    else
        clone = clone_range(p, src, offset, length, &err);
    uint32_t rights = CLONE_RIGHTS;
    if (clone && handle_has_exec(p, (cairn_handle_t)a0))
        rights |= CAIRN_RIGHT_EXEC;
    kobject_release(o);
    if (!clone)
        return -(int64_t)err;
    cairn_handle_t h = CAIRN_HANDLE_NONE;
    err = cap_install(p, &clone->obj, rights, 0, &h);
    if (err != CAIRN_OK) {
        kobject_release(&clone->obj);
        return -(int64_t)err;
    }
    return h;
}
