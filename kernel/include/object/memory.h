/*
 * memory.h - memory objects: a fixed number of anonymous pages, zeroed and
 * allocated when the object is created, that processes map with vm_map
 * (object/vm.h), or a copy-on-write clone of a range of another object
 * (object/cow.h), whose pages start out shared with it.
 *
 * Handles and mappings each hold a reference; each frame has one owner per
 * object listing it (mm/frame_share.h) and returns to the frame allocator
 * when its last owner goes. The whole cost - the struct, the frame lists and
 * size bytes for the pages, whether shared yet or not - is charged to the
 * quota of the process that created the object, so a copy-on-write fault
 * never needs more quota.
 *
 * Locking: lock protects the frame lists after creation and the list of
 * mappings. Lock order: vm_space.lock, then memory.lock, then
 * vm_space.pt_lock (object/vm.h).
 */
#ifndef CAIRN_OBJECT_MEMORY_H
#define CAIRN_OBJECT_MEMORY_H

#include <cairn/error.h>
#include <core/spinlock.h>
#include <lib/list.h>
#include <object/kobject.h>
#include <stdbool.h>
#include <stdint.h>

/* How mappings of an object cache its pages. Anonymous objects and the
 * initial ramdisk are RAM (write-back); device memory (object/device_memory.h)
 * is uncached or write-combining, and the kernel never reaches it through
 * the physical window (PTE_DEVICE, arch/paging.h). */
enum memory_cache {
    MEMORY_CACHE_WRITE_BACK,
    MEMORY_CACHE_UNCACHED,
    MEMORY_CACHE_WRITE_COMBINING,
};

/* Frame addresses one frame list holds: a list is one frame. */
#define MEMORY_FRAMES_PER_LIST 512u

struct memory {
    struct kobject obj;
    uint64_t size; /* bytes, a whole number of pages; fixed */
    struct spinlock lock;
    struct list mappings;   /* lock: struct vm_mapping.object_link, in any process */
    unsigned unsettled;     /* lock: TLB shootdowns in flight for a clone or copy of it */
    uint64_t copying;       /* lock: 1 + the page a copy-on-write copy holds back, or 0 */
    bool physical; /* a physical range it does not own (memory_phys.h): frames never freed */
    uint8_t cache; /* enum memory_cache; fixed */
    uint64_t frame_lists[]; /* physical addresses of the frames listing the pages' frames */
};

/* A new object of size bytes (a whole number of pages) with no frame list
 * yet, and in *charge what it must be charged to its quota. NULL when out
 * of memory. */
struct memory *memory_alloc(uint64_t size, size_t *charge);

/* Allocates m's frame lists, empty. On failure the destructor frees what
 * was allocated. CAIRN_E_NO_MEMORY when out of frames. */
enum cairn_error memory_alloc_lists(struct memory *m);

/* Where m lists the frame of page `page` (below size / PAGE_SIZE). m->lock
 * held, or m not yet visible to anyone else. */
uint64_t *memory_frame_slot(const struct memory *m, uint64_t page);

/* The physical address of page `page` of m; m->lock held, as above. */
uint64_t memory_frame(const struct memory *m, uint64_t page);

#endif
