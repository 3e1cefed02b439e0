/*
 * frame_share.c - owner counts of shared frames (see frame_share.h).
 */
#include <arch/layout.h>
#include <core/panic.h>
#include <mm/frame.h>
#include <mm/frame_share.h>

static uint32_t *extra_owners; /* atomic: per frame number, owners - 1 */
static size_t limit;

void frame_share_init(void)
{
    limit = frame_index_limit();
    size_t bytes = limit * sizeof(uint32_t);
    uint64_t phys = frame_alloc_run((bytes + PAGE_SIZE - 1) / PAGE_SIZE, 1, 0);
    if (!phys)
        panic("frame_share: no room for %zu owner counts", limit);
    extra_owners = phys_to_virt(phys);
}

static uint32_t *count_of(uint64_t phys)
{
    ASSERT(phys / PAGE_SIZE < limit, "only allocator frames are shared");
    return &extra_owners[phys / PAGE_SIZE];
}

void frame_share_get(uint64_t phys)
{
    uint32_t old = __atomic_fetch_add(count_of(phys), 1, __ATOMIC_RELAXED);
    ASSERT(old != UINT32_MAX, "a frame's owner count never overflows");
}

void frame_share_put(uint64_t phys)
{
    uint32_t *count = count_of(phys);
    if (__atomic_load_n(count, __ATOMIC_ACQUIRE) == 0 ||
        __atomic_fetch_sub(count, 1, __ATOMIC_ACQ_REL) == 0) {
        /* The last owner (a decrement from 0 can only be ours: nobody else
         * owns it, so nobody else changes it). */
        __atomic_store_n(count, 0, __ATOMIC_RELAXED);
        frame_free(phys);
    }
}

bool frame_share_shared(uint64_t phys)
{
    return __atomic_load_n(count_of(phys), __ATOMIC_ACQUIRE) != 0;
}
