/*
 * memory.c - memory objects and memory_create (see memory.h).
 */
#include <arch/layout.h>
#include <cairn/error.h>
#include <cairn/vm.h>
#include <core/panic.h>
#include <core/process.h>
#include <core/sched.h>
#include <core/syscall_table.h>
#include <mm/frame.h>
#include <mm/frame_share.h>
#include <mm/kmalloc.h>
#include <object/cap.h>
#include <object/memory.h>
#include <object/quota.h>

#define MEMORY_RIGHTS                                                                              \
    (CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE | CAIRN_RIGHT_EXEC | CAIRN_RIGHT_MAP |                   \
     CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER | CAIRN_RIGHT_REVOKE)

_Static_assert(CAIRN_PAGE_SIZE == PAGE_SIZE, "the ABI's page is the kernel's page");
_Static_assert(MEMORY_FRAMES_PER_LIST * sizeof(uint64_t) == PAGE_SIZE, "a frame list is a frame");

static uint64_t pages_of(const struct memory *m)
{
    return m->size / PAGE_SIZE;
}

static uint64_t lists_for(uint64_t pages)
{
    return (pages + MEMORY_FRAMES_PER_LIST - 1) / MEMORY_FRAMES_PER_LIST;
}

static uint64_t *frame_list(const struct memory *m, uint64_t list)
{
    return phys_to_virt(m->frame_lists[list]);
}

uint64_t *memory_frame_slot(const struct memory *m, uint64_t page)
{
    ASSERT(page < pages_of(m), "a mapping never reaches past its object");
    return &frame_list(m, page / MEMORY_FRAMES_PER_LIST)[page % MEMORY_FRAMES_PER_LIST];
}

uint64_t memory_frame(const struct memory *m, uint64_t page)
{
    return *memory_frame_slot(m, page);
}

/* Drops the object's ownership of every frame it lists: pages are listed
 * in order, so the first empty slot ends what an interrupted fill or clone
 * got to. */
void memory_destroy_object(struct kobject *o)
{
    struct memory *m = (struct memory *)o;
    ASSERT(list_empty(&m->mappings), "every mapping holds a reference to its object");
    for (uint64_t l = 0; l < lists_for(pages_of(m)) && m->frame_lists[l]; l++) {
        uint64_t *frames = frame_list(m, l);
        for (unsigned i = 0; i < MEMORY_FRAMES_PER_LIST && frames[i] && !m->physical; i++)
            frame_share_put(frames[i]);
        frame_free(m->frame_lists[l]);
    }
    quota_uncharge_object(o);
    kfree(m);
}

struct memory *memory_alloc(uint64_t size, size_t *charge)
{
    uint64_t lists = lists_for(size / PAGE_SIZE);
    size_t bytes = sizeof(struct memory) + lists * sizeof(uint64_t);
    struct memory *m = kzalloc(bytes);
    if (!m)
        return NULL;
    kobject_init(&m->obj, CAIRN_OBJ_MEMORY);
    m->size = size;
    list_init(&m->mappings);
    *charge = bytes + lists * PAGE_SIZE + size;
    return m;
}

enum cairn_error memory_alloc_lists(struct memory *m)
{
    for (uint64_t l = 0; l < lists_for(pages_of(m)); l++) {
        if (!(m->frame_lists[l] = frame_alloc()))
            return CAIRN_E_NO_MEMORY;
    }
    return CAIRN_OK;
}

/* Allocates every page, zeroed (frame_alloc zeroes). On failure the frames
 * so far stay listed for the destructor. */
static enum cairn_error memory_fill(struct memory *m)
{
    for (uint64_t page = 0; page < pages_of(m); page++) {
        uint64_t frame = frame_alloc();
        if (!frame)
            return CAIRN_E_NO_MEMORY;
        *memory_frame_slot(m, page) = frame;
    }
    return CAIRN_OK;
}

SYSCALL_DEFINE(memory_create)
{
    uint64_t size = a0;
    if (size == 0 || size % PAGE_SIZE)
        return -CAIRN_E_INVALID_ARGUMENT;
    if (size > CAIRN_MEMORY_MAX_SIZE)
        return -CAIRN_E_TOO_LARGE;
    size_t charge;
    struct memory *m = memory_alloc(size, &charge);
    if (!m)
        return -CAIRN_E_NO_MEMORY;

    /* Charged before anything big is allocated, so a request the quota
     * cannot cover costs nothing. */
    struct process *p = sched_current()->process;
    enum cairn_error err = quota_charge_object(p->quota, &m->obj, charge);
    if (err == CAIRN_OK)
        err = memory_alloc_lists(m);
    if (err == CAIRN_OK)
        err = memory_fill(m);
    cairn_handle_t h = CAIRN_HANDLE_NONE;
    if (err == CAIRN_OK)
        err = cap_install(p, &m->obj, MEMORY_RIGHTS, 0, &h);
    if (err != CAIRN_OK) {
        kobject_release(&m->obj);
        return -(int64_t)err;
    }
    return h;
}
