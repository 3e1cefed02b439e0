/*
 * vm.c - mapping memory objects into a process (the caller's own, or one
 * it holds a process handle to with MAP): vm_map, vm_unmap and vm_protect
 * (see vm.h and docs/syscalls.md).
 */
#include <arch/layout.h>
#include <arch/paging.h>
#include <arch/tlb.h>
#include <cairn/error.h>
#include <cairn/fault.h>
#include <cairn/vm.h>
#include <core/exec.h>
#include <core/panic.h>
#include <core/process.h>
#include <core/sched.h>
#include <core/syscall_table.h>
#include <mm/frame_share.h>
#include <mm/kmalloc.h>
#include <object/cap.h>
#include <object/cow.h>
#include <object/memory.h>
#include <object/quota.h>
#include <object/vm.h>

#define PROT_ALL (CAIRN_PROT_READ | CAIRN_PROT_WRITE | CAIRN_PROT_EXEC)

_Static_assert(CAIRN_VM_USER_BASE == USER_BASE, "mappings start where user space does");
_Static_assert(CAIRN_VM_USER_END == USER_STACK_TOP - USER_STACK_PAGES * PAGE_SIZE,
               "mappings end below the boot stack");

void vm_space_init(struct vm_space *vs)
{
    list_init(&vs->mappings);
}

static struct vm_mapping *mapping_of(struct list *l)
{
    return list_entry(l, struct vm_mapping, link);
}

/* The quota's own calls charge whole objects; a space's charge grows and
 * shrinks with its records and page tables, so it is kept as one sum here
 * and applied to the quota under its lock. vs->lock held. */
static enum cairn_error space_charge(struct vm_space *vs, struct quota *q, size_t bytes)
{
    bool irq = spin_lock(&q->lock);
    bool fits = bytes <= q->limit - q->used;
    if (fits)
        q->used += bytes;
    spin_unlock(&q->lock, irq);
    if (!fits)
        return CAIRN_E_QUOTA;
    vs->charged += bytes;
    return CAIRN_OK;
}

static void space_uncharge(struct vm_space *vs, struct quota *q, size_t bytes)
{
    ASSERT(bytes <= vs->charged, "a space returns only what it was charged");
    bool irq = spin_lock(&q->lock);
    q->used -= bytes;
    spin_unlock(&q->lock, irq);
    vs->charged -= bytes;
}

void vm_space_teardown(struct vm_space *vs, struct quota *q)
{
    struct vm_mapping *m, *tmp;
    list_for_each_entry_safe(m, tmp, &vs->mappings, link)
    {
        list_remove(&m->link);
        bool irq = spin_lock(&m->memory->lock);
        list_remove(&m->object_link);
        spin_unlock(&m->memory->lock, irq);
        kobject_release(&m->memory->obj);
        kfree(m);
    }
    if (vs->charged)
        space_uncharge(vs, q, vs->charged);
}

static enum cairn_error check_prot(uint64_t prot)
{
    if ((prot & ~(uint64_t)PROT_ALL) || !(prot & CAIRN_PROT_READ))
        return CAIRN_E_INVALID_ARGUMENT;
    if ((prot & CAIRN_PROT_WRITE) && (prot & CAIRN_PROT_EXEC))
        return CAIRN_E_INVALID_ARGUMENT; /* W^X */
    return CAIRN_OK;
}

static enum cairn_error check_range(uint64_t va, uint64_t len)
{
    if (len == 0 || va % PAGE_SIZE || len % PAGE_SIZE)
        return CAIRN_E_INVALID_ARGUMENT;
    if (va < CAIRN_VM_USER_BASE || va > CAIRN_VM_USER_END || len > CAIRN_VM_USER_END - va)
        return CAIRN_E_BAD_ADDRESS;
    return CAIRN_OK;
}

/* The PTE bits of each cache mode (enum memory_cache): PAT entry 3 is
 * uncached, 1 write-combining (cpu_enable_features). */
