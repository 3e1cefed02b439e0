/*
 * cap.h - the kernel's use of handle tables (object/handle_table.h):
 * one capability lock serialises every handle operation, because revoke
 * walks the derivation tree across every process.
 *
 * Lock order: cap lock, then object locks, then run-queue locks. Objects
 * whose last reference a handle operation drops are destroyed later by
 * kobject_reap(), never under the cap lock.
 */
#ifndef CAIRN_OBJECT_CAP_H
#define CAIRN_OBJECT_CAP_H

#include <cairn/error.h>
#include <cairn/handle.h>
#include <object/handle_table.h>
#include <core/process.h>
#include <core/spinlock.h>
#include <object/kobject.h>
#include <stdbool.h>

struct process;

#define CAP_TABLE_CAPACITY 4096

enum cairn_error cap_table_init(struct handle_table *t);
void cap_table_destroy(struct handle_table *t);

/* Looks h up in p's table and returns its object with a new reference (the
 * caller releases it), and the handle's badge. Errors as handle_get(). */
enum cairn_error cap_lookup(struct process *p, cairn_handle_t h, enum cairn_object_type type,
                            uint32_t rights, struct kobject **object, uint64_t *badge);

/* The one capability lock. Only cap.c and cap_try_lookup() below take it. */
extern struct spinlock cap_lock;

/* cap_lookup() for the IPC fast path, with interrupts off: the LIVE slot
 * of p's table that h names, with type and every right in rights, or NULL;
 * NULL also when the cap lock is taken (the caller then takes the slow
 * path rather than wait). Under the cap lock the check is exactly
 * cap_lookup()'s: generation, revocation, type and rights. When `retain`
 * the object gets a reference; otherwise the caller must already hold one
 * (the slot's may go as soon as the lock is released). */
static inline struct kobject *cap_try_lookup(struct process *p, cairn_handle_t h,
                                             enum cairn_object_type type, uint32_t rights,
                                             bool retain, uint64_t *badge)
{
    if (!spin_try_acquire(&cap_lock))
        return NULL;
    struct handle_slot *slot = handle_get_live(&p->handles, h, type, rights);
    struct kobject *o = NULL;
    if (slot) {
        o = slot->object;
        *badge = slot->badge;
        if (retain)
            kobject_retain_held(o); /* the slot holds one */
    }
    spin_release(&cap_lock);
    return o;
}

/* Gives p a handle to o; on success the handle owns the caller's reference. */
enum cairn_error cap_install(struct process *p, struct kobject *o, uint32_t rights, uint64_t badge,
                             cairn_handle_t *out);

#endif
