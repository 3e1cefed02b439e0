/*
 * ioport.c - io-port objects and their system calls: ioport_create,
 * ioport_enable (see ioport.h).
 */
#include <arch/iopb.h>
#include <cairn/error.h>
#include <cairn/ioport.h>
#include <core/panic.h>
#include <core/process.h>
#include <core/sched.h>
#include <core/spinlock.h>
#include <core/syscall_table.h>
#include <mm/kmalloc.h>
#include <object/cap.h>
#include <object/ioport.h>
#include <object/quota.h>

#define IOPORT_RIGHTS                                                                              \
    (CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER |         \
     CAIRN_RIGHT_REVOKE)

/* A process's ports: its bitmap and the grants it is built from. */
struct io_space {
    struct iopb iopb;
    struct list grants; /* ioport_lock */
};

/* One io-port object enabled in one process. */
struct io_grant {
    struct list object_link;  /* in port->grants */
    struct list process_link; /* in space->grants */
    struct ioport *port;
    struct io_space *space;
    struct process *process; /* whose quota pays for the grant */
};

/* The ports of cairn/ioport.h that the kernel keeps. */
static const struct {
    uint32_t base, count;
} reserved[] = {
    {0x20, 2}, {0xa0, 2}, {0x40, 4}, {0x61, 1}, {0x3f8, 8}, {0x510, 12},
};

static struct kobject ioport_control = {
    .refs = 1, /* the kernel's: never destroyed */
    .type = CAIRN_OBJ_IOPORT_CONTROL,
    .reap_link = LIST_INIT(ioport_control.reap_link),
};

static struct spinlock ioport_lock = SPINLOCK_INIT;

struct kobject *ioport_control_object(void)
{
    return &ioport_control;
}

void ioport_control_destroy_object(struct kobject *o)
{
    (void)o;
    panic("ioport: the io-port control lost the kernel's reference");
}

static struct io_space *space_of(struct process *p)
{
    return p->iopb ? (struct io_space *)((char *)p->iopb - offsetof(struct io_space, iopb)) : NULL;
}

/* Rebuilds the bitmap from the grants. Caller holds ioport_lock. */
static void space_rebuild(struct io_space *s)
{
    spin_acquire(&s->iopb.lock);
    iopb_reset(&s->iopb);
    struct io_grant *g, *tmp;
    list_for_each_entry_safe(g, tmp, &s->grants, process_link)
    {
        iopb_open(&s->iopb, g->port->base, g->port->count);
    }
    iopb_publish(&s->iopb);
    spin_release(&s->iopb.lock);
}

/* Takes g out of both lists and frees it. Caller holds ioport_lock. */
static void grant_free(struct io_grant *g)
{
    list_remove(&g->object_link);
    list_remove(&g->process_link);
    quota_uncharge(g->process->quota, sizeof(*g));
    kfree(g);
}

void ioport_destroy_object(struct kobject *o)
{
    struct ioport *port = (struct ioport *)o;
    bool irq = spin_lock(&ioport_lock);
    bool changed = !list_empty(&port->grants);
    while (!list_empty(&port->grants)) {
        struct io_grant *g = list_first_entry(&port->grants, struct io_grant, object_link);
        struct io_space *s = g->space;
        grant_free(g);
        space_rebuild(s);
    }
    spin_unlock(&ioport_lock, irq);
    if (changed)
        iopb_sync();
    quota_uncharge_object(o);
    kfree(port);
}

void ioport_process_teardown(struct process *p)
{
    bool irq = spin_lock(&ioport_lock);
    struct io_space *s = space_of(p);
    if (s) {
        while (!list_empty(&s->grants))
            grant_free(list_first_entry(&s->grants, struct io_grant, process_link));
        p->iopb = NULL;
    }
    spin_unlock(&ioport_lock, irq);
    if (s) {
        quota_uncharge(p->quota, sizeof(*s));
        kfree(s);
    }
}

static bool overlaps_reserved(uint32_t base, uint32_t count)
{
    for (unsigned i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
        if (base < reserved[i].base + reserved[i].count && reserved[i].base < base + count)
            return true;
    }
    return false;
}