static const uint64_t cache_pte_flags[] = {
    [MEMORY_CACHE_WRITE_BACK] = 0,
    [MEMORY_CACHE_UNCACHED] = PTE_DEVICE | PTE_PCD | PTE_PWT,
    [MEMORY_CACHE_WRITE_COMBINING] = PTE_DEVICE | PTE_PWT,
};

uint64_t vm_mapping_pte_flags(const struct vm_mapping *m, uint64_t phys)
{
    uint64_t flags = PTE_OBJECT;
    /* A physical object's frames are never shared copy-on-write (and may
     * be beyond RAM, which the owner counts cover). */
    if ((m->prot & CAIRN_PROT_WRITE) && (m->memory->physical || !frame_share_shared(phys)))
        flags |= PTE_WRITE;
    if (!(m->prot & CAIRN_PROT_EXEC))
        flags |= pte_nx;
    return flags | cache_pte_flags[m->memory->cache];
}

/* The handle rights a mapping with prot needs. */
static uint32_t rights_for(uint32_t prot)
{
    uint32_t rights = CAIRN_RIGHT_MAP | CAIRN_RIGHT_READ;
    if (prot & CAIRN_PROT_WRITE)
        rights |= CAIRN_RIGHT_WRITE;
    if (prot & CAIRN_PROT_EXEC)
        rights |= CAIRN_RIGHT_EXEC;
    return rights;
}

/* The protections handle h allows, given that it has `rights`. cap_lookup
 * only answers whether a handle holds rights, so ask about WRITE and EXEC
 * in turn. A handle's rights never change and its value names one slot
 * for the slot's whole life, so the answers describe the handle already
 * looked up (or fail, if it was closed or revoked in between). */
static uint32_t handle_max_prot(struct process *p, cairn_handle_t h, uint32_t rights)
{
    static const struct {
        uint32_t right, prot;
    } optional[] = {{CAIRN_RIGHT_WRITE, CAIRN_PROT_WRITE}, {CAIRN_RIGHT_EXEC, CAIRN_PROT_EXEC}};
    uint32_t max = CAIRN_PROT_READ;
    for (unsigned i = 0; i < sizeof(optional) / sizeof(optional[0]); i++) {
        struct kobject *o;
        if (rights & optional[i].right) {
            max |= optional[i].prot;
        } else if (cap_lookup(p, h, CAIRN_OBJ_MEMORY, rights | optional[i].right, &o, NULL) ==
                   CAIRN_OK) {
            max |= optional[i].prot;
            kobject_release(o);
        }
    }
    return max;
}

/* The first mapping that ends after va, or the list head. vs->lock held. */
static struct list *first_after(struct vm_space *vs, uint64_t va)
{
    struct list *l = vs->mappings.next;
    while (l != &vs->mappings && mapping_of(l)->end <= va)
        l = l->next;
    return l;
}

/* The mapping that va falls strictly inside (not at its start), or NULL. */
static struct vm_mapping *straddling(struct vm_space *vs, uint64_t va)
{
    struct list *l = first_after(vs, va);
    if (l == &vs->mappings || mapping_of(l)->start >= va)
        return NULL;
    return mapping_of(l);
}

/* Whether mappings cover [start, end) with no hole. */
static bool range_covered(struct vm_space *vs, uint64_t start, uint64_t end)
{
    uint64_t at = start;
    for (struct list *l = first_after(vs, start); l != &vs->mappings && at < end; l = l->next) {
        if (mapping_of(l)->start > at)
            return false;
        at = mapping_of(l)->end;
    }
    return at >= end;
}

/* Cuts m in two at va, using the record n for the upper part. */
static void split_mapping(struct vm_mapping *m, uint64_t va, struct vm_mapping *n)
{
    spin_acquire(&m->memory->lock);
    *n = *m;
    n->start = va;
    n->offset = m->offset + (va - m->start);
    m->end = va;
    kobject_retain(&m->memory->obj);
    list_insert_between(&n->link, &m->link, m->link.next);
    list_push_back(&m->memory->mappings, &n->object_link);
    spin_release(&m->memory->lock);
}

