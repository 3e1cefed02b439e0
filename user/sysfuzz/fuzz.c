/*
 * fuzz.c - the fuzzing loop (see fuzz.h).
 *
 * Each call takes a fixed number of random words whatever happens, so the
 * same seed makes the same choices. The values behind a choice (which
 * handle is the pool's n-th) follow from earlier results; no other thread
 * changes a handle except a server closing the handles a message of the
 * fuzzer's brought, before its call returns (stubs.S, helpers.c), so on a
 * machine with the same number of CPUs (hints draw CPU numbers) a seed
 * replays the same calls, which the digest printed at the end shows.
 */
#include "fuzz.h"
#include "args.h"
#include "call.h"
#include "hints.h"
#include "pool.h"
#include "rng.h"
#include "rules.h"
#include "stats.h"
#include <cairn/error.h>
#include <rt/rt.h>

#define COUNT_OF(a)    (sizeof(a) / sizeof((a)[0]))
#define PROGRESS_EVERY 10000
#define INVALID_ONE_IN 64 /* how often the number itself is invalid */
#define DRAWS          (1 + 2 * CALL_ARGS + RULE_DRAWS)
#define FNV_OFFSET     0xcbf29ce484222325ull
#define FNV_PRIME      0x100000001b3ull

/* Numbers no call has; the high-bit ones would reach null or clock_get if
 * the kernel looked at only the low bits. */
static const uint64_t INVALID_NUMBERS[] = {
    SYS_COUNT,
    SYS_COUNT + 1,
    SYS_COUNT + 0x100,
    0x7fffffff,
    0xffffffff,
    (1ull << 32) | SYS_NULL,
    (1ull << 63) | SYS_CLOCK_GET,
    UINT64_MAX,
};

static uint64_t callable[SYS_COUNT];
static unsigned callable_count;

static void list_callable(void)
{
    callable_count = 0;
    for (uint64_t n = 0; n < SYS_COUNT; n++) {
        if (!rules_forbid(n))
            callable[callable_count++] = n;
    }
}

static bool is_invalid_number(uint64_t number)
{
    return number >= SYS_COUNT;
}

static uint64_t pick_number(uint64_t draw)
{
    if (draw % INVALID_ONE_IN == 0)
        return INVALID_NUMBERS[(draw / INVALID_ONE_IN) % COUNT_OF(INVALID_NUMBERS)];
    return callable[(draw / INVALID_ONE_IN) % callable_count];
}

static void draw_call(struct rng *rng, struct call *c)
{
    uint64_t d[DRAWS];
    for (unsigned i = 0; i < DRAWS; i++)
        d[i] = rng_next(rng);
    c->number = pick_number(d[0]);
    for (unsigned i = 0; i < CALL_ARGS; i++) {
        enum hint hint = hints_for(c->number, i);
        uint64_t kind = d[1 + 2 * i], value = d[2 + 2 * i];
        c->args[i] = hint != HINT_NONE && (kind & 3) ? args_hinted(hint, value)
                                                     : args_draw(kind >> 2, value);
    }
    rules_apply(c, &d[1 + 2 * CALL_ARGS]);
}

static uint64_t digest_call(uint64_t digest, const struct call *c)
{
    digest = (digest ^ c->number) * FNV_PRIME;
    for (unsigned i = 0; i < CALL_ARGS; i++)
        digest = (digest ^ c->args[i]) * FNV_PRIME;
    return digest;
}

/* A result shaped like a handle: slot index and generation both non-zero,
 * bit 31 clear (cairn/handle.h). */
static bool looks_like_handle(long r)
{
    return r > 0 && r <= 0x7fffffff && (r & CAIRN_HANDLE_INDEX_MASK) &&
           (r >> CAIRN_HANDLE_INDEX_BITS);
}

/* A process the fuzzer lets go of is killed first: a thread of it could
 * loop for ever, or stay suspended, and hold its memory past the leak
 * check. */
static void kill_if_process(uint64_t handle)
{
    const struct pool_entry *e = pool_find(handle);
    if (e && e->type == CAIRN_OBJ_PROCESS)
        cairn_process_kill(e->handle);
}

/* Makes room in the pool by closing its oldest handle. */
static void make_room(void)
{
    uint32_t old = pool_evict();
    if (old) {
        struct cairn_handle_info info;
        if (cairn_handle_info(old, &info) == 0 && info.type == CAIRN_OBJ_PROCESS)
            cairn_process_kill(old);
        cairn_handle_close(old);
    }
}

/* A new handle the call returned joins the pool. A duplicate or a mint
 * names the object its source named, with the same helper role. */
static bool adopt(const struct call *c, long r)
{
    struct cairn_handle_info info;
    if (cairn_handle_info((cairn_handle_t)r, &info) != 0)
        return false;
    const struct pool_entry *source = NULL;
    if (c->number == SYS_HANDLE_DUPLICATE || c->number == SYS_HANDLE_MINT)
        source = pool_find(c->args[0]);
    uint32_t object = source ? source->object : pool_new_object();
    enum pool_role role = source ? source->role : ROLE_NONE;
    if (pool_full())
        make_room();
    pool_add((uint32_t)r, info.type, object, role, false);
    return true;
}

static void track(struct fuzz_run *run, const struct call *c, long r)
{
    if (c->number == SYS_HANDLE_CLOSE && r == 0)
        pool_forget((uint32_t)c->args[0]);
    if (looks_like_handle(r) && !pool_find((uint64_t)r) && adopt(c, r))
        run->adopted++;
    if (is_invalid_number(c->number) && r != -CAIRN_E_INVALID_SYSCALL) {
        run->misrouted++;
        rt_printf("sysfuzz: BUG: invalid number %#llx returned %ld\n",
                  (unsigned long long)c->number, r);
    }
}

static void trace(uint64_t index, const struct call *c)
{
    const uint64_t *a = c->args;
    rt_printf("sysfuzz: #%llu %llu(%#llx, %#llx, %#llx, %#llx, %#llx, %#llx)",
              (unsigned long long)index, (unsigned long long)c->number, (unsigned long long)a[0],
              (unsigned long long)a[1], (unsigned long long)a[2], (unsigned long long)a[3],
              (unsigned long long)a[4], (unsigned long long)a[5]);
}

void fuzz_run(struct fuzz_run *run)
{
    struct rng rng;
    uint64_t started = (uint64_t)cairn_clock_get();
    rng_seed(&rng, run->seed);
    list_callable();
    run->digest = FNV_OFFSET;
    for (uint64_t i = 0; i < run->count; i++) {
        struct call c;
        draw_call(&rng, &c);
        run->digest = digest_call(run->digest, &c);
        if (i >= run->trace_from)
            trace(i, &c);
        if (c.number == SYS_HANDLE_CLOSE)
            kill_if_process(c.args[0]);
        long r = call_make(&c);
        if (i >= run->trace_from)
            rt_printf(" = %ld\n", r);
        stats_count(c.number, r);
        track(run, &c, r);
        if ((i + 1) % PROGRESS_EVERY == 0)
            rt_printf("sysfuzz: %llu of %llu calls, %u handles held, %llu ms\n",
                      (unsigned long long)(i + 1), (unsigned long long)run->count, pool_count(),
                      (unsigned long long)((uint64_t)cairn_clock_get() - started) / 1000000);
    }
}

void fuzz_close_all(void)
{
    unsigned i = 0;
    while (i < pool_count()) {
        const struct pool_entry *e = pool_at(i);
        if (e->pinned) {
            i++;
            continue;
        }
        uint32_t h = e->handle;
        kill_if_process(h);
        cairn_handle_close(h);
        pool_forget(h);
    }
}
