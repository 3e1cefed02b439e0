/*
 * memory.h - memory objects: a fixed number of anonymous pages, zeroed and
 * allocated when the object is created, that processes map with vm_map
 * (object/vm.h).
 *
 * Handles and mappings each hold a reference; the frames return to the
 * frame allocator when the last of them goes. The whole cost - the struct,
 * the frame lists and the pages themselves - is charged to the quota of the
 * process that created the object.
 */
#ifndef CAIRN_OBJECT_MEMORY_H
#define CAIRN_OBJECT_MEMORY_H

#include <object/kobject.h>
#include <stdbool.h>
#include <stdint.h>

/* Frame addresses one frame list holds: a list is one frame. */
#define MEMORY_FRAMES_PER_LIST 512u

struct memory {
    struct kobject obj;
    uint64_t size; /* bytes, a whole number of pages; fixed */
    bool physical; /* a physical range it does not own (memory_phys.h): frames never freed */
    uint64_t frame_lists[]; /* physical addresses of the frames listing the pages' frames */
};

/* The physical address of page `page` (below size / PAGE_SIZE) of m. */
uint64_t memory_frame(const struct memory *m, uint64_t page);

#endif
