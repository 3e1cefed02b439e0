/*
 * vm.h - a process's mappings of memory objects (vm_map, vm_unmap,
 * vm_protect; see docs/syscalls.md).
 *
 * Each mapping covers a page-aligned range of user space, holds a reference
 * to its memory object and remembers which protections the handle it was
 * made with allowed, so vm_protect can never grant more than that handle
 * did; closing or revoking the handle leaves the mapping in place. Unmap
 * and protect work on any range that mappings cover without a hole,
 * splitting a mapping where the range starts or ends inside it.
 *
 * The process's quota pays for the mapping records and for every page
 * table a mapping adds; an unmap frees page tables left empty and returns
 * their charge. Pages of memory objects carry PTE_OBJECT (arch/paging.h),
 * so tearing down the address space never frees an object's frames.
 *
 * Locking: vm_space.lock serialises every mapping change of the process
 * and every edit of its user page tables after creation. The process's
 * root is read under it and is 0 once the process has ended: a call on
 * the space of an ended process fails with CAIRN_E_PEER_DEAD. It is dropped
 * before the TLB shootdown (arch/tlb.h); old frames and page tables are
 * released only after the shootdown returns.
 */
#ifndef CAIRN_OBJECT_VM_H
#define CAIRN_OBJECT_VM_H

#include <core/spinlock.h>
#include <lib/list.h>
#include <stddef.h>

struct quota;

struct vm_space {
    struct spinlock lock;
    struct list mappings; /* lock: struct vm_mapping (vm.c), by ascending address */
    size_t charged;       /* lock: bytes charged to the quota for records and page tables */
};

/* An empty space; call before anything can tear the process down. */
void vm_space_init(struct vm_space *vs);

/* At process teardown, once no thread of it runs and before its page
 * tables are freed: drops every mapping and its object reference and
 * returns the whole charge to q. */
void vm_space_teardown(struct vm_space *vs, struct quota *q);

#endif
