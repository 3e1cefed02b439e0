/*
 * pool.h - the handles the fuzzer holds, and some it held.
 *
 * Every handle of the process is in the pool (the fuzzer adds each new
 * handle a call returns), so a value the pool does not hold names nothing.
 * Each entry knows which kernel object it names, as an id shared by the
 * handles derived from one another, and what the helper threads do with
 * that object: the rules ask this before a call that could otherwise block
 * for ever.
 */
#ifndef CAIRN_SYSFUZZ_POOL_H
#define CAIRN_SYSFUZZ_POOL_H

#include <stdbool.h>
#include <stdint.h>

#define POOL_CAPACITY 128 /* live handles; the oldest is closed to make room */
#define POOL_STALE    32  /* closed handles remembered */

enum pool_role {
    ROLE_ANY,    /* for pool_pick_matching(): whatever the role */
    ROLE_NONE,   /* no helper uses the object */
    ROLE_SERVED, /* an endpoint a server thread answers: ipc_call returns */
    ROLE_CALLED, /* an endpoint a client thread keeps calling: a receive returns */
};

struct pool_entry {
    uint32_t handle;
    uint32_t type;   /* enum cairn_object_type, as handle_info reported it */
    uint32_t object; /* equal for handles to one object */
    enum pool_role role;
    bool pinned;  /* a helper uses it: the fuzzer never closes it */
    uint64_t age; /* order of arrival: the oldest is evicted first */
};

/* A fresh object id, for a handle to an object no other handle names. */
uint32_t pool_new_object(void);

/* Adds a live handle; the pool must not be full. */
void pool_add(uint32_t handle, uint32_t type, uint32_t object, enum pool_role role, bool pinned);

bool pool_full(void);

/* Takes the oldest unpinned entry out, remembering it as stale, and
 * returns its handle for the caller to close; 0 when every entry is pinned. */
uint32_t pool_evict(void);

/* The entry of the handle a register names (a value above 32 bits names
 * none), or NULL. */
const struct pool_entry *pool_find(uint64_t value);

/* Takes a handle that was closed out of the pool; it becomes stale. */
void pool_forget(uint32_t handle);

/* A live handle chosen by draw; 0 when the pool is empty. */
uint32_t pool_pick(uint64_t draw);

/* A live handle of the given object type and role chosen by draw; 0 when
 * the pool holds none. */
uint32_t pool_pick_matching(uint32_t type, enum pool_role role, uint64_t draw);

/* A handle closed earlier chosen by draw; 0 when none was. */
uint32_t pool_pick_stale(uint64_t draw);

unsigned pool_count(void);

/* Entry i, for i below pool_count(); adding or forgetting reorders them. */
const struct pool_entry *pool_at(unsigned i);

#endif
