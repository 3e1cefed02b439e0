/*
 * object/handle_table.h - per-process handle tables and the capability
 * derivation tree (CDT) that lets a revoke reach every handle derived from
 * another, in every table.
 *
 * A handle value is (generation << 16) | index (see cairn/handle.h). Index 0
 * is never used; the generation of a slot is 1..CAIRN_HANDLE_GEN_MASK and
 * changes every time the slot is freed, so a stale value fails and a guessed
 * value can only name a slot of the table it is looked up in.
 *
 * Slots live in chunks of HANDLE_CHUNK_SLOTS that are allocated on demand and
 * never move, because CDT links point at slots of other tables. Every slot
 * is FREE, LIVE (holds one reference to its object) or REVOKED (an ancestor
 * was revoked: the reference is gone, the slot stays allocated until its
 * owner closes it, and every use fails with CAIRN_E_REVOKED).
 *
 * CDT (as in seL4): a duplicate, a minted copy or a copy sent through IPC is
 * a child of its source; a handle moved through IPC keeps its place. Closing
 * a slot hands its children to its parent, so a later revoke of an ancestor
 * still reaches them.
 *
 * Pure and lock-free: the kernel serialises every call on every table with
 * one global capability lock (CDT links cross tables). The callbacks in
 * struct handle_ops run inside these calls, under that lock, and must not
 * call back into this module; an object whose teardown would destroy a
 * handle table must defer that teardown. Costs: O(1) for every operation
 * except close and move, which are O(direct children of the slot), revoke
 * (bounded by its budget) and destroy (O(slots of the table and their
 * direct children)).
 */
#ifndef CAIRN_OBJECT_HANDLE_TABLE_H
#define CAIRN_OBJECT_HANDLE_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cairn/error.h>
#include <cairn/handle.h>

/* 64 slots of 64 bytes: one chunk is one 4 KiB page. */
#define HANDLE_CHUNK_SLOTS        64u
#define HANDLE_TABLE_MIN_CAPACITY 2u
#define HANDLE_TABLE_MAX_CAPACITY (CAIRN_HANDLE_INDEX_MASK + 1u)

enum handle_slot_state {
    HANDLE_SLOT_FREE = 0,
    HANDLE_SLOT_LIVE = 1,
    HANDLE_SLOT_REVOKED = 2,
};

/*
 * How a table reaches its objects and memory. The table keeps a pointer to
 * this structure, which must outlive it. retain takes one more reference on
 * an object, release drops one; alloc_chunk returns bytes of memory aligned
 * for pointers, or NULL and in *err why not (CAIRN_E_NO_MEMORY, or
 * CAIRN_E_QUOTA when the memory is charged to a quota), which the table
 * call then returns; free_chunk takes back exactly what one alloc_chunk
 * call returned.
 */
struct handle_ops {
    void (*retain)(void *object, enum cairn_object_type type, void *ctx);
    void (*release)(void *object, enum cairn_object_type type, void *ctx);
    void *(*alloc_chunk)(size_t bytes, void *ctx, enum cairn_error *err);
    void (*free_chunk)(void *p, size_t bytes, void *ctx);
    void *ctx;
};

struct handle_table;

/*
 * One capability. After handle_get() the kernel may read object, type,
 * rights and badge; every field is written only by this module.
 */
struct handle_slot {
    void *object;               /* LIVE: the reference this slot holds; else NULL */
    struct handle_table *table; /* the table this slot belongs to, fixed */
    /* CDT links; all NULL in a FREE slot. A root has no siblings. */
    struct handle_slot *parent;
    struct handle_slot *first_child;
    union {
        struct handle_slot *next_sibling; /* LIVE, REVOKED */
        uint32_t next_free;               /* FREE: next free index, 0 ends the list */
    };
    struct handle_slot *prev_sibling;
    uint64_t badge;      /* endpoints: what the receiver sees; 0 means unbadged */
    uint32_t rights;     /* CAIRN_RIGHT_* */
    uint16_t generation; /* 1..CAIRN_HANDLE_GEN_MASK */
    uint8_t type;        /* enum cairn_object_type */
    uint8_t state;       /* enum handle_slot_state */
};
_Static_assert(offsetof(struct handle_slot, type) == offsetof(struct handle_slot, generation) + 2 &&
                   offsetof(struct handle_slot, state) ==
                       offsetof(struct handle_slot, generation) + 3,
               "handle_get_live() reads generation, type and state as one little-endian word");

