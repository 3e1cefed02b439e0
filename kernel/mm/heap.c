/*
 * heap.c - slab allocator for kernel objects.
 *
 * A slab is one page: a HEAP_HDR_SIZE header, then objects of one class. The
 * header's bitmap (bit set = allocated) both finds a free object in at most
 * HEAP_SLAB_WORDS word scans and catches double frees, so no free list is
 * threaded through freed objects for a stray write to corrupt. A full slab sits
 * on no list: heap_free() reaches it through its address.
 */
#include <mm/heap.h>

#include <stdbool.h>

#define HEAP_HDR_SIZE     64u
#define HEAP_PAGE_MASK    ((uintptr_t)HEAP_PAGE_SIZE - 1)
#define HEAP_SLAB_OBJECTS ((HEAP_PAGE_SIZE - HEAP_HDR_SIZE) >> HEAP_MIN_CLASS_SHIFT)
#define HEAP_SLAB_WORDS   ((HEAP_SLAB_OBJECTS + 63) / 64)

#define HEAP_SLAB_MAGIC  0x42414c53u /* "SLAB" */
#define HEAP_LARGE_MAGIC 0x4752414cu /* "LARG" */
/* Written over either header before its page goes back to the page source,
 * so a late second free reads as a double free rather than garbage. */
#define HEAP_FREED_MAGIC 0x45455246u /* "FREE" */

struct heap_slab {
    uint32_t magic;
    uint16_t cls;
    uint16_t nfree;
    struct heap *owner;
    struct heap_slab *prev, *next; /* on the class's partial list */
    uint64_t used[HEAP_SLAB_WORDS];
};

struct heap_large {
    uint32_t magic;
    uint32_t npages;
    struct heap *owner;
};

_Static_assert(sizeof(struct heap_slab) <= HEAP_HDR_SIZE, "slab header outgrew its space");
_Static_assert(sizeof(struct heap_large) <= HEAP_HDR_SIZE, "large header outgrew its space");
_Static_assert(HEAP_HDR_SIZE % HEAP_ALIGN == 0, "objects must stay 16-byte aligned");
_Static_assert((HEAP_MAX_ALLOC + HEAP_HDR_SIZE) / HEAP_PAGE_SIZE + 1 <= UINT32_MAX,
               "npages must fit the large header");

static size_t heap_class_size(unsigned cls)
{
    return (size_t)1 << (cls + HEAP_MIN_CLASS_SHIFT);
}

static unsigned heap_class_capacity(unsigned cls)
{
    return (HEAP_PAGE_SIZE - HEAP_HDR_SIZE) >> (cls + HEAP_MIN_CLASS_SHIFT);
}

/* Smallest class holding size, 1 <= size <= HEAP_MAX_CLASS. */
static unsigned heap_size_class(size_t size)
{
    if (size <= ((size_t)1 << HEAP_MIN_CLASS_SHIFT))
        return 0;
    return (unsigned)(64 - __builtin_clzll((unsigned long long)size - 1)) - HEAP_MIN_CLASS_SHIFT;
}

static void heap_list_push(struct heap_slab **head, struct heap_slab *s)
{
    s->prev = NULL;
    s->next = *head;
    if (*head)
        (*head)->prev = s;
    *head = s;
}

static void heap_list_remove(struct heap_slab **head, struct heap_slab *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else
        *head = s->next;
    if (s->next)
        s->next->prev = s->prev;
}

/* Pages from the source, refusing any that break the alignment contract. */
static void *heap_get_pages(struct heap *h, size_t npages)
{
    void *p = h->src.alloc_pages(npages, h->src.ctx);

    if (p && ((uintptr_t)p & HEAP_PAGE_MASK) != 0) {
        h->src.free_pages(p, npages, h->src.ctx);
        return NULL;
    }
    if (p)
        h->pages_held += npages;
    return p;
}

static void heap_put_pages(struct heap *h, void *p, size_t npages)
{
    *(uint32_t *)p = HEAP_FREED_MAGIC;
    h->pages_held -= npages;
    h->src.free_pages(p, npages, h->src.ctx);
}

static struct heap_slab *heap_slab_new(struct heap *h, unsigned cls)
{
    struct heap_slab *s = heap_get_pages(h, 1);
    unsigned cap = heap_class_capacity(cls);

    if (!s)
        return NULL;
    s->magic = HEAP_SLAB_MAGIC;
    s->cls = (uint16_t)cls;
    s->nfree = (uint16_t)cap;
    s->owner = h;
    s->prev = s->next = NULL;
    /* Bits past the capacity read as allocated so the scan never picks them. */
    for (unsigned w = 0; w < HEAP_SLAB_WORDS; w++) {
        unsigned lo = w * 64;

        if (cap >= lo + 64)
            s->used[w] = 0;
        else if (cap <= lo)
            s->used[w] = ~(uint64_t)0;
        else
            s->used[w] = ~(((uint64_t)1 << (cap - lo)) - 1);
    }
    return s;
}

/* Takes one object from s, which has nfree > 0. */
static void *heap_slab_take(struct heap_slab *s)
{
    for (unsigned w = 0; w < HEAP_SLAB_WORDS; w++) {
        uint64_t avail = ~s->used[w];

        if (avail) {
            unsigned bit = (unsigned)__builtin_ctzll(avail);
            size_t index = w * 64 + bit;

            s->used[w] |= (uint64_t)1 << bit;
            s->nfree--;
            return (char *)s + HEAP_HDR_SIZE + (index << (s->cls + HEAP_MIN_CLASS_SHIFT));
        }
    }
    return NULL;
}

