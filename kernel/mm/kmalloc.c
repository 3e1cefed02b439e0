/*
 * kmalloc.c - the kernel heap: one locked struct heap whose pages are
 * frames seen through the physical-memory window.
 */
#include <arch/layout.h>
#include <core/panic.h>
#include <core/spinlock.h>
#include <lib/string.h>
#include <mm/frame.h>
#include <mm/kmalloc.h>

static struct spinlock heap_lock = SPINLOCK_INIT;
static struct heap kernel_heap; /* heap_lock */

static void *heap_pages_alloc(size_t npages, void *ctx)
{
    (void)ctx;
    uint64_t phys = frame_alloc_run(npages, 1, 0);
    return phys ? phys_to_virt(phys) : NULL;
}

static void heap_pages_free(void *pages, size_t npages, void *ctx)
{
    (void)ctx;
    frame_free_run(virt_to_phys(pages), npages);
}

void kmalloc_init(void)
{
    static const struct heap_page_source source = {heap_pages_alloc, heap_pages_free, NULL};
    heap_init(&kernel_heap, &source);
}

void *kmalloc(size_t size)
{
    bool irq = spin_lock(&heap_lock);
    void *p = heap_alloc(&kernel_heap, size);
    spin_unlock(&heap_lock, irq);
    return p;
}

void *kzalloc(size_t size)
{
    void *p = kmalloc(size);
    if (p)
        memset(p, 0, size);
    return p;
}

void kfree(void *ptr)
{
    bool irq = spin_lock(&heap_lock);
    enum heap_error err = heap_free(&kernel_heap, ptr);
    spin_unlock(&heap_lock, irq);
    if (err != HEAP_OK)
        panic("kmalloc: kfree(%p): %s", ptr, heap_strerror(err));
}

void kmalloc_stats(struct heap_stats *out)
{
    bool irq = spin_lock(&heap_lock);
    heap_get_stats(&kernel_heap, out);
    spin_unlock(&heap_lock, irq);
}