/* Embeddable; every field is private to this module. */
struct handle_table {
    const struct handle_ops *ops;
    struct handle_slot **chunks; /* directory of ceil(capacity / HANDLE_CHUNK_SLOTS) */
    unsigned capacity;           /* valid indices are 1..capacity-1 */
    unsigned chunks_used;        /* chunks[0..chunks_used-1] are allocated */
    unsigned in_use;             /* LIVE + REVOKED slots */
    uint32_t free_head;          /* first free index of allocated chunks, 0 if none */
    /* Advanced whenever a LIVE slot stops being LIVE (close, move, revoke,
     * destroy): a handle found LIVE while it was e names the same
     * capability for as long as it is still e (handle_table_epoch()). 64
     * bits, so it never wraps. */
    uint64_t epoch;
};

/*
 * The table's epoch, for a reader that remembers what a handle named
 * (the IPC fast path's handle caches, object/ipc_fastpath.c): read it
 * before the lookup (under the lock, or inside a sequence-count window),
 * and later an unchanged epoch means the handle still names the same
 * LIVE slot with the same object, rights and badge. May be read without
 * the lock.
 */
static inline uint64_t handle_table_epoch(const struct handle_table *t)
{
    return __atomic_load_n(&t->epoch, __ATOMIC_ACQUIRE);
}

/*
 * handle_get() for a hot path that needs no error code: the LIVE slot of
 * type holding every right in rights_needed that h names, or NULL. Fewer
 * tests than handle_get(), same answer: index 0 and indices at or above
 * the capacity name slots that are never allocated, so always FREE, and a
 * FREE slot is not LIVE. Only reads the table, so a reader that validates
 * its snapshot afterwards may call it without the lock.
 */
static inline struct handle_slot *handle_get_live(const struct handle_table *t, cairn_handle_t h,
                                                  enum cairn_object_type type,
                                                  uint32_t rights_needed)
{
    uint32_t index = h & CAIRN_HANDLE_INDEX_MASK;
    if (index / HANDLE_CHUNK_SLOTS >= t->chunks_used)
        return NULL;
    struct handle_slot *chunk = t->chunks[index / HANDLE_CHUNK_SLOTS];
    if (!chunk) /* only for a reader racing the table's growth (cap_names()) */
        return NULL;
    struct handle_slot *s = &chunk[index % HANDLE_CHUNK_SLOTS];
    /* generation, type and state are compared as one 32-bit word (the IPC
     * fast path looks up a handle on every call). */
    uint32_t expect =
        (h >> CAIRN_HANDLE_INDEX_BITS) | (uint32_t)type << 16 | (uint32_t)HANDLE_SLOT_LIVE << 24;
    uint32_t got;
    __builtin_memcpy(&got, &s->generation, sizeof(got));
    if (got != expect || (s->rights & rights_needed) != rights_needed)
        return NULL;
    return s;
}

/*
 * Makes t an empty table whose indices run 1..capacity-1. capacity must be
 * HANDLE_TABLE_MIN_CAPACITY..HANDLE_TABLE_MAX_CAPACITY and every callback of
 * ops set. Allocates the chunk directory; slots come later, on demand.
 * Errors: CAIRN_E_INVALID_ARGUMENT, CAIRN_E_NO_MEMORY. On error t is left
 * zeroed: a zeroed table names no handle, has no room (CAIRN_E_NO_HANDLES)
 * and may be destroyed.
 */
enum cairn_error handle_table_init(struct handle_table *t, const struct handle_ops *ops,
                                   unsigned capacity);

/*
 * Closes every slot as handle_close() would (references dropped, children
 * in other tables handed to the nearest ancestor outside t), frees every
 * chunk and leaves t zeroed.
 */
void handle_table_destroy(struct handle_table *t);

/*
 * Installs a root capability (no parent) for object, taking over one
 * reference the caller holds; on failure the caller keeps it. type must be
 * a real object type, rights a subset of CAIRN_RIGHTS_ALL, object non-NULL.
 * Errors: CAIRN_E_INVALID_ARGUMENT, CAIRN_E_NO_HANDLES (table full),
 * CAIRN_E_NO_MEMORY (a new chunk could not be allocated).
 */
enum cairn_error handle_install(struct handle_table *t, void *object, enum cairn_object_type type,
                                uint32_t rights, uint64_t badge, cairn_handle_t *out);

/*
 * Like handle_install(), but the new slot is a child of the LIVE slot
 * parent of t (any type; the caller checked its rights), so that revoking
 * parent or an ancestor reaches it: for an object made from the authority
 * that parent names (an irq object from the irq control). Badge 0.
 * Errors: CAIRN_E_BAD_HANDLE, CAIRN_E_REVOKED (parent), then those of
 * handle_install().
 */
enum cairn_error handle_install_derived(struct handle_table *t, cairn_handle_t parent, void *object,
                                        enum cairn_object_type type, uint32_t rights,
                                        cairn_handle_t *out);

