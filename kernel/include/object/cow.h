/*
 * cow.h - copy-on-write clones of memory objects (memory_clone; see
 * docs/syscalls.md).
 *
 * A clone lists the same frames as the range of the source it was made
 * from; each frame then has one owner per object listing it
 * (mm/frame_share.h). While a frame has more than one owner no page table
 * maps it writable, so the first write through any writable mapping of
 * either object faults, and the kernel gives the writing object a copy of
 * its own. Both objects are ordinary memory objects after that: either may
 * be cloned again, mapped anywhere, or destroyed in any order; the last
 * owner of a frame frees it.
 *
 * No CPU may see a frame change under it half-way, so both changes take a
 * TLB shootdown of every address space, done with no lock held, while the
 * object is "unsettled" and every other fault on its pages retries:
 *  - a clone write-protects the source's entries, and the shootdown ends
 *    before the clone's handle exists (a late write through an old entry
 *    lands before the clone, in both objects);
 *  - a copy first holds the page back in every mapping of the object (not
 *    present, so any access faults and retries; a mapping made meanwhile
 *    is held back too), shoots down, and only then
 *    points the entries at the copy and drops the old frame, as Linux's
 *    ptep_clear_flush does: nobody reads the old frame once anyone can
 *    write the new one.
 */
#ifndef CAIRN_OBJECT_COW_H
#define CAIRN_OBJECT_COW_H

#include <object/vm.h>
#include <stdbool.h>
#include <stdint.h>

/* A copy begun by cow_fault() that cow_finish() completes. */
struct cow_copy {
    struct memory *memory; /* NULL: nothing to finish; else a reference is held */
    uint64_t page;         /* the page of memory being copied */
    uint64_t old, copy;    /* the shared frame and its copy */
};

/*
 * A fault at page va inside mapping m, by an access m's protection allows
 * (m->space->lock held). Makes m's entry for va right again and returns
 * true, so that the access may be retried: a write to a frame the object
 * shares begins a copy in *copy, which the caller completes with
 * cow_finish() once it has dropped its lock. Returns false, changing
 * nothing, when no frame is free for the copy.
 */
bool cow_fault(struct vm_mapping *m, uint64_t va, bool write, struct cow_copy *copy);

/* Completes a copy begun by cow_fault(). No locks held. */
void cow_finish(struct cow_copy *copy);

/* A mapping m of m->memory was just made: holds back the page a copy in
 * flight holds back in the object's other mappings, if m shows it.
 * m->memory->lock held. */
void cow_mapping_added(struct vm_mapping *m);

#endif
