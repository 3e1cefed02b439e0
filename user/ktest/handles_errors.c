/*
 * handles_errors.c - handle_close, _duplicate, _mint, _revoke and _info:
 * each documented error provoked with a stale, revoked, wrong-type or
 * under-privileged handle, and each success checked by what it changes
 * (the new handle's rights and badge, the object it shares, what a revoke
 * spares).
 */
#include "ktest.h"
#include "leak.h"
#include "threads.h"
#include <cairn/error.h>
#include <cairn/system.h>
#include <rt/ipc.h>

#define ALL_ENDPOINT_RIGHTS                                                                        \
    (CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_WAIT | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER |        \
     CAIRN_RIGHT_REVOKE)

static long raw_mint(uint64_t handle, uint64_t rights, uint64_t badge)
{
    return ktest_syscall6(SYS_HANDLE_MINT, handle, rights, badge, 0, 0, 0);
}

KTEST(handle_close_rejects_a_generation_no_slot_has, KTEST_QUICK)
{
    long n = cairn_notification_create();
    EXPECT_ERR(cairn_handle_close((uint32_t)n | 0x80000000u), CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(cairn_handle_close((uint32_t)n ^ 0x10000u), CAIRN_E_BAD_HANDLE);
    EXPECT_EQ(cairn_notification_signal(n, 1), 0); /* untouched */
    EXPECT_EQ(cairn_handle_close(n), 0);
}

KTEST(handle_close_keeps_derived_handles_working, KTEST_QUICK)
{
    long root = cairn_notification_create();
    long child = cairn_handle_duplicate(root, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_WAIT);
    EXPECT_EQ(cairn_handle_close(root), 0);
    EXPECT_EQ(cairn_notification_signal(child, 2), 0);
    EXPECT_EQ(cairn_notification_wait(child, 0), 2);
    EXPECT_EQ(cairn_handle_close(child), 0);
}

KTEST(handle_duplicate_rejects_a_closed_handle, KTEST_QUICK)
{
    long n = cairn_notification_create();
    EXPECT_EQ(cairn_handle_close(n), 0);
    EXPECT_ERR(cairn_handle_duplicate(n, CAIRN_RIGHT_SIGNAL), CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(cairn_handle_duplicate(0, 0), CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(ktest_syscall(SYS_HANDLE_DUPLICATE, -1, 0), CAIRN_E_BAD_HANDLE);
}

KTEST(handle_duplicate_rejects_a_revoked_handle, KTEST_QUICK)
{
    long n = cairn_notification_create();
    long child = cairn_handle_duplicate(n, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE);
    EXPECT_EQ(cairn_handle_revoke(n), 0);
    EXPECT_ERR(cairn_handle_duplicate(child, CAIRN_RIGHT_SIGNAL), CAIRN_E_REVOKED);
    cairn_handle_close(child);
    cairn_handle_close(n);
}

KTEST(handle_duplicate_gives_exactly_the_rights_asked, KTEST_QUICK)
{
    struct cairn_handle_info info;
    long e = cairn_endpoint_create();
    long dup = cairn_handle_duplicate(e, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_TRANSFER);
    EXPECT_EQ(cairn_handle_info(dup, &info), 0);
    EXPECT_EQ(info.type, CAIRN_OBJ_ENDPOINT);
    EXPECT_EQ(info.rights, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_TRANSFER);
    EXPECT_EQ(info.badge, 0);
    long same = cairn_handle_duplicate(e, ALL_ENDPOINT_RIGHTS);
    EXPECT_EQ(cairn_handle_info(same, &info), 0);
    EXPECT_EQ(info.rights, ALL_ENDPOINT_RIGHTS);
    cairn_handle_close(same);
    cairn_handle_close(dup);
    cairn_handle_close(e);
}

KTEST(handle_duplicate_shares_the_object, KTEST_QUICK)
{
    long n = cairn_notification_create();
    long dup = cairn_handle_duplicate(n, CAIRN_RIGHT_SIGNAL);
    EXPECT_TRUE(dup > 0 && dup != n);
    EXPECT_EQ(cairn_notification_signal(dup, 0x11), 0);
    EXPECT_EQ(cairn_notification_wait(n, 0), 0x11);
    cairn_handle_close(dup);
    cairn_handle_close(n);
}

KTEST(handle_duplicate_with_no_rights_can_only_be_described, KTEST_QUICK)
{
    struct cairn_handle_info info;
    long n = cairn_notification_create();
    long none = cairn_handle_duplicate(n, 0);
    EXPECT_TRUE(none > 0);
    EXPECT_EQ(cairn_handle_info(none, &info), 0);
    EXPECT_EQ(info.type, CAIRN_OBJ_NOTIFICATION);
    EXPECT_EQ(info.rights, 0);
    EXPECT_ERR(cairn_notification_signal(none, 1), CAIRN_E_ACCESS_DENIED);
    EXPECT_ERR(cairn_notification_wait(none, 0), CAIRN_E_ACCESS_DENIED);
    EXPECT_ERR(cairn_handle_duplicate(none, 0), CAIRN_E_ACCESS_DENIED);
    EXPECT_ERR(cairn_handle_revoke(none), CAIRN_E_ACCESS_DENIED);
    EXPECT_EQ(cairn_handle_close(none), 0);
    cairn_handle_close(n);
}

KTEST(handle_duplicate_cannot_add_unknown_rights, KTEST_QUICK)
{
    long n = cairn_notification_create();
    EXPECT_ERR(cairn_handle_duplicate(n, CAIRN_RIGHT_SIGNAL | (1u << 20)), CAIRN_E_ACCESS_DENIED);
    EXPECT_ERR(cairn_handle_duplicate(n, 0x80000000u), CAIRN_E_ACCESS_DENIED);
    EXPECT_ERR(cairn_handle_duplicate(n, CAIRN_RIGHT_MAP), CAIRN_E_ACCESS_DENIED);
    cairn_handle_close(n);
}

KTEST(handle_duplicate_keeps_the_type_of_every_object, KTEST_QUICK)
{
    struct cairn_handle_info info;
    long sources[] = {cairn_notification_create(), cairn_endpoint_create(),
                      cairn_memory_create(4096)};
    static const uint32_t types[] = {CAIRN_OBJ_NOTIFICATION, CAIRN_OBJ_ENDPOINT, CAIRN_OBJ_MEMORY};
    for (unsigned i = 0; i < 3; i++) {
        long dup = cairn_handle_duplicate(sources[i], CAIRN_RIGHT_DUPLICATE);
        EXPECT_TRUE(dup > 0);
        EXPECT_EQ(cairn_handle_info(dup, &info), 0);
        EXPECT_EQ(info.type, types[i]);
        EXPECT_EQ(info.rights, CAIRN_RIGHT_DUPLICATE);
        cairn_handle_close(dup);
        cairn_handle_close(sources[i]);
    }
}

KTEST(handle_mint_rejects_a_closed_handle, KTEST_QUICK)
{
    long e = cairn_endpoint_create();
    EXPECT_EQ(cairn_handle_close(e), 0);
    EXPECT_ERR(cairn_handle_mint(e, CAIRN_RIGHT_SIGNAL, 1), CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(raw_mint((1ull << 32) | (uint64_t)e, CAIRN_RIGHT_SIGNAL, 1), CAIRN_E_BAD_HANDLE);
}

KTEST(handle_mint_rejects_a_revoked_handle, KTEST_QUICK)
{
    long e = cairn_endpoint_create();
    long child = cairn_handle_duplicate(e, ALL_ENDPOINT_RIGHTS);
    EXPECT_EQ(cairn_handle_revoke(e), 0);
    EXPECT_ERR(cairn_handle_mint(child, CAIRN_RIGHT_SIGNAL, 1), CAIRN_E_REVOKED);
    cairn_handle_close(child);
    cairn_handle_close(e);
}

KTEST(handle_mint_rejects_memory_handles, KTEST_QUICK)
{
    long m = cairn_memory_create(4096);
    EXPECT_ERR(cairn_handle_mint(m, CAIRN_RIGHT_READ, 1), CAIRN_E_WRONG_TYPE);
    cairn_handle_close(m);
}

KTEST(handle_mint_needs_the_duplicate_right, KTEST_QUICK)
{
    long e = cairn_endpoint_create();
    long no_dup = cairn_handle_duplicate(e, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_WAIT);
    EXPECT_ERR(cairn_handle_mint(no_dup, CAIRN_RIGHT_SIGNAL, 1), CAIRN_E_ACCESS_DENIED);
    cairn_handle_close(no_dup);
    cairn_handle_close(e);
}

KTEST(handle_mint_cannot_add_rights, KTEST_QUICK)
{
    long e = cairn_endpoint_create();
    long call_only = cairn_handle_duplicate(e, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE);
    EXPECT_ERR(cairn_handle_mint(call_only, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_WAIT, 1),
               CAIRN_E_ACCESS_DENIED);
    EXPECT_ERR(cairn_handle_mint(call_only, CAIRN_RIGHT_REVOKE, 1), CAIRN_E_ACCESS_DENIED);
    long ok = cairn_handle_mint(call_only, CAIRN_RIGHT_SIGNAL, 1);
    EXPECT_TRUE(ok > 0);
    cairn_handle_close(ok);
    cairn_handle_close(call_only);
    cairn_handle_close(e);
}

/* A badge is for ever: a duplicate of a badged handle keeps the badge
 * and cannot be minted again. */
KTEST(handle_mint_refuses_a_duplicate_of_a_badged_handle, KTEST_QUICK)
{
    struct cairn_handle_info info;
    long e = cairn_endpoint_create();
    long badged = cairn_handle_mint(e, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE, 3);
    long copy = cairn_handle_duplicate(badged, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE);
    EXPECT_EQ(cairn_handle_info(copy, &info), 0);
    EXPECT_EQ(info.badge, 3);
    EXPECT_ERR(cairn_handle_mint(copy, CAIRN_RIGHT_SIGNAL, 4), CAIRN_E_BUSY);
    EXPECT_EQ(cairn_handle_info(copy, &info), 0);
    EXPECT_EQ(info.badge, 3);
    cairn_handle_close(copy);
    cairn_handle_close(badged);
    cairn_handle_close(e);
}

KTEST(handle_mint_rejects_rights_above_32_bits, KTEST_QUICK)
{
    long e = cairn_endpoint_create();
    EXPECT_ERR(raw_mint((uint64_t)e, (1ull << 32) | CAIRN_RIGHT_SIGNAL, 1),
               CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(raw_mint((uint64_t)e, ~0ull, 1), CAIRN_E_INVALID_ARGUMENT);
    cairn_handle_close(e);
}

static void receive_badge(uint64_t endpoint)
{
    struct cairn_msg m;
    if (rt_ipc_recv((cairn_handle_t)endpoint, UINT64_MAX, &m) == 0) {
        m.words[0] = m.badge;
        rt_ipc_reply(&m);
    }
    kt_thread_done();
}

KTEST(handle_mint_keeps_all_64_badge_bits, KTEST_QUICK)
{
    struct cairn_handle_info info;
    long e = cairn_endpoint_create();
    long badged = cairn_handle_mint(e, CAIRN_RIGHT_SIGNAL, ~0ull);
    EXPECT_TRUE(badged > 0);
    EXPECT_EQ(cairn_handle_info(badged, &info), 0);
    EXPECT_EQ(info.badge, ~0ull);
    EXPECT_EQ(info.rights, CAIRN_RIGHT_SIGNAL);
    EXPECT_TRUE(kt_spawn(receive_badge, (uint64_t)e, RT_AFFINITY_ANY) > 0);
    struct cairn_msg m = {.info = CAIRN_MSGINFO(1)};
    EXPECT_EQ(rt_ipc_call(badged, &m), 0);
    EXPECT_EQ(m.words[0], ~0ull);
    kt_join(1);
    cairn_handle_close(badged);
    cairn_handle_close(e);
}

KTEST(handle_revoke_rejects_a_closed_handle, KTEST_QUICK)
{
    long n = cairn_notification_create();
    EXPECT_EQ(cairn_handle_close(n), 0);
    EXPECT_ERR(cairn_handle_revoke(n), CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(ktest_syscall(SYS_HANDLE_REVOKE, (1l << 32) | n, 0), CAIRN_E_BAD_HANDLE);
}

KTEST(handle_revoke_rejects_a_revoked_handle, KTEST_QUICK)
{
    long n = cairn_notification_create();
    long child = cairn_handle_duplicate(n, CAIRN_RIGHT_REVOKE | CAIRN_RIGHT_SIGNAL);
    EXPECT_EQ(cairn_handle_revoke(n), 0);
    EXPECT_ERR(cairn_handle_revoke(child), CAIRN_E_REVOKED);
    cairn_handle_close(child);
    cairn_handle_close(n);
}

KTEST(handle_revoke_without_descendants_changes_nothing, KTEST_QUICK)
{
    struct cairn_handle_info info;
    long n = cairn_notification_create();
    EXPECT_EQ(cairn_handle_revoke(n), 0);
    EXPECT_EQ(cairn_handle_revoke(n), 0);
    EXPECT_EQ(cairn_handle_info(n, &info), 0);
    EXPECT_EQ(cairn_notification_signal(n, 1), 0);
    EXPECT_EQ(cairn_notification_wait(n, 0), 1);
    cairn_handle_close(n);
}

KTEST(handle_revoke_of_a_middle_handle_spares_ancestors_and_siblings, KTEST_QUICK)
{
    long root = cairn_notification_create();
    long middle = cairn_handle_duplicate(root, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE |
                                                   CAIRN_RIGHT_REVOKE);
    long sibling = cairn_handle_duplicate(root, CAIRN_RIGHT_SIGNAL);
    long leaf = cairn_handle_duplicate(middle, CAIRN_RIGHT_SIGNAL);
    EXPECT_EQ(cairn_handle_revoke(middle), 0);
    EXPECT_ERR(cairn_notification_signal(leaf, 1), CAIRN_E_REVOKED);
    EXPECT_EQ(cairn_notification_signal(middle, 1), 0);
    EXPECT_EQ(cairn_notification_signal(sibling, 2), 0);
    EXPECT_EQ(cairn_notification_signal(root, 4), 0);
    EXPECT_EQ(cairn_notification_wait(root, 0), 7);
    cairn_handle_close(leaf);
    cairn_handle_close(sibling);
    cairn_handle_close(middle);
    cairn_handle_close(root);
}

KTEST(handle_revoke_reaches_minted_handles, KTEST_QUICK)
{
    struct cairn_handle_info info;
    long e = cairn_endpoint_create();
    long badged = cairn_handle_mint(e, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE, 77);
    long copy = cairn_handle_duplicate(badged, CAIRN_RIGHT_SIGNAL);
    EXPECT_EQ(cairn_handle_revoke(e), 0);
    EXPECT_ERR(cairn_handle_info(badged, &info), CAIRN_E_REVOKED);
    EXPECT_ERR(cairn_handle_info(copy, &info), CAIRN_E_REVOKED);
    cairn_handle_close(copy);
    cairn_handle_close(badged);
    cairn_handle_close(e);
}

KTEST(handle_info_rejects_closed_and_oversized_handles, KTEST_QUICK)
{
    struct cairn_handle_info info = {0};
    long n = cairn_notification_create();
    EXPECT_ERR(ktest_syscall(SYS_HANDLE_INFO, (1l << 32) | n, (long)&info), CAIRN_E_BAD_HANDLE);
    EXPECT_EQ(cairn_handle_close(n), 0);
    EXPECT_ERR(cairn_handle_info(n, &info), CAIRN_E_BAD_HANDLE);
    EXPECT_EQ(info.type, 0); /* a failed call writes nothing */
}

struct user {
    long handle;
    long error;
    int started; /* atomic */
};

/* Signals through the handle until that fails, and records the error. */
static void signal_until_refused(uint64_t arg)
{
    struct user *u = (struct user *)arg;
    long err;
    __atomic_store_n(&u->started, 1, __ATOMIC_RELEASE);
    while ((err = cairn_notification_signal((cairn_handle_t)u->handle, 1)) == 0)
        cairn_yield();
    u->error = err;
    kt_thread_done();
}

/* A revoke takes effect for a thread using the handle at that moment,
 * on another CPU when there is one. */
KTEST(handle_revoke_stops_a_thread_using_the_handle, KTEST_QUICK)
{
    long n = cairn_notification_create();
    struct user u = {cairn_handle_duplicate(n, CAIRN_RIGHT_SIGNAL), 0, 0};
    EXPECT_TRUE(kt_spawn(signal_until_refused, (uint64_t)&u, kt_other_cpu(0)) > 0);
    while (!__atomic_load_n(&u.started, __ATOMIC_ACQUIRE))
        cairn_sleep(1000000);
    EXPECT_EQ(cairn_notification_wait(n, UINT64_MAX), 1); /* it is signalling */
    EXPECT_EQ(cairn_handle_revoke(n), 0);
    kt_join(1);
    EXPECT_ERR(u.error, CAIRN_E_REVOKED);
    cairn_handle_close(u.handle);
    cairn_handle_close(n);
}

struct churn {
    long child;  /* atomic: the handle to derive from this round, 0: stop */
    int round;   /* atomic */
    int done;    /* atomic: helpers finished with the round */
    int strange; /* results other than a handle or REVOKED */
};

/* Each round: duplicates, signals through and closes copies of child until
 * the revoke reaches it. */
static void churn_until_revoked(uint64_t arg)
{
    struct churn *c = (struct churn *)arg;
    for (int round = 1;; round++) {
        while (__atomic_load_n(&c->round, __ATOMIC_ACQUIRE) < round)
            cairn_yield();
        long child = __atomic_load_n(&c->child, __ATOMIC_ACQUIRE);
        if (child == 0)
            break;
        long h;
        while ((h = cairn_handle_duplicate(child, CAIRN_RIGHT_SIGNAL)) > 0) {
            long s = cairn_notification_signal(h, 1);
            if (s != 0 && s != -CAIRN_E_REVOKED)
                __atomic_fetch_add(&c->strange, 1, __ATOMIC_RELAXED);
            cairn_handle_close(h);
        }
        if (h != -CAIRN_E_REVOKED)
            __atomic_fetch_add(&c->strange, 1, __ATOMIC_RELAXED);
        __atomic_fetch_add(&c->done, 1, __ATOMIC_RELEASE);
    }
    kt_thread_done();
}

/* Revokes race duplicates, uses and closes on every CPU: every result is
 * a handle or REVOKED, and no memory is left behind. */
KTEST(handle_revoke_races_duplicates_on_every_cpu, KTEST_FULL)
{
    enum { ROUNDS = 200 };
    static struct churn c;
    struct cairn_system_info before;
    int helpers = kt_cpus() < 4 ? 2 : (int)kt_cpus();
    if (helpers > KT_MAX_THREADS)
        helpers = KT_MAX_THREADS;
    c = (struct churn){0};
    cairn_sleep(2000000);
    cairn_system_info(&before);
    long threads[KT_MAX_THREADS];
    for (int i = 0; i < helpers; i++) {
        threads[i] = kt_spawn(churn_until_revoked, (uint64_t)&c, (uint32_t)i % kt_cpus());
        EXPECT_TRUE(threads[i] > 0);
    }
    for (int round = 1; round <= ROUNDS; round++) {
        long root = cairn_notification_create();
        long child = cairn_handle_duplicate(root, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE);
        __atomic_store_n(&c.child, child, __ATOMIC_RELEASE);
        __atomic_store_n(&c.done, 0, __ATOMIC_RELEASE);
        __atomic_store_n(&c.round, round, __ATOMIC_RELEASE);
        cairn_sleep((uint64_t)(round % 5) * 100000);
        EXPECT_EQ(cairn_handle_revoke(root), 0);
        while (__atomic_load_n(&c.done, __ATOMIC_ACQUIRE) < helpers)
            cairn_yield();
        cairn_handle_close(child);
        cairn_handle_close(root);
    }
    __atomic_store_n(&c.child, 0, __ATOMIC_RELEASE);
    __atomic_store_n(&c.round, ROUNDS + 1, __ATOMIC_RELEASE);
    kt_join(helpers);
    for (int i = 0; i < helpers; i++)
        cairn_handle_close(threads[i]);
    EXPECT_EQ(c.strange, 0);
    EXPECT_TRUE(kt_memory_back_to(&before));
}
