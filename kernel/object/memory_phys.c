/*
 * memory_phys.c - memory objects of a fixed physical range (see
 * memory_phys.h). They share struct memory and its frame lists with
 * anonymous objects, so vm_map maps them the same way; only the
 * destructor tells them apart (memory.c).
 */
#include <arch/layout.h>
#include <mm/frame.h>
#include <object/memory_phys.h>

struct memory *memory_create_physical(uint64_t base, uint64_t size)
{
    uint64_t pages = size / PAGE_SIZE;
    size_t charge; /* nobody is charged: the kernel holds it for ever */
    struct memory *m = memory_alloc(size, &charge);
    if (!m)
        return NULL;
    m->physical = true;
    for (uint64_t page = 0; page < pages; page++) {
        uint64_t l = page / MEMORY_FRAMES_PER_LIST;
        if (page % MEMORY_FRAMES_PER_LIST == 0 && !(m->frame_lists[l] = frame_alloc())) {
            kobject_release(&m->obj);
            return NULL;
        }
        uint64_t *frames = phys_to_virt(m->frame_lists[l]);
        frames[page % MEMORY_FRAMES_PER_LIST] = base + page * PAGE_SIZE;
    }
    return m;
}
