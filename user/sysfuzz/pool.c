/*
 * pool.c - the handles the fuzzer holds (see pool.h).
 */
#include "pool.h"
#include <stddef.h>

static struct pool_entry live[POOL_CAPACITY];
static unsigned live_count;
static uint32_t stale[POOL_STALE];
static unsigned stale_count, stale_next;
static uint32_t objects;
static uint64_t arrivals;

uint32_t pool_new_object(void)
{
    return ++objects;
}

void pool_add(uint32_t handle, uint32_t type, uint32_t object, enum pool_role role, bool pinned)
{
    if (live_count == POOL_CAPACITY)
        return;
    live[live_count++] = (struct pool_entry){handle, type, object, role, pinned, arrivals++};
}

bool pool_full(void)
{
    return live_count == POOL_CAPACITY;
}

static void remember_stale(uint32_t handle)
{
    stale[stale_next] = handle;
    stale_next = (stale_next + 1) % POOL_STALE;
    if (stale_count < POOL_STALE)
        stale_count++;
}

static void remove_at(unsigned i)
{
    remember_stale(live[i].handle);
    live[i] = live[--live_count];
}

uint32_t pool_evict(void)
{
    unsigned oldest = live_count;
    for (unsigned i = 0; i < live_count; i++) {
        if (!live[i].pinned && (oldest == live_count || live[i].age < live[oldest].age))
            oldest = i;
    }
    if (oldest == live_count)
        return 0;
    uint32_t handle = live[oldest].handle;
    remove_at(oldest);
    return handle;
}

const struct pool_entry *pool_find(uint64_t value)
{
    for (unsigned i = 0; i < live_count; i++) {
        if (live[i].handle == value)
            return &live[i];
    }
    return NULL;
}

void pool_forget(uint32_t handle)
{
    for (unsigned i = 0; i < live_count; i++) {
        if (live[i].handle == handle) {
            remove_at(i);
            return;
        }
    }
}

uint32_t pool_pick(uint64_t draw)
{
    return live_count ? live[draw % live_count].handle : 0;
}

static bool matches(const struct pool_entry *e, uint32_t type, enum pool_role role)
{
    return e->type == type && (role == ROLE_ANY || e->role == role);
}

uint32_t pool_pick_matching(uint32_t type, enum pool_role role, uint64_t draw)
{
    unsigned found = 0;
    for (unsigned i = 0; i < live_count; i++)
        found += matches(&live[i], type, role);
    if (!found)
        return 0;
    unsigned wanted = (unsigned)(draw % found);
    for (unsigned i = 0; i < live_count; i++) {
        if (matches(&live[i], type, role) && wanted-- == 0)
            return live[i].handle;
    }
    return 0;
}

uint32_t pool_pick_stale(uint64_t draw)
{
    return stale_count ? stale[draw % stale_count] : 0;
}

unsigned pool_count(void)
{
    return live_count;
}

const struct pool_entry *pool_at(unsigned i)
{
    return &live[i];
}