/*
 * Makes [start, end) exactly a run of whole mappings, each allowing prot
 * (0: any), splitting those that straddle its ends; nothing changes on an
 * error. Errors: NOT_FOUND (a hole), ACCESS_DENIED, QUOTA and NO_MEMORY
 * (records for the split-off parts). vs->lock held.
 */
static enum cairn_error isolate_range(struct vm_space *vs, struct quota *q, uint64_t start,
                                      uint64_t end, uint32_t prot)
{
    if (!range_covered(vs, start, end))
        return CAIRN_E_NOT_FOUND;
    for (struct list *l = first_after(vs, start); l != &vs->mappings && mapping_of(l)->start < end;
         l = l->next) {
        if (prot & ~mapping_of(l)->max_prot)
            return CAIRN_E_ACCESS_DENIED;
    }
    struct vm_mapping *cut[2] = {straddling(vs, start), straddling(vs, end)};
    struct vm_mapping *spare[2] = {NULL, NULL};
    unsigned needed = (cut[0] != NULL) + (cut[1] != NULL);
    if (needed && space_charge(vs, q, needed * sizeof(struct vm_mapping)) != CAIRN_OK)
        return CAIRN_E_QUOTA;
    for (unsigned i = 0; i < needed; i++) {
        spare[i] = kmalloc(sizeof(struct vm_mapping));
        if (!spare[i]) {
            kfree(spare[0]);
            space_uncharge(vs, q, needed * sizeof(struct vm_mapping));
            return CAIRN_E_NO_MEMORY;
        }
    }
    unsigned used = 0;
    if (cut[0])
        split_mapping(cut[0], start, spare[used++]);
    /* After the first cut the mapping straddling end may be its upper part. */
    if (cut[1])
        split_mapping(straddling(vs, end), end, spare[used++]);
    return CAIRN_OK;
}

/* Installs m (range and object checked) in p. vs->lock held. */
static enum cairn_error map_locked(struct process *p, struct vm_mapping *m)
{
    struct vm_space *vs = &p->vm;
    uint64_t len = m->end - m->start;
    struct list *next = first_after(vs, m->start);
    m->root = p->root;
    if ((next != &vs->mappings && mapping_of(next)->start < m->end) ||
        !paging_user_range_free(p->root, m->start, len))
        return CAIRN_E_BUSY;
    size_t tables = paging_user_tables_missing(p->root, m->start, len);
    size_t charge = sizeof(*m) + tables * PAGE_SIZE;
    enum cairn_error err = space_charge(vs, p->quota, charge);
    if (err != CAIRN_OK)
        return err;
    struct paging_tables reserve = {0};
    if (!paging_tables_reserve(&reserve, tables)) {
        space_uncharge(vs, p->quota, charge);
        return CAIRN_E_NO_MEMORY;
    }
    spin_acquire(&m->memory->lock);
    spin_acquire(&vs->pt_lock);
    for (uint64_t va = m->start; va < m->end; va += PAGE_SIZE) {
        uint64_t frame = memory_frame(m->memory, (m->offset + (va - m->start)) / PAGE_SIZE);
        paging_map_user_reserved(p->root, va, frame, vm_mapping_pte_flags(m, frame), &reserve);
    }
    spin_release(&vs->pt_lock);
    cow_mapping_added(m);
    list_push_back(&m->memory->mappings, &m->object_link);
    spin_release(&m->memory->lock);
    ASSERT(reserve.count == 0, "a mapping adds exactly the tables counted as missing");
    list_insert_between(&m->link, next->prev, next);
    return CAIRN_OK;
}

