/*
 * frame.c - the physical frame allocator as the rest of the kernel sees it.
 */
#include <arch/layout.h>
#include <core/log.h>
#include <core/panic.h>
#include <core/spinlock.h>
#include <lib/string.h>
#include <mm/frame.h>
#include <mm/frame_bitmap.h>

#define LOW_MEMORY_END 0x100000
#define BITMAP_LIMIT   0x100000000ull /* the boot page tables map only 4 GiB */

extern char __kernel_end[];

static struct spinlock frame_lock = SPINLOCK_INIT;
static struct frame_bitmap frames; /* frame_lock */
static size_t frames_usable;

static uint64_t page_up(uint64_t a)
{
    return (a + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
}

static uint64_t page_down(uint64_t a)
{
    return a & ~(uint64_t)(PAGE_SIZE - 1);
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

/* Whether [base, base+len) is free of everything the kernel must keep. */
static bool range_is_spare(const struct boot_info *bi, uint64_t base, uint64_t len)
{
    uint64_t kernel_end = virt_to_phys(__kernel_end);
    if (overlaps(base, len, KERNEL_PHYS, kernel_end - KERNEL_PHYS))
        return false;
    for (unsigned i = 0; i < bi->nmodules; i++) {
        const struct boot_module *m = &bi->modules[i];
        if (overlaps(base, len, page_down(m->start), page_up(m->end) - page_down(m->start)))
            return false;
    }
    return true;
}

/* Finds room for the bitmap itself in usable memory below 4 GiB. */
static uint64_t place_bitmap(const struct boot_info *bi, uint64_t bytes)
{
    bytes = page_up(bytes);
    for (unsigned i = 0; i < bi->nregions; i++) {
        const struct boot_memory_region *r = &bi->regions[i];
        if (r->type != BOOT_MEM_USABLE)
            continue;
        uint64_t end = page_down(r->base + r->length);
        for (uint64_t p = page_up(r->base < LOW_MEMORY_END ? LOW_MEMORY_END : r->base);
             p + bytes <= end && p + bytes <= BITMAP_LIMIT; p += PAGE_SIZE) {
            if (range_is_spare(bi, p, bytes))
                return p;
        }
    }
    panic("frame: no room for the frame bitmap (%llu bytes)", (unsigned long long)bytes);
}

void frame_init(const struct boot_info *bi)
{
    uint64_t top = 0;
    for (unsigned i = 0; i < bi->nregions; i++) {
        const struct boot_memory_region *r = &bi->regions[i];
        if (r->type == BOOT_MEM_USABLE && r->base + r->length > top)
            top = r->base + r->length;
    }
    size_t nframes = page_down(top) / PAGE_SIZE;
    uint64_t bitmap_bytes = ((nframes + 63) / 64) * 8;
    uint64_t bitmap_phys = place_bitmap(bi, bitmap_bytes);

    frame_bitmap_init(&frames, phys_to_virt(bitmap_phys), nframes);
    for (unsigned i = 0; i < bi->nregions; i++) {
        const struct boot_memory_region *r = &bi->regions[i];
        uint64_t start = page_up(r->base), end = page_down(r->base + r->length);
        if (r->type == BOOT_MEM_USABLE && end > start)
            frame_bitmap_release(&frames, start / PAGE_SIZE, (end - start) / PAGE_SIZE);
    }
    frame_bitmap_reserve(&frames, 0, LOW_MEMORY_END / PAGE_SIZE);
    frame_bitmap_reserve(&frames, KERNEL_PHYS / PAGE_SIZE,
                         (page_up(virt_to_phys(__kernel_end)) - KERNEL_PHYS) / PAGE_SIZE);
    frame_bitmap_reserve(&frames, bitmap_phys / PAGE_SIZE, page_up(bitmap_bytes) / PAGE_SIZE);
    for (unsigned i = 0; i < bi->nmodules; i++) {
        const struct boot_module *m = &bi->modules[i];
        frame_bitmap_reserve(&frames, page_down(m->start) / PAGE_SIZE,
                             (page_up(m->end) - page_down(m->start)) / PAGE_SIZE);
    }
    frames_usable = frame_bitmap_free_count(&frames);
    log_info("frame: %zu MiB usable in %zu frames, highest usable address %#llx",
             frames_usable / 256, frames_usable, (unsigned long long)top);
}

uint64_t frame_alloc_run(size_t count, size_t align, uint64_t limit)
{
    size_t first;
    size_t limit_frames = limit ? limit / PAGE_SIZE : (size_t)-1;
    bool irq = spin_lock(&frame_lock);
    bool ok = frame_bitmap_alloc(&frames, count, align ? align : 1, limit_frames, &first);
    spin_unlock(&frame_lock, irq);
    if (!ok)
        return 0;
    uint64_t phys = (uint64_t)first * PAGE_SIZE;
    memset(phys_to_virt(phys), 0, count * PAGE_SIZE);
    return phys;
}

uint64_t frame_alloc(void)
{
    return frame_alloc_run(1, 1, 0);
}

void frame_free_run(uint64_t phys, size_t count)
{
    bool irq = spin_lock(&frame_lock);
    enum frame_error err = frame_bitmap_free(&frames, phys / PAGE_SIZE, count);
    spin_unlock(&frame_lock, irq);
    if (err != FRAME_OK)
        panic("frame: freeing %zu frames at %#llx: %s", count, (unsigned long long)phys,
              frame_strerror(err));
}

void frame_free(uint64_t phys)
{
    frame_free_run(phys, 1);
}

size_t frame_free_count(void)
{
    bool irq = spin_lock(&frame_lock);
    size_t n = frame_bitmap_free_count(&frames);
    spin_unlock(&frame_lock, irq);
    return n;
}

size_t frame_total_count(void)
{
    return frames_usable;
}

size_t frame_index_limit(void)
{
    return frames.nframes;
}