SYSCALL_DEFINE(ioport_create)
{
    struct process *p = sched_current()->process;
    struct kobject *control;
    cairn_handle_t h = CAIRN_HANDLE_NONE;

    if (a0 > UINT32_MAX)
        return -CAIRN_E_BAD_HANDLE;
    enum cairn_error err = cap_lookup(p, (cairn_handle_t)a0, CAIRN_OBJ_IOPORT_CONTROL,
                                      CAIRN_RIGHT_MANAGE, &control, NULL);
    if (err != CAIRN_OK)
        return -(int64_t)err;
    kobject_release(control); /* the control is never destroyed */
    if (a2 == 0 || a1 >= CAIRN_IOPORT_COUNT || a2 > CAIRN_IOPORT_COUNT - a1)
        return -CAIRN_E_INVALID_ARGUMENT;
    if (overlaps_reserved((uint32_t)a1, (uint32_t)a2))
        return -CAIRN_E_RESERVED;
    struct ioport *port = kzalloc(sizeof(*port));
    if (!port)
        return -CAIRN_E_NO_MEMORY;
    kobject_init(&port->obj, CAIRN_OBJ_IOPORT);
    port->base = (uint32_t)a1;
    port->count = (uint32_t)a2;
    list_init(&port->grants);
    err = quota_charge_object(p->quota, &port->obj, sizeof(*port));
    if (err == CAIRN_OK)
        err = cap_install_derived(p, (cairn_handle_t)a0, &port->obj, IOPORT_RIGHTS, &h);
    if (err != CAIRN_OK) {
        kobject_release(&port->obj);
        return -(int64_t)err;
    }
    return h;
}

/* Gives p a bitmap if it has none; the spare is the caller's to free. */
static enum cairn_error space_attach(struct process *p, struct io_space **spare)
{
    if (p->iopb)
        return CAIRN_OK;
    enum cairn_error err = quota_charge(p->quota, sizeof(**spare));
    if (err != CAIRN_OK)
        return err;
    list_init(&(*spare)->grants);
    __atomic_store_n(&p->iopb, &(*spare)->iopb, __ATOMIC_RELEASE);
    *spare = NULL;
    return CAIRN_OK;
}

/* Links port to p's space, unless it is there already. Caller holds
 * ioport_lock; the grant is taken from *spare. */
static enum cairn_error grant_add(struct process *p, struct ioport *port, struct io_grant **spare)
{
    struct io_space *s = space_of(p);
    struct io_grant *g, *tmp;
    list_for_each_entry_safe(g, tmp, &port->grants, object_link)
    {
        if (g->space == s)
            return CAIRN_OK;
    }
    enum cairn_error err = quota_charge(p->quota, sizeof(**spare));
    if (err != CAIRN_OK)
        return err;
    g = *spare;
    *spare = NULL;
    *g = (struct io_grant){.port = port, .space = s, .process = p};
    list_push_back(&port->grants, &g->object_link);
    list_push_back(&s->grants, &g->process_link);
    space_rebuild(s);
    return CAIRN_OK;
}

SYSCALL_DEFINE(ioport_enable)
{
    struct process *p = sched_current()->process;
    struct kobject *o;

    if (a0 > UINT32_MAX)
        return -CAIRN_E_BAD_HANDLE;
    enum cairn_error err = cap_lookup(p, (cairn_handle_t)a0, CAIRN_OBJ_IOPORT,
                                      CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE, &o, NULL);
    if (err != CAIRN_OK)
        return -(int64_t)err;
    /* Allocated before the lock is taken; whatever is not used is freed. */
    bool has_space = __atomic_load_n(&p->iopb, __ATOMIC_ACQUIRE) != NULL;
    struct io_space *spare_space = has_space ? NULL : kmalloc(sizeof(*spare_space));
    struct io_grant *spare_grant = kmalloc(sizeof(*spare_grant));
    if ((!has_space && !spare_space) || !spare_grant) {
        err = CAIRN_E_NO_MEMORY;
    } else {
        if (spare_space)
            iopb_init(&spare_space->iopb);
        bool irq = spin_lock(&ioport_lock);
        err = space_attach(p, &spare_space);
        if (err == CAIRN_OK)
            err = grant_add(p, (struct ioport *)o, &spare_grant);
        spin_unlock(&ioport_lock, irq);
    }
    bool opened = err == CAIRN_OK && !spare_grant; /* a new grant was linked */
    if (spare_space)
        kfree(spare_space);
    if (spare_grant)
        kfree(spare_grant);
    kobject_release(o);
    if (opened)
        iopb_sync();
    return -(int64_t)err;
}