/* Maps m into p unless p has ended. */
static enum cairn_error map_into(struct process *p, struct vm_mapping *m)
{
    bool irq = spin_lock(&p->vm.lock);
    enum cairn_error err = p->root ? map_locked(p, m) : CAIRN_E_PEER_DEAD;
    spin_unlock(&p->vm.lock, irq);
    return err;
}

/* Maps the caller's memory handle `h` into p. */
static enum cairn_error map_memory(struct process *p, cairn_handle_t h, uint64_t offset,
                                   uint64_t start, uint64_t len, uint32_t prot)
{
    struct process *self = sched_current()->process;
    struct kobject *o;
    uint32_t rights = rights_for(prot);
    enum cairn_error err = cap_lookup(self, h, CAIRN_OBJ_MEMORY, rights, &o, NULL);
    if (err != CAIRN_OK)
        return err;
    struct memory *memory = (struct memory *)o;
    struct vm_mapping *m = NULL;
    if (offset > memory->size || len > memory->size - offset)
        err = CAIRN_E_INVALID_ARGUMENT;
    else if (!(m = kmalloc(sizeof(*m))))
        err = CAIRN_E_NO_MEMORY;
    if (err == CAIRN_OK) {
        *m = (struct vm_mapping){
            .space = &p->vm,
            .start = start,
            .end = start + len,
            .memory = memory,
            .offset = offset,
            .prot = prot,
            .max_prot = handle_max_prot(self, h, rights),
        };
        err = map_into(p, m);
    }
    if (err != CAIRN_OK) {
        kfree(m);
        kobject_release(o);
    }
    return err; /* on success the mapping keeps the lookup's reference */
}

SYSCALL_DEFINE(vm_map)
{
    uint64_t offset = a2, start = a3, len = a4;
    enum cairn_error err = check_prot(a5);
    if (err == CAIRN_OK && offset % PAGE_SIZE)
        err = CAIRN_E_INVALID_ARGUMENT;
    if (err == CAIRN_OK)
        err = check_range(start, len);
    if (err == CAIRN_OK && a1 > UINT32_MAX)
        err = CAIRN_E_BAD_HANDLE;
    struct process *p;
    if (err == CAIRN_OK)
        err = process_get(a0, CAIRN_RIGHT_MAP, &p);
    if (err != CAIRN_OK)
        return -(int64_t)err;
    err = map_memory(p, (cairn_handle_t)a1, offset, start, len, (uint32_t)a5);
    kobject_release(&p->obj);
    return err == CAIRN_OK ? (int64_t)start : -(int64_t)err;
}

static enum cairn_error unmap_range(struct process *p, uint64_t start, uint64_t len)
{
    uint64_t end = start + len;
    struct vm_space *vs = &p->vm;
    struct list gone;
    struct paging_tables freed = {0};
    list_init(&gone);
    bool irq = spin_lock(&vs->lock);
    uint64_t root = p->root;
    enum cairn_error err = root ? isolate_range(vs, p->quota, start, end, 0) : CAIRN_E_PEER_DEAD;
    if (err == CAIRN_OK) {
        size_t records = 0;
        struct list *l = first_after(vs, start);
        while (l != &vs->mappings && mapping_of(l)->start < end) {
            struct list *next = l->next;
            list_remove(l);
            list_push_back(&gone, l);
            records++;
            l = next;
        }
        /* The entries go before the mappings leave their objects' lists, so
         * that an object's lock always covers every entry that shows it. */
        spin_acquire(&vs->pt_lock);
        size_t tables = paging_unmap_user(root, start, len, &freed);
        spin_release(&vs->pt_lock);
        struct vm_mapping *m;
        list_for_each_entry(m, &gone, link)
        {
            spin_acquire(&m->memory->lock);
            list_remove(&m->object_link);
            spin_release(&m->memory->lock);
        }
        space_uncharge(vs, p->quota, records * sizeof(struct vm_mapping) + tables * PAGE_SIZE);
    }
    spin_unlock(&vs->lock, irq);
    if (err != CAIRN_OK)
        return err;

