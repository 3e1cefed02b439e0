/*
 * kobject.h - what every kernel object shares: its type, a reference count,
 * and the quota its memory is charged to.
 *
 * References are held by handles, by the kernel (a running thread holds its
 * process), and briefly by system calls between looking an object up and
 * finishing with it. When the last reference goes the object is queued and
 * destroyed by kobject_reap(), which runs with no locks held: destroying an
 * object may close handles, free page tables or wake threads, none of which
 * may happen under the capability lock that dropped the reference.
 */
#ifndef CAIRN_OBJECT_KOBJECT_H
#define CAIRN_OBJECT_KOBJECT_H

#include <cairn/handle.h>
#include <lib/list.h>
#include <stddef.h>
#include <stdint.h>

struct quota;

struct kobject {
    uint32_t refs;       /* atomic */
    uint8_t type;        /* enum cairn_object_type, fixed */
    struct quota *quota; /* charged `charge` bytes for this object; may be NULL */
    size_t charge;
    struct list reap_link; /* on the reap queue once refs reached 0 */
};

/* Starts o with one reference, held by the caller. */
void kobject_init(struct kobject *o, enum cairn_object_type type);

void kobject_retain(struct kobject *o);

/* Drops a reference; at zero the object is queued for kobject_reap(). */
void kobject_release(struct kobject *o);

/* kobject_release() for a caller that must keep every register: the IPC
 * fast path, whose C is built not to touch the message registers and
 * calls this through inline assembly. */
__attribute__((no_caller_saved_registers)) void kobject_release_preserving(struct kobject *o);

/* For hot paths that know another reference to o is held meanwhile, so
 * the count can neither start from nor reach zero: a bare atomic add or
 * subtract (the IPC fast path). */
static inline void kobject_retain_held(struct kobject *o)
{
    __atomic_fetch_add(&o->refs, 1, __ATOMIC_RELAXED);
}

static inline void kobject_release_held(struct kobject *o)
{
    __atomic_fetch_sub(&o->refs, 1, __ATOMIC_RELEASE);
}

/* Destroys every queued object. Call with no locks held and interrupts
 * off (system-call exit, the scheduler's reaper). */
void kobject_reap(void);

/* Per-type destructors, each defined by its object's file; each frees the
 * object's memory and returns its charge (quota_uncharge). */
void process_destroy_object(struct kobject *o);
void thread_destroy_object(struct kobject *o);
void quota_destroy_object(struct kobject *o);
void notification_destroy_object(struct kobject *o);
void endpoint_destroy_object(struct kobject *o);
void reply_destroy_object(struct kobject *o);
void memory_destroy_object(struct kobject *o);
void irq_destroy_object(struct kobject *o);
void irq_control_destroy_object(struct kobject *o);
void ioport_destroy_object(struct kobject *o);
void ioport_control_destroy_object(struct kobject *o);
void device_memory_control_destroy_object(struct kobject *o);
void kernel_log_destroy_object(struct kobject *o);

#endif
