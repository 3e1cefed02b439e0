/*
 * irq.h - interrupt lines as capabilities.
 *
 * The irq control is one kernel object (CAIRN_OBJ_IRQ_CONTROL) that the
 * kernel never destroys; boot programs get a handle to it (core/startup.h).
 * irq_create makes from it an irq object that owns one I/O APIC line (a
 * GSI), bound to a notification and bits. The line is routed to the boot
 * CPU on vector VECTOR_IRQ_BASE + GSI. When it fires the kernel masks it
 * and signals the bits; irq_ack unmasks it. Each GSI has at most one irq
 * object at a time; destroying the object (its last handle closed or
 * revoked) masks the line and frees it for the next claimant.
 *
 * Locks: irq_lock (this file) protects the line table and is taken before
 * a notification's lock; the I/O APIC's own lock is a leaf under it.
 */
#ifndef CAIRN_OBJECT_IRQ_H
#define CAIRN_OBJECT_IRQ_H

#include <object/kobject.h>
#include <stdint.h>

struct notification;

struct irq {
    struct kobject obj;
    uint32_t gsi;                      /* fixed */
    bool claimed;                      /* the line table names this object (irq_lock) */
    struct notification *notification; /* a reference; fixed once claimed */
    uint64_t bits;                     /* what a firing signals; fixed */
};

/* The irq control, for handing out at start-up (core/startup.h). */
struct kobject *irq_control_object(void);

/* The interrupt of gsi arrived (interrupts off, before the EOI): masks the
 * line and signals its irq object's notification, if any. */
void irq_interrupt(uint32_t gsi);

#endif
