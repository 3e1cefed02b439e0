/*
 * memory_phys.c - memory objects of a fixed physical range (see
 * memory_phys.h). They share struct memory and its frame lists with
 * anonymous objects, so vm_map maps them the same way; only the
 * destructor tells them apart (memory.c).
 */
#include <arch/layout.h>
#include <mm/frame.h>
#include <object/memory_phys.h>
#include <object/quota.h>

enum cairn_error memory_create_physical(uint64_t base, uint64_t size, enum memory_cache cache,
                                        struct quota *quota, struct memory **out)
{
    size_t charge;
    struct memory *m = memory_alloc(size, &charge);
    if (!m)
        return CAIRN_E_NO_MEMORY;
    m->physical = true;
    m->cache = (uint8_t)cache;
    charge -= size; /* the pages are the range's, not the kernel's */
    enum cairn_error err = quota ? quota_charge_object(quota, &m->obj, charge) : CAIRN_OK;
    if (err == CAIRN_OK)
        err = memory_alloc_lists(m);
    if (err != CAIRN_OK) {
        kobject_release(&m->obj);
        return err;
    }
    for (uint64_t page = 0; page < size / PAGE_SIZE; page++)
        *memory_frame_slot(m, page) = base + page * PAGE_SIZE;
    *out = m;
    return CAIRN_OK;
}
