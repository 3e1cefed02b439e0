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
 * Copy-on-write (object/cow.h): a page table entry is writable only while
 * the object owns its frame alone (mm/frame_share.h). A write to a page a
 * writable mapping shows read-only for that reason is resolved here, by
 * vm_resolve_fault(), never sent to a pager.
 *
 * Locking: vm_space.lock serialises every mapping change of the process.
 * The process's root is read under it and is 0 once the process has
 * ended: a call on the space of an ended process fails with
 * CAIRN_E_PEER_DEAD.
 * pt_lock, the innermost lock, serialises every edit of its user page
 * tables after creation: the object code edits the entries of an object's
 * pages in every process that maps it (a clone write-protecting them, a
 * copy-on-write fault pointing them at the copy) while holding only the
 * object's lock. Lock order: vm_space.lock, memory.lock, vm_space.pt_lock.
 * vm_space.lock is dropped before the TLB shootdown (arch/tlb.h); old
 * frames and page tables are released only after the shootdown returns.
 */
#ifndef CAIRN_OBJECT_VM_H
#define CAIRN_OBJECT_VM_H

#include <core/spinlock.h>
#include <lib/list.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct memory;
struct process;
struct quota;

struct vm_space {
    struct spinlock lock;
    struct spinlock pt_lock; /* the user page tables (see above) */
    struct list mappings;    /* lock: struct vm_mapping, by ascending address */
    size_t charged;          /* lock: bytes charged to the quota for records and page tables */
};

struct vm_mapping {
    struct list link;        /* in vm_space.mappings: that space's lock */
    struct list object_link; /* in memory->mappings: memory->lock */
    struct vm_space *space;  /* fixed: the space it belongs to */
    uint64_t root;           /* fixed: that process's page tables */
    uint64_t start, end;     /* [start, end), page-aligned: space->lock and memory->lock */
    struct memory *memory;   /* holds a reference */
    uint64_t offset;         /* the byte of memory that start shows: as start */
    uint32_t prot;           /* CAIRN_PROT_*: as start */
    uint32_t max_prot;       /* the CAIRN_PROT_* the handle's rights allowed at map time */
};

/* An empty space; call before anything can tear the process down. */
void vm_space_init(struct vm_space *vs);

/* At process teardown, once no thread of it runs and before its page
 * tables are freed: drops every mapping and its object reference and
 * returns the whole charge to q. */
void vm_space_teardown(struct vm_space *vs, struct quota *q);

/* The page-table flags (PTE_*) page frame `phys` of m gets: the mapping's
 * protection, without write while the frame is shared, and the object's
 * cache mode (PTE_DEVICE with it for device memory). m->memory->lock
 * held. */
uint64_t vm_mapping_pte_flags(const struct vm_mapping *m, uint64_t phys);

/* A page fault of p at va with x86 error code `error`, in ring 3 or in a
 * user copy of a system call. Resolves it when the access is one a mapping
 * made with vm_map allows, so the kernel itself caused the fault: a write
 * to a page shared copy-on-write (object/cow.h), or any access to a page a
 * copy holds back for a moment. Returns whether the access may be retried.
 * No locks held; may copy a page and shoot down TLBs. */
bool vm_resolve_fault(struct process *p, uint64_t va, uint64_t error);

#endif
