/*
 * vm_access.c - reading and writing another process's memory: vm_read and
 * vm_write (see docs/syscalls.md).
 *
 * The bytes go through a kernel buffer, so no user copy ever happens under
 * the target's vm lock, and the target's pages are reached through the
 * physical window under that lock, so none can be unmapped and freed
 * while they are copied. Each call is all or nothing: every page of the
 * target range is checked before any byte moves.
 */
#include <arch/layout.h>
#include <arch/paging.h>
#include <arch/usercopy.h>
#include <cairn/error.h>
#include <cairn/process.h>
#include <core/process.h>
#include <core/syscall_table.h>
#include <lib/string.h>
#include <mm/kmalloc.h>

/* Whether every page of [va, va+len) is present in root, and writable
 * when write is set. vm lock held. */
static enum cairn_error check_pages(uint64_t root, uint64_t va, size_t len, bool write)
{
    for (uint64_t page = va & ~(uint64_t)(PAGE_SIZE - 1); page < va + len; page += PAGE_SIZE) {
        uint64_t pte = paging_user_pte(root, page);
        if (!(pte & PTE_PRESENT) || !(pte & PTE_USER))
            return CAIRN_E_NOT_FOUND;
        if (write && !(pte & PTE_WRITE))
            return CAIRN_E_ACCESS_DENIED;
        if (pte & PTE_DEVICE)
            return CAIRN_E_NOT_SUPPORTED;
    }
    return CAIRN_OK;
}

/* Copies between buf and [va, va+len) of root, page by page. vm lock held,
 * pages checked. */
static void copy_pages(uint64_t root, uint64_t va, uint8_t *buf, size_t len, bool write)
{
    while (len) {
        uint64_t in_page = va % PAGE_SIZE;
        size_t n = PAGE_SIZE - in_page < len ? PAGE_SIZE - in_page : len;
        uint8_t *there = (uint8_t *)phys_to_virt(paging_user_pte(root, va) & PTE_ADDR) + in_page;
        if (write)
            memcpy(there, buf, n);
        else
            memcpy(buf, there, n);
        va += n;
        buf += n;
        len -= n;
    }
}

static enum cairn_error access_locked(struct process *p, uint64_t va, uint8_t *buf, size_t len,
                                      bool write)
{
    bool irq = spin_lock(&p->vm.lock);
    uint64_t root = p->root;
    enum cairn_error err = root ? check_pages(root, va, len, write) : CAIRN_E_PEER_DEAD;
    if (err == CAIRN_OK)
        copy_pages(root, va, buf, len, write);
    spin_unlock(&p->vm.lock, irq);
    return err;
}

/* a0 process, a1 address in it, a2 the caller's buffer, a3 length. */
static int64_t vm_access(uint64_t a0, uint64_t va, uint64_t user_buf, uint64_t len, bool write)
{
    if (len > CAIRN_VM_ACCESS_MAX)
        return -CAIRN_E_TOO_LARGE;
    if (!user_range_ok(va, len) || !user_range_ok(user_buf, len))
        return -CAIRN_E_BAD_ADDRESS;
    struct process *p;
    enum cairn_error err = process_get(a0, write ? CAIRN_RIGHT_WRITE : CAIRN_RIGHT_READ, &p);
    if (err != CAIRN_OK)
        return -(int64_t)err;
    uint8_t *buf = len ? kmalloc(len) : NULL;
    if (len && !buf)
        err = CAIRN_E_NO_MEMORY;
    if (err == CAIRN_OK && write && copy_from_user(buf, user_buf, len) != 0)
        err = CAIRN_E_BAD_ADDRESS;
    if (err == CAIRN_OK && len)
        err = access_locked(p, va, buf, len, write);
    if (err == CAIRN_OK && !write && copy_to_user(user_buf, buf, len) != 0)
        err = CAIRN_E_BAD_ADDRESS;
    kfree(buf);
    kobject_release(&p->obj);
    return err == CAIRN_OK ? (int64_t)len : -(int64_t)err;
}

SYSCALL_DEFINE(vm_read)
{
    return vm_access(a0, a1, a2, a3, false);
}

SYSCALL_DEFINE(vm_write)
{
    return vm_access(a0, a1, a2, a3, true);
}