    /* Until every CPU has flushed, old entries may still reach the pages
     * and tables: only now may they go. */
    tlb_shootdown(root, start, len);
    paging_tables_free(&freed);
    struct vm_mapping *m, *tmp;
    list_for_each_entry_safe(m, tmp, &gone, link)
    {
        kobject_release(&m->memory->obj);
        kfree(m);
    }
    return CAIRN_OK;
}

/* Gives m protection prot, page by page: a shared frame stays read-only.
 * m->space->lock held. */
static void protect_mapping(struct vm_mapping *m, uint32_t prot)
{
    spin_acquire(&m->memory->lock);
    m->prot = prot;
    spin_acquire(&m->space->pt_lock);
    for (uint64_t va = m->start; va < m->end; va += PAGE_SIZE) {
        uint64_t frame = memory_frame(m->memory, (m->offset + (va - m->start)) / PAGE_SIZE);
        paging_set_user_page(m->root, va, frame, vm_mapping_pte_flags(m, frame));
    }
    spin_release(&m->space->pt_lock);
    spin_release(&m->memory->lock);
}

SYSCALL_DEFINE(vm_unmap)
{
    struct process *p;
    enum cairn_error err = check_range(a1, a2);
    if (err == CAIRN_OK)
        err = process_get(a0, CAIRN_RIGHT_MAP, &p);
    if (err != CAIRN_OK)
        return -(int64_t)err;
    err = unmap_range(p, a1, a2);
    kobject_release(&p->obj);
    return -(int64_t)err;
}

static enum cairn_error protect_range(struct process *p, uint64_t start, uint64_t len,
                                      uint32_t prot)
{
    uint64_t end = start + len;
    struct vm_space *vs = &p->vm;
    bool irq = spin_lock(&vs->lock);
    uint64_t root = p->root;
    enum cairn_error err = root ? isolate_range(vs, p->quota, start, end, prot) : CAIRN_E_PEER_DEAD;
    if (err == CAIRN_OK) {
        for (struct list *l = first_after(vs, start);
             l != &vs->mappings && mapping_of(l)->start < end; l = l->next)
            protect_mapping(mapping_of(l), prot);
    }
    spin_unlock(&vs->lock, irq);
    if (err == CAIRN_OK)
        tlb_shootdown(root, start, len);
    return err;
}

SYSCALL_DEFINE(vm_protect)
{
    struct process *p;
    enum cairn_error err = check_prot(a3);
    if (err == CAIRN_OK)
        err = check_range(a1, a2);
    if (err == CAIRN_OK)
        err = process_get(a0, CAIRN_RIGHT_MAP, &p);
    if (err != CAIRN_OK)
        return -(int64_t)err;
    err = protect_range(p, a1, a2, (uint32_t)a3);
    kobject_release(&p->obj);
    return -(int64_t)err;
}

bool vm_resolve_fault(struct process *p, uint64_t va, uint64_t error)
{
    if (va >= USER_TOP)
        return false;
    va &= ~(uint64_t)(PAGE_SIZE - 1);
    bool write = error & CAIRN_FAULT_WRITE, exec = error & CAIRN_FAULT_EXEC;
    struct vm_space *vs = &p->vm;
    struct cow_copy copy = {0};
    bool resolved = false;
    bool irq = spin_lock(&vs->lock);
    struct list *l = first_after(vs, va);
    if (l != &vs->mappings && mapping_of(l)->start <= va) {
        struct vm_mapping *m = mapping_of(l);
        bool allowed = (!write || (m->prot & CAIRN_PROT_WRITE)) &&
                       (!exec || (m->prot & CAIRN_PROT_EXEC) || !pte_nx);
        if (allowed)
            resolved = cow_fault(m, va, write, &copy);
    }
    spin_unlock(&vs->lock, irq);
    if (copy.memory)
        cow_finish(&copy);
    return resolved;
}
