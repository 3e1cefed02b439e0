/*
 * irq.c - irq objects and their system calls: irq_create, irq_ack (see irq.h).
 */
#include <arch/ioapic.h>
#include <arch/percpu.h>
#include <arch/trap.h>
#include <cairn/error.h>
#include <cairn/irq.h>
#include <core/panic.h>
#include <core/process.h>
#include <core/sched.h>
#include <core/spinlock.h>
#include <core/syscall_table.h>
#include <mm/kmalloc.h>
#include <object/cap.h>
#include <object/irq.h>
#include <object/notification.h>
#include <object/quota.h>

#define IRQ_RIGHTS                                                                                 \
    (CAIRN_RIGHT_MANAGE | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER | CAIRN_RIGHT_REVOKE)
#define IRQ_FLAGS (CAIRN_IRQ_GSI | CAIRN_IRQ_LEVEL | CAIRN_IRQ_ACTIVE_LOW)

/* ISA IRQs the kernel keeps: the PIT (its time keeping), the 8259
 * cascade, COM1 (its console). */
#define ISA_PIT     0
#define ISA_CASCADE 2
#define ISA_COM1    4

_Static_assert(VECTOR_IRQ_BASE + CAIRN_IRQ_MAX_GSI <= VECTOR_TIMER,
               "every GSI has a vector below the kernel's own");

static struct kobject irq_control = {
    .refs = 1, /* the kernel's: never destroyed */
    .type = CAIRN_OBJ_IRQ_CONTROL,
    .reap_link = LIST_INIT(irq_control.reap_link),
};

static struct spinlock irq_lock = SPINLOCK_INIT;
static struct irq *irq_lines[CAIRN_IRQ_MAX_GSI]; /* irq_lock */

struct kobject *irq_control_object(void)
{
    return &irq_control;
}

void irq_control_destroy_object(struct kobject *o)
{
    (void)o;
    panic("irq: the irq control lost the kernel's reference");
}

void irq_interrupt(uint32_t gsi)
{
    spin_acquire(&irq_lock);
    ioapic_set_masked(gsi, true);
    struct irq *q = irq_lines[gsi];
    if (q)
        notification_signal(q->notification, q->bits);
    spin_release(&irq_lock);
}

void irq_destroy_object(struct kobject *o)
{
    struct irq *q = (struct irq *)o;
    if (q->claimed) {
        bool irq = spin_lock(&irq_lock);
        ioapic_set_masked(q->gsi, true);
        irq_lines[q->gsi] = NULL;
        spin_unlock(&irq_lock, irq);
    }
    if (q->notification)
        kobject_release(&q->notification->obj);
    quota_uncharge_object(o);
    kfree(q);
}

static bool isa_reserved(unsigned isa)
{
    return isa == ISA_PIT || isa == ISA_CASCADE || isa == ISA_COM1;
}

/* Whether gsi is the line of an ISA IRQ the kernel keeps. */
static bool gsi_reserved(uint32_t gsi)
{
    static const unsigned kept[] = {ISA_PIT, ISA_CASCADE, ISA_COM1};
    for (unsigned i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
        uint32_t g, flags;
        ioapic_isa_line(kept[i], &g, &flags);
        if (g == gsi)
            return true;
    }
    return false;
}

/* Turns irq_create's line and flags into a GSI and its IOAPIC_* flags. */
static enum cairn_error irq_resolve_line(uint64_t line, uint64_t flags, uint32_t *gsi,
                                         uint32_t *ioapic_flags)
{
    if (flags & ~(uint64_t)IRQ_FLAGS)
        return CAIRN_E_INVALID_ARGUMENT;
    if (!(flags & CAIRN_IRQ_GSI)) {
        if (flags || line >= CAIRN_IRQ_ISA_LINES)
            return CAIRN_E_INVALID_ARGUMENT;
        if (isa_reserved((unsigned)line))
            return CAIRN_E_RESERVED;
        ioapic_isa_line((unsigned)line, gsi, ioapic_flags);
    } else {
        if (line > UINT32_MAX)
            return CAIRN_E_INVALID_ARGUMENT;
        *gsi = (uint32_t)line;
        *ioapic_flags = ((flags & CAIRN_IRQ_LEVEL) ? IOAPIC_LEVEL : 0) |
                        ((flags & CAIRN_IRQ_ACTIVE_LOW) ? IOAPIC_ACTIVE_LOW : 0);
    }
    if (!ioapic_has_gsi(*gsi))
        return CAIRN_E_NOT_FOUND;
    if (*gsi >= CAIRN_IRQ_MAX_GSI || gsi_reserved(*gsi))
        return CAIRN_E_RESERVED;
    return CAIRN_OK;
}