static void *heap_alloc_small(struct heap *h, size_t size)
{
    unsigned cls = heap_size_class(size);
    struct heap_class *c = &h->classes[cls];
    struct heap_slab *s = c->partial;

    if (!s) {
        s = c->spare ? c->spare : heap_slab_new(h, cls);
        if (!s)
            return NULL;
        c->spare = NULL;
        heap_list_push(&c->partial, s);
    }
    void *obj = heap_slab_take(s);

    if (s->nfree == 0)
        heap_list_remove(&c->partial, s);
    h->bytes_in_use += heap_class_size(cls);
    h->allocations++;
    return obj;
}

static void *heap_alloc_large(struct heap *h, size_t size)
{
    size_t npages = (size + HEAP_HDR_SIZE + HEAP_PAGE_SIZE - 1) / HEAP_PAGE_SIZE;
    struct heap_large *l = heap_get_pages(h, npages);

    if (!l)
        return NULL;
    l->magic = HEAP_LARGE_MAGIC;
    l->npages = (uint32_t)npages;
    l->owner = h;
    h->bytes_in_use += npages * HEAP_PAGE_SIZE - HEAP_HDR_SIZE;
    h->allocations++;
    return (char *)l + HEAP_HDR_SIZE;
}

void heap_init(struct heap *h, const struct heap_page_source *src)
{
    for (unsigned i = 0; i < HEAP_NCLASSES; i++) {
        h->classes[i].partial = NULL;
        h->classes[i].spare = NULL;
    }
    h->src = *src;
    h->bytes_in_use = 0;
    h->pages_held = 0;
    h->allocations = 0;
}

void *heap_alloc(struct heap *h, size_t size)
{
    if (size == 0 || size > HEAP_MAX_ALLOC)
        return NULL;
    if (size <= HEAP_MAX_CLASS)
        return heap_alloc_small(h, size);
    return heap_alloc_large(h, size);
}

static enum heap_error heap_free_small(struct heap *h, struct heap_slab *s, uintptr_t offset)
{
    if (s->owner != h || s->cls >= HEAP_NCLASSES || offset < HEAP_HDR_SIZE)
        return HEAP_ERR_INVALID;
    unsigned cls = s->cls, cap = heap_class_capacity(cls);
    uintptr_t rel = offset - HEAP_HDR_SIZE;
    size_t index = rel >> (cls + HEAP_MIN_CLASS_SHIFT);

    if ((rel & (heap_class_size(cls) - 1)) != 0 || index >= cap)
        return HEAP_ERR_INVALID;
    uint64_t bit = (uint64_t)1 << (index % 64);

    if (!(s->used[index / 64] & bit))
        return HEAP_ERR_DOUBLE_FREE;

    struct heap_class *c = &h->classes[cls];
    bool was_full = s->nfree == 0;

    s->used[index / 64] &= ~bit;
    s->nfree++;
    h->bytes_in_use -= heap_class_size(cls);
    h->allocations--;
    if (s->nfree == cap) {
        if (!was_full)
            heap_list_remove(&c->partial, s);
        if (c->spare)
            heap_put_pages(h, s, 1);
        else
            c->spare = s;
    } else if (was_full) {
        heap_list_push(&c->partial, s);
    }
    return HEAP_OK;
}

static enum heap_error heap_free_large(struct heap *h, struct heap_large *l, uintptr_t offset)
{
    if (l->owner != h || offset != HEAP_HDR_SIZE)
        return HEAP_ERR_INVALID;
    h->bytes_in_use -= (size_t)l->npages * HEAP_PAGE_SIZE - HEAP_HDR_SIZE;
    h->allocations--;
    heap_put_pages(h, l, l->npages);
    return HEAP_OK;
}

enum heap_error heap_free(struct heap *h, void *ptr)
{
    uintptr_t addr = (uintptr_t)ptr;
    void *page = (void *)(addr & ~HEAP_PAGE_MASK);

    if (!ptr)
        return HEAP_OK;
    if (addr % HEAP_ALIGN != 0)
        return HEAP_ERR_INVALID;
    switch (*(const uint32_t *)page) {
    case HEAP_SLAB_MAGIC:
        return heap_free_small(h, page, addr & HEAP_PAGE_MASK);
    case HEAP_LARGE_MAGIC:
        return heap_free_large(h, page, addr & HEAP_PAGE_MASK);
    case HEAP_FREED_MAGIC:
        return HEAP_ERR_DOUBLE_FREE;
    }
    return HEAP_ERR_INVALID;
}

size_t heap_usable_size(const void *ptr)
{
    const void *page = (const void *)((uintptr_t)ptr & ~HEAP_PAGE_MASK);

    if (!ptr)
        return 0;
    switch (*(const uint32_t *)page) {
    case HEAP_SLAB_MAGIC: {
        const struct heap_slab *s = page;

        return s->cls < HEAP_NCLASSES ? heap_class_size(s->cls) : 0;
    }
    case HEAP_LARGE_MAGIC: {
        const struct heap_large *l = page;

        return (size_t)l->npages * HEAP_PAGE_SIZE - HEAP_HDR_SIZE;
    }
    }
    return 0;
}

void heap_get_stats(const struct heap *h, struct heap_stats *out)
{
    out->bytes_in_use = h->bytes_in_use;
    out->pages_held = h->pages_held;
    out->allocations = h->allocations;
}

const char *heap_strerror(enum heap_error err)
{
    switch (err) {
    case HEAP_OK:
        return "success";
    case HEAP_ERR_INVALID:
        return "pointer not allocated by this heap";
    case HEAP_ERR_DOUBLE_FREE:
        return "block already freed (double free)";
    }
    return "unknown heap error";
}