/*
 * Looks h up in t and checks it names a LIVE slot of type (CAIRN_OBJ_NONE:
 * any) holding every right in rights_needed. On success *out (if out is
 * not NULL) is the slot, valid until the next call into this module.
 * Errors, checked in this order: CAIRN_E_BAD_HANDLE (0, index out of range,
 * free slot, wrong generation), CAIRN_E_REVOKED, CAIRN_E_WRONG_TYPE,
 * CAIRN_E_ACCESS_DENIED.
 */
enum cairn_error handle_get(struct handle_table *t, cairn_handle_t h, enum cairn_object_type type,
                            uint32_t rights_needed, struct handle_slot **out);

/*
 * Puts into dst (which may be src) a child of h with the same object and
 * badge and the given rights, which must be a subset of h's. Takes a new
 * reference. Errors: those of handle_get() for CAIRN_RIGHT_DUPLICATE, then
 * CAIRN_E_ACCESS_DENIED (rights not a subset), CAIRN_E_NO_HANDLES,
 * CAIRN_E_NO_MEMORY.
 */
enum cairn_error handle_duplicate(struct handle_table *src, cairn_handle_t h, uint32_t rights,
                                  struct handle_table *dst, cairn_handle_t *out);

/*
 * handle_duplicate() for a handle given away to another table: h needs
 * CAIRN_RIGHT_TRANSFER instead of CAIRN_RIGHT_DUPLICATE; the new slot in
 * dst is a child of h (a revoke of h reaches it). Errors: those of
 * handle_get() for CAIRN_RIGHT_TRANSFER, then CAIRN_E_ACCESS_DENIED (rights
 * not a subset), CAIRN_E_NO_HANDLES, CAIRN_E_NO_MEMORY.
 */
enum cairn_error handle_grant(struct handle_table *src, cairn_handle_t h, uint32_t rights,
                              struct handle_table *dst, cairn_handle_t *out);

/*
 * Like handle_duplicate() within t, but the child carries badge, which must
 * not be 0; h must be an unbadged endpoint. Errors: those of handle_get()
 * for CAIRN_OBJ_ENDPOINT and CAIRN_RIGHT_DUPLICATE, then CAIRN_E_BUSY (h is
 * already badged), CAIRN_E_INVALID_ARGUMENT (badge 0), CAIRN_E_ACCESS_DENIED
 * (rights not a subset), CAIRN_E_NO_HANDLES, CAIRN_E_NO_MEMORY.
 */
enum cairn_error handle_mint(struct handle_table *t, cairn_handle_t h, uint32_t rights,
                             uint64_t badge, cairn_handle_t *out);

/*
 * Gives dst the capability h of src. move: h is freed and the new slot takes
 * its place in the CDT (same parent, same children) and its reference. Copy:
 * the new slot is a child of h with the same rights and badge and a new
 * reference. A new slot is always taken, even when dst is src. Atomic: on
 * any error nothing changed. Errors: those of handle_get() for
 * CAIRN_RIGHT_TRANSFER, then CAIRN_E_NO_HANDLES, CAIRN_E_NO_MEMORY.
 */
enum cairn_error handle_transfer(struct handle_table *src, cairn_handle_t h,
                                 struct handle_table *dst, bool move, cairn_handle_t *out);

/*
 * Makes sure t has n free slots allocated, so the next n slot-taking calls
 * (install, duplicate, mint, transfer) cannot fail for want of room or
 * memory. Errors: CAIRN_E_NO_HANDLES (t cannot hold n more handles; nothing
 * changed), CAIRN_E_NO_MEMORY (a chunk could not be allocated; chunks added
 * on the way stay, which changes no handle).
 */
enum cairn_error handle_table_reserve(struct handle_table *t, unsigned n);

/*
 * Frees the LIVE or REVOKED slot h, dropping its reference if LIVE; its
 * children become children of its parent (roots if it had none).
 * Errors: CAIRN_E_BAD_HANDLE.
 */
enum cairn_error handle_close(struct handle_table *t, cairn_handle_t h);

/*
 * Revokes every descendant of h, in every table: each drops its reference,
 * becomes REVOKED and leaves the CDT. h itself stays valid. Does at most
 * budget units of work, each O(1) plus at most one release (revoking one
 * slot, or moving one slot a level up so it can be reached); n descendants
 * take at most 3n units. *done is set to whether h has no descendant left;
 * call again until it is. Slots derived from h or its descendants between
 * calls are revoked too. Errors: those of handle_get() for
 * CAIRN_RIGHT_REVOKE (*done is then untouched).
 */
enum cairn_error handle_revoke_step(struct handle_table *t, cairn_handle_t h, unsigned budget,
                                    bool *done);

/* The number of LIVE and REVOKED slots of t. */
unsigned handle_table_count(const struct handle_table *t);

#endif
