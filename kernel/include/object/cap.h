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
#include <core/thread.h>
#include <object/kobject.h>
#include <stdbool.h>

struct process;
struct quota;

#define CAP_TABLE_CAPACITY 4096

/* Makes t an empty table whose chunks are charged to q; ops (kept by the
 * table, so it must live as long) is filled in here. Errors: NO_MEMORY,
 * QUOTA; t is then zeroed and may be destroyed. */
enum cairn_error cap_table_init(struct handle_table *t, struct handle_ops *ops, struct quota *q);

/* The cap lock itself, for work on several handles that must be atomic
 * (IPC capability transfer). cap_lock_take returns the interrupt state to
 * give back to cap_lock_drop. */
bool cap_lock_take(void);
void cap_lock_drop(bool irq);
void cap_table_destroy(struct handle_table *t);

/* Looks h up in p's table and returns its object with a new reference (the
 * caller releases it), and the handle's badge. Errors as handle_get(). */
enum cairn_error cap_lookup(struct process *p, cairn_handle_t h, enum cairn_object_type type,
                            uint32_t rights, struct kobject **object, uint64_t *badge);

/* The one capability lock. Only cap.c and the two fast-path helpers below
 * use it. */
extern struct spinlock cap_lock;

/* cap_lookup() for the IPC fast path, with interrupts off: true with
 * *object the object of the LIVE slot of p's table that h names, with type
 * and every right in rights, with a new reference, and memo->badge its badge;
 * false if there is none, and also when the cap lock is taken (the caller
 * then takes the slow path rather than wait). Under the cap lock the check
 * is exactly cap_lookup()'s (generation, revocation, type and rights), or
 * memo's record of it while p's table is still at the epoch memo saw
 * (object/handle_table.h): then no slot of the table has stopped being
 * LIVE since, so the slot still holds its object and reference. memo is
 * the calling thread's own, and must be used with one type and rights. */
static inline bool cap_try_lookup(struct process *p, uint64_t h, enum cairn_object_type type,
                                  uint32_t rights, struct ipc_handle_memo *memo,
                                  struct kobject **object)
{
    if (!spin_try_acquire(&cap_lock))
        return false;
    uint64_t epoch = handle_table_epoch(&p->handles);
    if (__builtin_expect(memo->handle != h || memo->epoch != epoch, 0)) {
        struct handle_slot *slot =
            h >> 32 ? NULL : handle_get_live(&p->handles, (cairn_handle_t)h, type, rights);
        if (!slot) {
            spin_release(&cap_lock);
            return false;
        }
        *memo = (struct ipc_handle_memo){h, epoch, slot->object, slot->badge};
    }
    *object = memo->object;
    kobject_retain_held(*object); /* the slot holds one */
    spin_release(&cap_lock);
    return true;
}

/*
 * Whether h names, in p's table, a LIVE slot of type with every right in
 * rights that holds `expect`, an object the caller keeps alive with a
 * reference of its own. For the IPC fast path, with interrupts off. Takes
 * no lock. memo (the calling thread's own, used with one type and rights)
 * answers while p's table is at the epoch it recorded: no slot has stopped
 * being LIVE since, and a reader that sees the old epoch comes before the
 * change that advances it. Otherwise the slot is read with the ticket
 * lock as a sequence count: every change to any handle table is made with
 * the lock held, and taking it advances `next`; so when `next` equals
 * `serving` before the slot is read (nobody holds it) and is unchanged
 * after (nobody took it meanwhile), the slot read is a snapshot no close,
 * revoke or growth of the table overlapped, and the answer is the one
 * cap_lookup() would have given at that instant: exact (false also when
 * the lock is busy). The epoch recorded is read before that window, so it
 * is never newer than the snapshot. (x86 keeps loads in order; the fences
 * keep the compiler from moving them.) Memory safety while a writer races:
 * the chunk directory and the chunks never move or go while p has a
 * thread, a chunk not yet published reads as NULL, and the slot's object
 * is only compared, never followed.
 */
static inline bool cap_names(struct process *p, uint64_t h, enum cairn_object_type type,
                             uint32_t rights, struct ipc_handle_memo *memo,
                             const struct kobject *expect)
{
    uint64_t epoch = handle_table_epoch(&p->handles);
    if (__builtin_expect(memo->handle == h && memo->epoch == epoch, 1))
        return memo->object == expect;
    uint32_t seq = __atomic_load_n(&cap_lock.serving, __ATOMIC_ACQUIRE);
    if (h >> 32 || __atomic_load_n(&cap_lock.next, __ATOMIC_ACQUIRE) != seq)
        return false;
    struct handle_slot *slot = handle_get_live(&p->handles, (cairn_handle_t)h, type, rights);
    bool named = slot && slot->object == expect;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    if (!named || __atomic_load_n(&cap_lock.next, __ATOMIC_RELAXED) != seq)
        return false;
    *memo = (struct ipc_handle_memo){h, epoch, (struct kobject *)expect, 0};
    return true;
}

/* Gives p a handle to o; on success the handle owns the caller's reference. */
enum cairn_error cap_install(struct process *p, struct kobject *o, uint32_t rights, uint64_t badge,
                             cairn_handle_t *out);

/* Gives p a handle to o derived from p's handle parent (a revoke of parent
 * reaches it); on success the handle owns the caller's reference. Errors
 * as handle_install_derived(). */
enum cairn_error cap_install_derived(struct process *p, cairn_handle_t parent, struct kobject *o,
                                     uint32_t rights, cairn_handle_t *out);

/* Closes a handle the kernel just gave p, when the call that made it fails
 * after all. */
void cap_close(struct process *p, cairn_handle_t h);

/* Gives dst a child of src's handle h with `rights` (a subset of h's; h
 * needs TRANSFER): handle_grant() under the cap lock. CAIRN_E_PEER_DEAD
 * when dst has ended. */
enum cairn_error cap_grant(struct process *src, cairn_handle_t h, uint32_t rights,
                           struct process *dst, cairn_handle_t *out);

#endif