/* Takes the line for q and unmasks it, delivering to the boot CPU. */
static enum cairn_error irq_claim(struct irq *q, uint32_t ioapic_flags)
{
    bool irq = spin_lock(&irq_lock);
    bool free = irq_lines[q->gsi] == NULL;
    if (free) {
        irq_lines[q->gsi] = q;
        q->claimed = true;
        ioapic_route(q->gsi, (uint8_t)(VECTOR_IRQ_BASE + q->gsi), cpus[0].apic_id, ioapic_flags);
        ioapic_set_masked(q->gsi, false);
    }
    spin_unlock(&irq_lock, irq);
    return free ? CAIRN_OK : CAIRN_E_BUSY;
}

static enum cairn_error irq_create(struct process *p, cairn_handle_t control, uint32_t gsi,
                                   uint32_t ioapic_flags, struct notification *n, uint64_t bits,
                                   cairn_handle_t *out)
{
    struct irq *q = kzalloc(sizeof(*q));
    if (!q)
        return CAIRN_E_NO_MEMORY;
    kobject_init(&q->obj, CAIRN_OBJ_IRQ);
    q->gsi = gsi;
    q->bits = bits;
    kobject_retain(&n->obj);
    q->notification = n;
    enum cairn_error err = quota_charge_object(p->quota, &q->obj, sizeof(*q));
    if (err == CAIRN_OK)
        err = irq_claim(q, ioapic_flags);
    if (err == CAIRN_OK)
        err = cap_install_derived(p, control, &q->obj, IRQ_RIGHTS, out);
    if (err != CAIRN_OK)
        kobject_release(&q->obj);
    return err;
}

SYSCALL_DEFINE(irq_create)
{
    struct process *p = sched_current()->process;
    struct kobject *control, *n;
    uint32_t gsi, ioapic_flags;
    cairn_handle_t h = CAIRN_HANDLE_NONE;

    if (a0 > UINT32_MAX || a3 > UINT32_MAX)
        return -CAIRN_E_BAD_HANDLE;
    enum cairn_error err = cap_lookup(p, (cairn_handle_t)a0, CAIRN_OBJ_IRQ_CONTROL,
                                      CAIRN_RIGHT_MANAGE, &control, NULL);
    if (err != CAIRN_OK)
        return -(int64_t)err;
    kobject_release(control); /* the control is never destroyed */
    err = irq_resolve_line(a1, a2, &gsi, &ioapic_flags);
    if (err == CAIRN_OK && (a4 == 0 || (a4 & ~NOTIFICATION_BITS_MASK)))
        err = CAIRN_E_INVALID_ARGUMENT;
    if (err != CAIRN_OK)
        return -(int64_t)err;
    err = cap_lookup(p, (cairn_handle_t)a3, CAIRN_OBJ_NOTIFICATION, CAIRN_RIGHT_SIGNAL, &n, NULL);
    if (err != CAIRN_OK)
        return -(int64_t)err;
    err = irq_create(p, (cairn_handle_t)a0, gsi, ioapic_flags, (struct notification *)n, a4, &h);
    kobject_release(n);
    return err == CAIRN_OK ? (int64_t)h : -(int64_t)err;
}

SYSCALL_DEFINE(irq_ack)
{
    struct kobject *o;
    if (a0 > UINT32_MAX)
        return -CAIRN_E_BAD_HANDLE;
    enum cairn_error err = cap_lookup(sched_current()->process, (cairn_handle_t)a0, CAIRN_OBJ_IRQ,
                                      CAIRN_RIGHT_MANAGE, &o, NULL);
    if (err != CAIRN_OK)
        return -(int64_t)err;
    struct irq *q = (struct irq *)o;
    bool irq = spin_lock(&irq_lock);
    ioapic_set_masked(q->gsi, false);
    spin_unlock(&irq_lock, irq);
    kobject_release(o);
    return 0;
}
