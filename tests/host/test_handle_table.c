/*
 * test_handle_table.c - handle tables and the capability derivation tree:
 * lookup and its errors, stale and guessed values, rights, duplicate, mint,
 * transfer, close, revoke across tables with small budgets, destroy,
 * reference balance, limits and allocation failure, and a randomized run
 * against a reference model.
 */
#include <object/handle_table.h>

#include <stdbool.h>
#include <stdlib.h>

#include "check.h"

/* An object that counts the references the tables hold on it. */
struct fake_object {
    int refs;
};

/* Memory and reference accounting behind the ops of every table. */
struct env {
    long bytes_out;
    long chunks_out;
    bool fail_alloc;
    enum cairn_error alloc_error; /* what a failed allocation reports; 0: NO_MEMORY */
    long releases;
    long bad_release; /* releases of an object with no reference left */
};

static struct env env;

static void env_retain(void *object, enum cairn_object_type type, void *ctx)
{
    (void)type;
    (void)ctx;
    ((struct fake_object *)object)->refs++;
}

static void env_release(void *object, enum cairn_object_type type, void *ctx)
{
    struct fake_object *o = object;

    (void)type;
    (void)ctx;
    if (o->refs <= 0)
        env.bad_release++;
    o->refs--;
    env.releases++;
}

static void *env_alloc(size_t bytes, void *ctx, enum cairn_error *err)
{
    void *p;

    (void)ctx;
    *err = env.alloc_error ? env.alloc_error : CAIRN_E_NO_MEMORY;
    if (env.fail_alloc)
        return NULL;
    p = malloc(bytes);
    if (!p)
        return NULL;
    /* Garbage, so the table cannot rely on zeroed memory. */
    memset(p, 0xa5, bytes);
    env.bytes_out += (long)bytes;
    env.chunks_out++;
    return p;
}

static void env_free(void *p, size_t bytes, void *ctx)
{
    (void)ctx;
    env.bytes_out -= (long)bytes;
    env.chunks_out--;
    free(p);
}

static const struct handle_ops OPS = {env_retain, env_release, env_alloc, env_free, NULL};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

static uint32_t rng_below(uint32_t n)
{
    return rng() % n;
}

/* The slot behind h whatever its state; h's chunk must exist. */
static struct handle_slot *peek(struct handle_table *t, cairn_handle_t h)
{
    uint32_t i = h & CAIRN_HANDLE_INDEX_MASK;

    return &t->chunks[i / HANDLE_CHUNK_SLOTS][i % HANDLE_CHUNK_SLOTS];
}

static cairn_handle_t install(struct handle_table *t, struct fake_object *o,
                              enum cairn_object_type type, uint32_t rights, uint64_t badge)
{
    cairn_handle_t h = CAIRN_HANDLE_NONE;

    o->refs++; /* the reference the table takes over */
    CHECK_EQ(handle_install(t, o, type, rights, badge, &h), CAIRN_OK);
    return h;
}

static cairn_handle_t dup(struct handle_table *src, cairn_handle_t h, uint32_t rights,
                          struct handle_table *dst)
{
    cairn_handle_t out = CAIRN_HANDLE_NONE;

    CHECK_EQ(handle_duplicate(src, h, rights, dst, &out), CAIRN_OK);
    return out;
}

static void revoke_all(struct handle_table *t, cairn_handle_t h, unsigned budget)
{
    bool done = false;

    enum cairn_error err = CAIRN_OK;

    for (int guard = 0; !done && err == CAIRN_OK && guard < 1000000; guard++)
        err = handle_revoke_step(t, h, budget, &done);
    CHECK_EQ(err, CAIRN_OK);
    CHECK(done);
}

static void test_init(void)
{
    struct handle_table t;
    struct handle_ops no_retain = OPS;

    no_retain.retain = NULL;
    CHECK_EQ(handle_table_init(&t, &OPS, 0), CAIRN_E_INVALID_ARGUMENT);
    CHECK_EQ(handle_table_init(&t, &OPS, 1), CAIRN_E_INVALID_ARGUMENT);
    CHECK_EQ(handle_table_init(&t, &OPS, HANDLE_TABLE_MAX_CAPACITY + 1), CAIRN_E_INVALID_ARGUMENT);
    CHECK_EQ(handle_table_init(&t, &OPS, 0xffffffffu), CAIRN_E_INVALID_ARGUMENT);
    CHECK_EQ(handle_table_init(&t, NULL, 16), CAIRN_E_INVALID_ARGUMENT);
    CHECK_EQ(handle_table_init(&t, &no_retain, 16), CAIRN_E_INVALID_ARGUMENT);

    env.fail_alloc = true;
    CHECK_EQ(handle_table_init(&t, &OPS, 16), CAIRN_E_NO_MEMORY);
    env.fail_alloc = false;
    CHECK_EQ(handle_get(&t, 0x10001, CAIRN_OBJ_NONE, 0, NULL), CAIRN_E_BAD_HANDLE);
    CHECK_EQ(handle_table_count(&t), 0);
    handle_table_destroy(&t);

    CHECK_EQ(handle_table_init(&t, &OPS, 16), CAIRN_OK);
    CHECK_EQ(handle_table_count(&t), 0);
    /* No slot is allocated before the first handle. */
    CHECK_EQ(env.chunks_out, 1);
    handle_table_destroy(&t);
    CHECK_EQ(env.bytes_out, 0);
}

static void test_zeroed_table(void)
{
    struct handle_table z = {0};
    cairn_handle_t vals[] = {0, 1, 0x10001, 0x7fffffff, 0xffffffff, 0x10000};
    bool done;

    struct handle_table t;
    struct fake_object o = {0};
    cairn_handle_t h, out = 0;

    for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
        CHECK_EQ(handle_get(&z, vals[i], CAIRN_OBJ_NONE, 0, NULL), CAIRN_E_BAD_HANDLE);
        CHECK_EQ(handle_close(&z, vals[i]), CAIRN_E_BAD_HANDLE);
        CHECK_EQ(handle_revoke_step(&z, vals[i], 1, &done), CAIRN_E_BAD_HANDLE);
    }
    /* It has no room, and giving it a handle changes nothing. */
    CHECK_EQ(handle_install(&z, &o, CAIRN_OBJ_MEMORY, 0, 0, &out), CAIRN_E_NO_HANDLES);
    CHECK_EQ(handle_table_init(&t, &OPS, 8), CAIRN_OK);
    h = install(&t, &o, CAIRN_OBJ_MEMORY, CAIRN_RIGHTS_ALL, 0);
    CHECK_EQ(handle_duplicate(&t, h, 0, &z, &out), CAIRN_E_NO_HANDLES);
    CHECK_EQ(handle_transfer(&t, h, &z, true, &out), CAIRN_E_NO_HANDLES);
    CHECK_EQ(handle_transfer(&t, h, &z, false, &out), CAIRN_E_NO_HANDLES);
    CHECK_EQ(out, 0);
    CHECK_EQ(o.refs, 1);
    CHECK_EQ(handle_get(&t, h, CAIRN_OBJ_MEMORY, CAIRN_RIGHTS_ALL, NULL), CAIRN_OK);
    handle_table_destroy(&t);
    handle_table_destroy(&z);
    CHECK_EQ(o.refs, 0);
}

static void test_install_get_close(void)
{
    struct handle_table t;
    struct fake_object o = {0};
    struct handle_slot *s = NULL;
    cairn_handle_t h, out = 0;

    CHECK_EQ(handle_table_init(&t, &OPS, 200), CAIRN_OK);
    CHECK_EQ(handle_install(&t, NULL, CAIRN_OBJ_MEMORY, 0, 0, &out), CAIRN_E_INVALID_ARGUMENT);
    CHECK_EQ(handle_install(&t, &o, CAIRN_OBJ_NONE, 0, 0, &out), CAIRN_E_INVALID_ARGUMENT);
    CHECK_EQ(handle_install(&t, &o, CAIRN_OBJ_TYPE_COUNT, 0, 0, &out), CAIRN_E_INVALID_ARGUMENT);
    CHECK_EQ(handle_install(&t, &o, (enum cairn_object_type) - 1, 0, 0, &out),
             CAIRN_E_INVALID_ARGUMENT);
    CHECK_EQ(handle_install(&t, &o, CAIRN_OBJ_MEMORY, CAIRN_RIGHTS_ALL + 1, 0, &out),
             CAIRN_E_INVALID_ARGUMENT);
    CHECK_EQ(handle_table_count(&t), 0);
    CHECK_EQ(out, 0);

    h = install(&t, &o, CAIRN_OBJ_MEMORY, CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP, 99);
    CHECK_EQ(h, 0x10001); /* index 1, generation 1 */
    CHECK_EQ(handle_table_count(&t), 1);
    CHECK_EQ(handle_get(&t, h, CAIRN_OBJ_MEMORY, CAIRN_RIGHT_READ, &s), CAIRN_OK);
    CHECK(s != NULL && s->object == &o);
    CHECK_EQ(s->type, CAIRN_OBJ_MEMORY);
    CHECK_EQ(s->rights, CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP);
    CHECK_EQ(s->badge, 99);
    CHECK_EQ(s->state, HANDLE_SLOT_LIVE);
    CHECK(s->table == &t && s->parent == NULL && s->first_child == NULL);
    CHECK_EQ(handle_get(&t, h, CAIRN_OBJ_NONE, 0, NULL), CAIRN_OK);

    /* Each way a value can fail to name a slot. */
    CHECK_EQ(handle_get(&t, CAIRN_HANDLE_NONE, CAIRN_OBJ_NONE, 0, &s), CAIRN_E_BAD_HANDLE);
    CHECK_EQ(handle_get(&t, 0x10000, CAIRN_OBJ_NONE, 0, &s), CAIRN_E_BAD_HANDLE);
    CHECK_EQ(handle_get(&t, 0x10000 | 200, CAIRN_OBJ_NONE, 0, &s), CAIRN_E_BAD_HANDLE);
    CHECK_EQ(handle_get(&t, 0x1ffff, CAIRN_OBJ_NONE, 0, &s), CAIRN_E_BAD_HANDLE);
    CHECK_EQ(handle_get(&t, 0x10000 | 150, CAIRN_OBJ_NONE, 0, &s), CAIRN_E_BAD_HANDLE);
    CHECK_EQ(handle_get(&t, 0x10002, CAIRN_OBJ_NONE, 0, &s), CAIRN_E_BAD_HANDLE);
    CHECK_EQ(handle_get(&t, h + 0x10000, CAIRN_OBJ_NONE, 0, &s), CAIRN_E_BAD_HANDLE);
    CHECK_EQ(handle_get(&t, h & CAIRN_HANDLE_INDEX_MASK, CAIRN_OBJ_NONE, 0, &s),
             CAIRN_E_BAD_HANDLE);
    CHECK_EQ(handle_get(&t, h | 0x80000000u, CAIRN_OBJ_NONE, 0, &s), CAIRN_E_BAD_HANDLE);

    /* Type is checked before rights. */
    CHECK_EQ(handle_get(&t, h, CAIRN_OBJ_THREAD, 0, &s), CAIRN_E_WRONG_TYPE);
    CHECK_EQ(handle_get(&t, h, CAIRN_OBJ_THREAD, CAIRN_RIGHT_WRITE, &s), CAIRN_E_WRONG_TYPE);
    CHECK_EQ(handle_get(&t, h, CAIRN_OBJ_MEMORY, CAIRN_RIGHT_WRITE, &s), CAIRN_E_ACCESS_DENIED);
    CHECK_EQ(handle_get(&t, h, CAIRN_OBJ_NONE, CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE, &s),
             CAIRN_E_ACCESS_DENIED);
    CHECK_EQ(handle_get(&t, h, CAIRN_OBJ_MEMORY, CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP, &s), CAIRN_OK);

    CHECK_EQ(handle_close(&t, h), CAIRN_OK);
    CHECK_EQ(o.refs, 0);
    CHECK_EQ(handle_table_count(&t), 0);
    CHECK_EQ(handle_get(&t, h, CAIRN_OBJ_NONE, 0, &s), CAIRN_E_BAD_HANDLE);
    CHECK_EQ(handle_close(&t, h), CAIRN_E_BAD_HANDLE);
    CHECK_EQ(handle_close(&t, 0), CAIRN_E_BAD_HANDLE);
    handle_table_destroy(&t);
    CHECK_EQ(env.bytes_out, 0);
}

static void test_revoked_precedes_type(void)
{
    struct handle_table t;
    struct fake_object o = {0};
    cairn_handle_t root, child;

    CHECK_EQ(handle_table_init(&t, &OPS, 16), CAIRN_OK);
    root = install(&t, &o, CAIRN_OBJ_NOTIFICATION, CAIRN_RIGHTS_ALL, 0);
    child = dup(&t, root, CAIRN_RIGHT_SIGNAL, &t);
    revoke_all(&t, root, 1);
    CHECK_EQ(handle_get(&t, child, CAIRN_OBJ_NONE, 0, NULL), CAIRN_E_REVOKED);
    CHECK_EQ(handle_get(&t, child, CAIRN_OBJ_THREAD, CAIRN_RIGHT_MANAGE, NULL), CAIRN_E_REVOKED);
    CHECK_EQ(handle_get(&t, child, CAIRN_OBJ_NOTIFICATION, CAIRN_RIGHT_SIGNAL, NULL),
             CAIRN_E_REVOKED);
    CHECK_EQ(handle_get(&t, root, CAIRN_OBJ_NOTIFICATION, CAIRN_RIGHT_SIGNAL, NULL), CAIRN_OK);
    CHECK_EQ(o.refs, 1);
    CHECK_EQ(handle_table_count(&t), 2);
    CHECK_EQ(handle_close(&t, child), CAIRN_OK);
    CHECK_EQ(o.refs, 1); /* a revoked slot holds no reference to drop */
    CHECK_EQ(handle_get(&t, child, CAIRN_OBJ_NONE, 0, NULL), CAIRN_E_BAD_HANDLE);
    handle_table_destroy(&t);
    CHECK_EQ(o.refs, 0);
}

static void test_stale_and_reuse(void)
{
    struct handle_table t;
    struct fake_object o = {0};
    cairn_handle_t h1, h2, h;
    bool gens_ok = true;

    CHECK_EQ(handle_table_init(&t, &OPS, 16), CAIRN_OK);
    h1 = install(&t, &o, CAIRN_OBJ_IRQ, CAIRN_RIGHT_MANAGE, 0);
    CHECK_EQ(handle_close(&t, h1), CAIRN_OK);
    h2 = install(&t, &o, CAIRN_OBJ_IRQ, CAIRN_RIGHT_MANAGE, 0);
    CHECK_EQ(h2 & CAIRN_HANDLE_INDEX_MASK, h1 & CAIRN_HANDLE_INDEX_MASK);
    CHECK_EQ(h2 >> CAIRN_HANDLE_INDEX_BITS, (h1 >> CAIRN_HANDLE_INDEX_BITS) + 1);
    CHECK_EQ(handle_get(&t, h1, CAIRN_OBJ_NONE, 0, NULL), CAIRN_E_BAD_HANDLE);
    CHECK_EQ(handle_close(&t, h1), CAIRN_E_BAD_HANDLE);
    CHECK_EQ(handle_get(&t, h2, CAIRN_OBJ_IRQ, CAIRN_RIGHT_MANAGE, NULL), CAIRN_OK);
    CHECK_EQ(o.refs, 1);

    /* The generation runs 1..0x7fff and wraps to 1, never 0 or bit 31. */
    h = h2;
    for (int i = 0; i < 2 * (int)CAIRN_HANDLE_GEN_MASK + 10; i++) {
        uint32_t gen, prev = h >> CAIRN_HANDLE_INDEX_BITS;

        CHECK_EQ(handle_close(&t, h), CAIRN_OK);
        h = install(&t, &o, CAIRN_OBJ_IRQ, 0, 0);
        gen = h >> CAIRN_HANDLE_INDEX_BITS;
        if (gen == 0 || gen > CAIRN_HANDLE_GEN_MASK ||
            gen != (prev == CAIRN_HANDLE_GEN_MASK ? 1 : prev + 1) ||
            (h & CAIRN_HANDLE_INDEX_MASK) != 1)
            gens_ok = false;
    }
    CHECK(gens_ok);
    CHECK_EQ(o.refs, 1);
    handle_table_destroy(&t);
    CHECK_EQ(o.refs, 0);
}

/* Every index with many generations: only exact live values name a slot, of t. */
static void test_guessed_values(void)
{
    struct handle_table a, b;
    struct fake_object o = {0};
    cairn_handle_t live[300];
    int nlive = 0, hits = 0, foreign = 0, wrong = 0;

    CHECK_EQ(handle_table_init(&a, &OPS, 300), CAIRN_OK);
    CHECK_EQ(handle_table_init(&b, &OPS, 300), CAIRN_OK);
    for (int i = 0; i < 250; i++) {
        cairn_handle_t h = install(&a, &o, CAIRN_OBJ_MEMORY, CAIRN_RIGHTS_ALL, 0);

        install(&b, &o, CAIRN_OBJ_MEMORY, CAIRN_RIGHTS_ALL, 0);
        if (i % 3 == 0)
            CHECK_EQ(handle_close(&a, h), CAIRN_OK);
        else
            live[nlive++] = h;
    }
    for (uint32_t index = 0; index <= CAIRN_HANDLE_INDEX_MASK; index++) {
        uint32_t real = 0;

        for (int k = 0; k < nlive; k++) {
            if ((live[k] & CAIRN_HANDLE_INDEX_MASK) == index)
                real = live[k] >> CAIRN_HANDLE_INDEX_BITS;
        }
        for (int g = 0; g < 10; g++) {
            uint32_t gen = g == 0 ? real : (g == 1 ? 1 : rng() & 0xffff);
            cairn_handle_t v = (gen << CAIRN_HANDLE_INDEX_BITS) | index;
            struct handle_slot *s = NULL;
            enum cairn_error err = handle_get(&a, v, CAIRN_OBJ_NONE, 0, &s);

            if (err == CAIRN_OK) {
                hits += real != 0 && gen == real;
                foreign += s->table != &a;
                wrong += gen != real;
            } else if (err != CAIRN_E_BAD_HANDLE) {
                wrong++;
            }
        }
    }
    /* Each live value was tried at least once (g == 0), possibly again by chance. */
    CHECK(hits >= nlive);
    CHECK_EQ(foreign, 0);
    CHECK_EQ(wrong, 0);
    handle_table_destroy(&a);
    handle_table_destroy(&b);
    CHECK_EQ(o.refs, 0);
}

static void test_duplicate(void)
{
    struct handle_table a, b;
    struct fake_object o = {0};
    struct handle_slot *s, *c;
    const uint32_t R = CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE | CAIRN_RIGHT_DUPLICATE;
    cairn_handle_t h, d1, d2, d3, out = 0;
    bool done = false;

    CHECK_EQ(handle_table_init(&a, &OPS, 64), CAIRN_OK);
    CHECK_EQ(handle_table_init(&b, &OPS, 64), CAIRN_OK);
    h = install(&a, &o, CAIRN_OBJ_MEMORY, R, 7);

    d1 = dup(&a, h, CAIRN_RIGHT_READ, &a);
    CHECK_EQ(o.refs, 2);
    CHECK_EQ(handle_get(&a, d1, CAIRN_OBJ_MEMORY, CAIRN_RIGHT_READ, &c), CAIRN_OK);
    CHECK_EQ(handle_get(&a, h, CAIRN_OBJ_NONE, 0, &s), CAIRN_OK);
    CHECK_EQ(c->rights, CAIRN_RIGHT_READ);
    CHECK_EQ(c->badge, 7);
    CHECK(c->object == &o && c->parent == s && s->first_child == c);
    CHECK_EQ(handle_get(&a, d1, CAIRN_OBJ_MEMORY, CAIRN_RIGHT_WRITE, NULL), CAIRN_E_ACCESS_DENIED);

    /* Escalation, and the lack of the duplicate right, change nothing. */
    CHECK_EQ(handle_duplicate(&a, h, R | CAIRN_RIGHT_EXEC, &a, &out), CAIRN_E_ACCESS_DENIED);
    CHECK_EQ(handle_duplicate(&a, h, 1u << 20, &b, &out), CAIRN_E_ACCESS_DENIED);
    CHECK_EQ(handle_duplicate(&a, d1, CAIRN_RIGHT_READ, &a, &out), CAIRN_E_ACCESS_DENIED);
    CHECK_EQ(handle_duplicate(&a, 0, 0, &a, &out), CAIRN_E_BAD_HANDLE);
    CHECK_EQ(handle_duplicate(&a, h + 0x10000, 0, &a, &out), CAIRN_E_BAD_HANDLE);
    CHECK_EQ(out, 0);
    CHECK_EQ(o.refs, 2);
    CHECK_EQ(handle_table_count(&a), 2);
    CHECK_EQ(handle_table_count(&b), 0);

    /* Into another table, with every right and with none. */
    d2 = dup(&a, h, R, &b);
    d3 = dup(&b, d2, 0, &b);
    CHECK_EQ(o.refs, 4);
    CHECK_EQ(handle_get(&b, d2, CAIRN_OBJ_NONE, R, &c), CAIRN_OK);
    CHECK(c->parent == s && c->table == &b && s->first_child == c);
    CHECK_EQ(handle_get(&b, d3, CAIRN_OBJ_NONE, 0, &s), CAIRN_OK);
    CHECK(s->parent == c && s->rights == 0 && s->badge == 7);

    /* Holding every right but REVOKE is not enough to revoke. */
    CHECK_EQ(handle_revoke_step(&a, h, 1, &done), CAIRN_E_ACCESS_DENIED);
    CHECK(!done);
    handle_table_destroy(&a);
    handle_table_destroy(&b);
    CHECK_EQ(o.refs, 0);
}

/* A grant is a duplicate into another table that needs TRANSFER, not
 * DUPLICATE; the granted slot is a child, so a revoke of the source
 * reaches it. */
static void test_grant(void)
{
    struct handle_table a, b;
    struct fake_object o = {0};
    const uint32_t R = CAIRN_RIGHT_READ | CAIRN_RIGHT_TRANSFER | CAIRN_RIGHT_REVOKE;
    cairn_handle_t h, nodup, g, out = 0;
    struct handle_slot *s;
    bool done = false;

    CHECK_EQ(handle_table_init(&a, &OPS, 64), CAIRN_OK);
    CHECK_EQ(handle_table_init(&b, &OPS, 200), CAIRN_OK);
    h = install(&a, &o, CAIRN_OBJ_MEMORY, R, 0);
    CHECK_EQ(handle_grant(&a, h, CAIRN_RIGHT_READ, &b, &g), CAIRN_OK);
    CHECK_EQ(o.refs, 2);
    CHECK_EQ(handle_get(&b, g, CAIRN_OBJ_MEMORY, CAIRN_RIGHT_READ, &s), CAIRN_OK);
    CHECK_EQ(s->rights, CAIRN_RIGHT_READ);
    /* More rights than the source, or a source without TRANSFER, fail. */
    CHECK_EQ(handle_grant(&a, h, R | CAIRN_RIGHT_WRITE, &b, &out), CAIRN_E_ACCESS_DENIED);
    nodup = install(&a, &o, CAIRN_OBJ_MEMORY, CAIRN_RIGHT_DUPLICATE, 0);
    CHECK_EQ(handle_grant(&a, nodup, 0, &b, &out), CAIRN_E_ACCESS_DENIED);
    CHECK_EQ(out, 0);
    /* The table's allocation error is passed on. */
    env.fail_alloc = true;
    env.alloc_error = CAIRN_E_QUOTA;
    for (int i = 0; i < 64 && handle_grant(&a, h, 0, &b, &out) == CAIRN_OK; i++)
        ;
    CHECK_EQ(handle_grant(&a, h, 0, &b, &out), CAIRN_E_QUOTA);
    env.fail_alloc = false;
    env.alloc_error = 0;
    revoke_all(&a, h, 4);
    CHECK_EQ(handle_get(&b, g, CAIRN_OBJ_NONE, 0, NULL), CAIRN_E_REVOKED);
    CHECK_EQ(handle_revoke_step(&a, h, 1, &done), CAIRN_OK);
    CHECK(done);
    handle_table_destroy(&a);
    handle_table_destroy(&b);
    CHECK_EQ(o.refs, 0);
}

static void test_duplicate_of_revoked(void)
{
    struct handle_table a;
    struct fake_object o = {0};
    cairn_handle_t root, child, out = 0;
    bool done = false;

    CHECK_EQ(handle_table_init(&a, &OPS, 64), CAIRN_OK);
    root = install(&a, &o, CAIRN_OBJ_MEMORY, CAIRN_RIGHTS_ALL, 0);
    child = dup(&a, root, CAIRN_RIGHTS_ALL, &a);
    revoke_all(&a, root, 1);
    CHECK_EQ(handle_duplicate(&a, child, 0, &a, &out), CAIRN_E_REVOKED);
    CHECK_EQ(handle_mint(&a, child, 0, 1, &out), CAIRN_E_REVOKED);
    CHECK_EQ(handle_transfer(&a, child, &a, true, &out), CAIRN_E_REVOKED);
    CHECK_EQ(handle_transfer(&a, child, &a, false, &out), CAIRN_E_REVOKED);
    CHECK_EQ(handle_revoke_step(&a, child, 1, &done), CAIRN_E_REVOKED);
    CHECK(!done);
    CHECK_EQ(out, 0);
    CHECK_EQ(handle_table_count(&a), 2);
    handle_table_destroy(&a);
    CHECK_EQ(o.refs, 0);
}

static void test_mint(void)
{
    struct handle_table t;
    struct fake_object ep = {0}, mem = {0};
    const uint32_t R = CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER;
    struct handle_slot *s, *c;
    cairn_handle_t e, m, b, weak, b2, out = 0;

    CHECK_EQ(handle_table_init(&t, &OPS, 64), CAIRN_OK);
    e = install(&t, &ep, CAIRN_OBJ_ENDPOINT, R, 0);
    m = install(&t, &mem, CAIRN_OBJ_MEMORY, CAIRN_RIGHTS_ALL, 0);

    CHECK_EQ(handle_mint(&t, m, 0, 5, &out), CAIRN_E_WRONG_TYPE);
    CHECK_EQ(handle_mint(&t, e, R, 0, &out), CAIRN_E_INVALID_ARGUMENT);
    CHECK_EQ(handle_mint(&t, e, R | CAIRN_RIGHT_WAIT, 5, &out), CAIRN_E_ACCESS_DENIED);
    CHECK_EQ(handle_mint(&t, 0, R, 5, &out), CAIRN_E_BAD_HANDLE);
    CHECK_EQ(out, 0);
    CHECK_EQ(ep.refs, 1);

    CHECK_EQ(handle_mint(&t, e, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE, 42, &b), CAIRN_OK);
    CHECK_EQ(ep.refs, 2);
    CHECK_EQ(handle_get(&t, b, CAIRN_OBJ_ENDPOINT, CAIRN_RIGHT_SIGNAL, &c), CAIRN_OK);
    CHECK_EQ(handle_get(&t, e, CAIRN_OBJ_ENDPOINT, 0, &s), CAIRN_OK);
    CHECK_EQ(c->badge, 42);
    CHECK_EQ(s->badge, 0);
    CHECK_EQ(c->rights, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE);
    CHECK(c->parent == s);

    /* A badge cannot be changed, but a badged handle duplicates with it. */
    CHECK_EQ(handle_mint(&t, b, CAIRN_RIGHT_SIGNAL, 43, &out), CAIRN_E_BUSY);
    b2 = dup(&t, b, CAIRN_RIGHT_SIGNAL, &t);
    CHECK_EQ(handle_get(&t, b2, CAIRN_OBJ_ENDPOINT, 0, &s), CAIRN_OK);
    CHECK_EQ(s->badge, 42);
    CHECK(s->parent == c);
    /* Rights come before the badge: b2 lacks DUPLICATE. */
    CHECK_EQ(handle_mint(&t, b2, 0, 43, &out), CAIRN_E_ACCESS_DENIED);
    weak = dup(&t, e, CAIRN_RIGHT_SIGNAL, &t);
    CHECK_EQ(handle_mint(&t, weak, CAIRN_RIGHT_SIGNAL, 44, &out), CAIRN_E_ACCESS_DENIED);
    CHECK_EQ(out, 0);
    CHECK_EQ(ep.refs, 4);

    handle_table_destroy(&t);
    CHECK_EQ(ep.refs, 0);
    CHECK_EQ(mem.refs, 0);
}

static void test_transfer(void)
{
    struct handle_table a, b;
    struct fake_object o = {0};
    const uint32_t R = CAIRN_RIGHT_TRANSFER | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_REVOKE;
    struct handle_slot *sp, *sm, *s;
    cairn_handle_t p, h, c1, c2, moved, copy, plain, again, out = 0;

    CHECK_EQ(handle_table_init(&a, &OPS, 64), CAIRN_OK);
    CHECK_EQ(handle_table_init(&b, &OPS, 64), CAIRN_OK);
    p = install(&a, &o, CAIRN_OBJ_NOTIFICATION, R, 3);
    dup(&a, p, R, &a); /* a sibling before h */
    h = dup(&a, p, R, &a);
    dup(&a, p, R, &a); /* a sibling after h */
    c1 = dup(&a, h, R, &a);
    c2 = dup(&a, h, R, &b);
    CHECK_EQ(o.refs, 6);

    CHECK_EQ(handle_transfer(&a, h, &b, true, &moved), CAIRN_OK);
    CHECK_EQ(o.refs, 6);
    CHECK_EQ(handle_table_count(&a), 4);
    CHECK_EQ(handle_table_count(&b), 2);
    CHECK_EQ(handle_get(&a, h, CAIRN_OBJ_NONE, 0, NULL), CAIRN_E_BAD_HANDLE);
    CHECK_EQ(handle_get(&a, p, CAIRN_OBJ_NONE, 0, &sp), CAIRN_OK);
    CHECK_EQ(handle_get(&b, moved, CAIRN_OBJ_NOTIFICATION, R, &sm), CAIRN_OK);
    CHECK(sm->parent == sp && sm->badge == 3 && sm->object == &o);
    CHECK(sm->prev_sibling && sm->prev_sibling->next_sibling == sm);
    CHECK(sm->next_sibling && sm->next_sibling->prev_sibling == sm);
    CHECK_EQ(handle_get(&a, c1, CAIRN_OBJ_NONE, 0, &s), CAIRN_OK);
    CHECK(s->parent == sm);
    CHECK_EQ(handle_get(&b, c2, CAIRN_OBJ_NONE, 0, &s), CAIRN_OK);
    CHECK(s->parent == sm);

    /* A copy is a child with the same rights and badge. */
    CHECK_EQ(handle_transfer(&b, moved, &a, false, &copy), CAIRN_OK);
    CHECK_EQ(o.refs, 7);
    CHECK_EQ(handle_get(&a, copy, CAIRN_OBJ_NOTIFICATION, R, &s), CAIRN_OK);
    CHECK(s->parent == sm && s->badge == 3 && s->rights == R);

    /* Moving within one table gives a new value and retires the old one. */
    CHECK_EQ(handle_transfer(&a, copy, &a, true, &again), CAIRN_OK);
    CHECK(again != copy);
    CHECK_EQ(handle_get(&a, copy, CAIRN_OBJ_NONE, 0, NULL), CAIRN_E_BAD_HANDLE);
    CHECK_EQ(handle_get(&a, again, CAIRN_OBJ_NONE, 0, &s), CAIRN_OK);
    CHECK(s->parent == sm);

    plain = dup(&a, p, CAIRN_RIGHT_DUPLICATE, &a);
    CHECK_EQ(handle_transfer(&a, plain, &b, true, &out), CAIRN_E_ACCESS_DENIED);
    CHECK_EQ(handle_transfer(&a, plain, &b, false, &out), CAIRN_E_ACCESS_DENIED);
    CHECK_EQ(handle_transfer(&a, 0, &b, false, &out), CAIRN_E_BAD_HANDLE);
    CHECK_EQ(handle_transfer(&a, h, &b, true, &out), CAIRN_E_BAD_HANDLE);
    CHECK_EQ(out, 0);

    /* The revoke of the root reaches the moved handle and its children. */
    revoke_all(&a, p, 3);
    CHECK_EQ(handle_get(&b, moved, CAIRN_OBJ_NONE, 0, NULL), CAIRN_E_REVOKED);
    CHECK_EQ(handle_get(&a, c1, CAIRN_OBJ_NONE, 0, NULL), CAIRN_E_REVOKED);
    CHECK_EQ(handle_get(&b, c2, CAIRN_OBJ_NONE, 0, NULL), CAIRN_E_REVOKED);
    CHECK_EQ(handle_get(&a, again, CAIRN_OBJ_NONE, 0, NULL), CAIRN_E_REVOKED);
    CHECK_EQ(o.refs, 1);
    handle_table_destroy(&a);
    handle_table_destroy(&b);
    CHECK_EQ(o.refs, 0);
}

/* A full destination, or one that cannot grow, leaves everything as it was. */
static void test_transfer_atomic(void)
{
    struct handle_table a, full, empty;
    struct fake_object o = {0}, filler = {0};
    struct handle_slot *sh, *sc, *sp;
    cairn_handle_t p, h, c, out = 0;
    const uint32_t R = CAIRN_RIGHTS_ALL;

    CHECK_EQ(handle_table_init(&a, &OPS, 64), CAIRN_OK);
    CHECK_EQ(handle_table_init(&full, &OPS, 4), CAIRN_OK);
    CHECK_EQ(handle_table_init(&empty, &OPS, 64), CAIRN_OK);
    for (int i = 0; i < 3; i++)
        install(&full, &filler, CAIRN_OBJ_MEMORY, 0, 0);
    p = install(&a, &o, CAIRN_OBJ_MEMORY, R, 0);
    h = dup(&a, p, R, &a);
    c = dup(&a, h, R, &a);

    CHECK_EQ(handle_transfer(&a, h, &full, true, &out), CAIRN_E_NO_HANDLES);
    CHECK_EQ(handle_transfer(&a, h, &full, false, &out), CAIRN_E_NO_HANDLES);
    CHECK_EQ(handle_duplicate(&a, h, R, &full, &out), CAIRN_E_NO_HANDLES);
    env.fail_alloc = true;
    CHECK_EQ(handle_transfer(&a, h, &empty, true, &out), CAIRN_E_NO_MEMORY);
    CHECK_EQ(handle_transfer(&a, h, &empty, false, &out), CAIRN_E_NO_MEMORY);
    CHECK_EQ(handle_duplicate(&a, h, R, &empty, &out), CAIRN_E_NO_MEMORY);
    env.fail_alloc = false;
    CHECK_EQ(out, 0);
    CHECK_EQ(o.refs, 3);
    CHECK_EQ(handle_table_count(&a), 3);
    CHECK_EQ(handle_table_count(&full), 3);
    CHECK_EQ(handle_table_count(&empty), 0);
    CHECK_EQ(handle_get(&a, p, CAIRN_OBJ_NONE, 0, &sp), CAIRN_OK);
    CHECK_EQ(handle_get(&a, h, CAIRN_OBJ_NONE, R, &sh), CAIRN_OK);
    CHECK_EQ(handle_get(&a, c, CAIRN_OBJ_NONE, R, &sc), CAIRN_OK);
    CHECK(sh->parent == sp && sp->first_child == sh && sh->first_child == sc && sc->parent == sh);
    CHECK(sh->next_sibling == NULL && sh->prev_sibling == NULL && sc->first_child == NULL);

    CHECK_EQ(handle_transfer(&a, h, &empty, true, &out), CAIRN_OK);
    CHECK_EQ(out, 0x10001);
    handle_table_destroy(&a);
    handle_table_destroy(&full);
    handle_table_destroy(&empty);
    CHECK_EQ(o.refs, 0);
    CHECK_EQ(filler.refs, 0);
}

/* Counts the handles hs[i] that give err in their table ts[tab[i]]. */
static int count_with_error(struct handle_table **ts, const cairn_handle_t *hs, const int *tab,
                            int n, enum cairn_error err)
{
    int count = 0;

    for (int i = 0; i < n; i++)
        count += handle_get(ts[tab[i]], hs[i], CAIRN_OBJ_NONE, 0, NULL) == err;
    return count;
}

#define CHAIN  1000
#define FANOUT 1000
#define EXTRA  200
#define NDESC  (CHAIN + FANOUT + FANOUT / 2 + EXTRA)

static cairn_handle_t desc[NDESC + 1];
static int desc_table[NDESC + 1];

/*
 * A chain of 1000 and a fan-out of 1000 (half with a grandchild), spread
 * over three tables, revoked with a budget of 7 while new descendants are
 * derived between steps.
 */
static void test_revoke_deep_and_wide(void)
{
    struct handle_table t0, t1, t2;
    struct handle_table *ts[3] = {&t0, &t1, &t2};
    struct fake_object o = {0};
    struct handle_slot *root_slot;
    cairn_handle_t root, cur, noright, out = 0;
    int n = 0, cur_table = 0, steps = 0, added = 0, over_budget = 0, added_to_root = 0;
    bool done = false;

    for (int i = 0; i < 3; i++)
        CHECK_EQ(handle_table_init(ts[i], &OPS, 4096), CAIRN_OK);
    root = install(&t0, &o, CAIRN_OBJ_MEMORY, CAIRN_RIGHTS_ALL, 0);
    cur = root;
    for (int i = 0; i < CHAIN; i++) {
        int next = (i + 1) % 3;

        cur = dup(ts[cur_table], cur, CAIRN_RIGHTS_ALL, ts[next]);
        cur_table = next;
        desc[n] = cur;
        desc_table[n++] = cur_table;
    }
    for (int i = 0; i < FANOUT; i++) {
        cairn_handle_t f = dup(&t0, root, CAIRN_RIGHTS_ALL, ts[i % 3]);

        desc[n] = f;
        desc_table[n++] = i % 3;
        if (i % 2 == 0) {
            desc[n] = dup(ts[i % 3], f, CAIRN_RIGHTS_ALL, ts[(i + 1) % 3]);
            desc_table[n++] = (i + 1) % 3;
        }
    }
    noright = dup(&t0, root, CAIRN_RIGHTS_ALL & ~CAIRN_RIGHT_REVOKE, &t1);
    desc[n] = noright;
    desc_table[n++] = 1;
    CHECK_EQ(handle_revoke_step(&t1, noright, 1, &done), CAIRN_E_ACCESS_DENIED);
    CHECK_EQ(handle_revoke_step(&t0, root + 0x10000, 1, &done), CAIRN_E_BAD_HANDLE);
    CHECK(!done);
    CHECK_EQ(o.refs, n + 1);

    /* A budget of 0 does nothing. */
    CHECK_EQ(handle_revoke_step(&t0, root, 0, &done), CAIRN_OK);
    CHECK(!done);
    CHECK_EQ(o.refs, n + 1);

    while (!done && steps < 100000) {
        long before = env.releases;

        CHECK_EQ(handle_revoke_step(&t0, root, 7, &done), CAIRN_OK);
        over_budget += env.releases - before > 7;
        steps++;
        if (steps % 5 == 0 && n < NDESC) {
            /* Derive from a random descendant; only a live one can be. */
            int k = (int)rng_below((uint32_t)n);
            int to = (int)rng_below(3);
            enum cairn_error err =
                handle_duplicate(ts[desc_table[k]], desc[k], CAIRN_RIGHTS_ALL, ts[to], &out);
            if (err == CAIRN_OK) {
                desc[n] = out;
                desc_table[n++] = to;
                added++;
            } else {
                CHECK_EQ(err, CAIRN_E_REVOKED);
            }
        }
        if (steps == 50) {
            desc[n] = dup(&t0, root, CAIRN_RIGHT_READ | CAIRN_RIGHT_DUPLICATE, &t2);
            desc_table[n++] = 2;
            added_to_root++;
        }
    }
    CHECK(done);
    CHECK(added > 0);
    CHECK_EQ(added_to_root, 1);
    CHECK_EQ(over_budget, 0);
    /* At most three units of work per descendant. */
    CHECK(steps * 7 <= 3 * n + 7);
    CHECK_EQ(count_with_error(ts, desc, desc_table, n, CAIRN_E_REVOKED), n);
    CHECK_EQ(handle_get(&t0, root, CAIRN_OBJ_MEMORY, CAIRN_RIGHTS_ALL, &root_slot), CAIRN_OK);
    CHECK(root_slot->first_child == NULL);
    CHECK_EQ(o.refs, 1);
    CHECK_EQ(handle_table_count(&t0) + handle_table_count(&t1) + handle_table_count(&t2),
             (unsigned)n + 1);

    /* Nothing left: done at once, even with no budget. */
    done = false;
    CHECK_EQ(handle_revoke_step(&t0, root, 0, &done), CAIRN_OK);
    CHECK(done);

    for (int i = 0; i < n; i++)
        CHECK_EQ(handle_close(ts[desc_table[i]], desc[i]), CAIRN_OK);
    CHECK_EQ(count_with_error(ts, desc, desc_table, n, CAIRN_E_BAD_HANDLE), n);
    CHECK_EQ(handle_table_count(&t0) + handle_table_count(&t1) + handle_table_count(&t2), 1);
    CHECK_EQ(o.refs, 1);
    for (int i = 0; i < 3; i++)
        handle_table_destroy(ts[i]);
    CHECK_EQ(o.refs, 0);
}

/* Revoking the middle of a chain leaves the part above it alone. */
static void test_revoke_subtree(void)
{
    struct handle_table a, b;
    struct handle_table *ts[2] = {&a, &b};
    struct fake_object o = {0};
    cairn_handle_t chain[40];
    int tab[40];
    cairn_handle_t cur;

    CHECK_EQ(handle_table_init(&a, &OPS, 64), CAIRN_OK);
    CHECK_EQ(handle_table_init(&b, &OPS, 64), CAIRN_OK);
    cur = install(&a, &o, CAIRN_OBJ_MEMORY, CAIRN_RIGHTS_ALL, 0);
    chain[0] = cur;
    tab[0] = 0;
    for (int i = 1; i < 40; i++) {
        tab[i] = i % 2;
        chain[i] = dup(ts[tab[i - 1]], chain[i - 1], CAIRN_RIGHTS_ALL, ts[tab[i]]);
    }
    revoke_all(ts[tab[20]], chain[20], 1);
    CHECK_EQ(count_with_error(ts, chain, tab, 21, CAIRN_OK), 21);
    CHECK_EQ(count_with_error(ts, chain + 21, tab + 21, 19, CAIRN_E_REVOKED), 19);
    CHECK_EQ(o.refs, 21);
    handle_table_destroy(&b);
    handle_table_destroy(&a);
    CHECK_EQ(o.refs, 0);
}

/* An object made from the authority a handle names is a child of that
 * handle: revoking the handle (or an ancestor) takes it away, closing the
 * parent leaves it; a revoked or stale parent makes nothing. */
static void test_install_derived(void)
{
    struct handle_table t;
    struct fake_object control = {0}, made = {0}, other = {0};
    struct handle_slot *slot;
    cairn_handle_t root, dup1, child, out = CAIRN_HANDLE_NONE;

    CHECK_EQ(handle_table_init(&t, &OPS, 64), CAIRN_OK);
    root = install(&t, &control, CAIRN_OBJ_IRQ_CONTROL, CAIRN_RIGHTS_ALL, 0);
    dup1 = dup(&t, root, CAIRN_RIGHTS_ALL, &t);
    made.refs++;
    CHECK_EQ(handle_install_derived(&t, dup1, &made, CAIRN_OBJ_IRQ, CAIRN_RIGHT_MANAGE, &child),
             CAIRN_OK);
    CHECK_EQ(handle_get(&t, child, CAIRN_OBJ_IRQ, CAIRN_RIGHT_MANAGE, &slot), CAIRN_OK);
    CHECK(slot->object == &made && slot->badge == 0 && slot->parent == peek(&t, dup1));
    CHECK_EQ(handle_install_derived(&t, 0, &other, CAIRN_OBJ_IRQ, 0, &out), CAIRN_E_BAD_HANDLE);
    CHECK_EQ(handle_install_derived(&t, dup1, &other, CAIRN_OBJ_NONE, 0, &out),
             CAIRN_E_INVALID_ARGUMENT);
    /* Revoking from the root reaches the derived object through dup1. */
    revoke_all(&t, root, 1);
    CHECK_EQ(handle_get(&t, child, CAIRN_OBJ_NONE, 0, NULL), CAIRN_E_REVOKED);
    CHECK_EQ(made.refs, 0);
    CHECK_EQ(handle_install_derived(&t, dup1, &other, CAIRN_OBJ_IRQ, 0, &out), CAIRN_E_REVOKED);
    CHECK_EQ(other.refs, 0);
    CHECK_EQ(handle_close(&t, child), CAIRN_OK);
    CHECK_EQ(handle_close(&t, dup1), CAIRN_OK);
    CHECK_EQ(handle_install_derived(&t, dup1, &other, CAIRN_OBJ_IRQ, 0, &out), CAIRN_E_BAD_HANDLE);
    handle_table_destroy(&t);
    CHECK_EQ(control.refs, 0);
}

/* Walks p's children and compares them with want[0..n-1]. */
static bool children_are(struct handle_slot *p, struct handle_slot **want, int n)
{
    struct handle_slot *c = p->first_child, *prev = NULL;

    for (int i = 0; i < n; i++, prev = c, c = c->next_sibling) {
        if (c != want[i] || c->parent != p || c->prev_sibling != prev)
            return false;
    }
    return c == NULL;
}

static void test_close_reparents(void)
{
    struct handle_table a, b, c;
    struct fake_object o = {0};
    struct handle_slot *sg, *sp, *sc, *sx, *sy, *sz, *sy1, *sy2;
    cairn_handle_t g, p, ch, x, y, z, y1, y2;

    CHECK_EQ(handle_table_init(&a, &OPS, 64), CAIRN_OK);
    CHECK_EQ(handle_table_init(&b, &OPS, 64), CAIRN_OK);
    CHECK_EQ(handle_table_init(&c, &OPS, 64), CAIRN_OK);
    g = install(&a, &o, CAIRN_OBJ_MEMORY, CAIRN_RIGHTS_ALL, 0);
    p = dup(&a, g, CAIRN_RIGHTS_ALL, &b);
    ch = dup(&b, p, CAIRN_RIGHTS_ALL, &c);
    CHECK_EQ(handle_close(&b, p), CAIRN_OK);
    CHECK_EQ(o.refs, 2);
    CHECK_EQ(handle_get(&a, g, CAIRN_OBJ_NONE, 0, &sg), CAIRN_OK);
    CHECK_EQ(handle_get(&c, ch, CAIRN_OBJ_NONE, 0, &sc), CAIRN_OK);
    CHECK(sc->parent == sg && sg->first_child == sc);
    revoke_all(&a, g, 1);
    CHECK_EQ(handle_get(&c, ch, CAIRN_OBJ_NONE, 0, NULL), CAIRN_E_REVOKED);
    CHECK_EQ(handle_close(&c, ch), CAIRN_OK);

    /* Children take the closed slot's place, in order. */
    p = dup(&a, g, CAIRN_RIGHTS_ALL, &b);
    x = dup(&b, p, CAIRN_RIGHTS_ALL, &c);
    y = dup(&b, p, CAIRN_RIGHTS_ALL, &a);
    z = dup(&b, p, CAIRN_RIGHTS_ALL, &b);
    y1 = dup(&a, y, CAIRN_RIGHTS_ALL, &c);
    y2 = dup(&a, y, CAIRN_RIGHTS_ALL, &c);
    handle_get(&b, p, CAIRN_OBJ_NONE, 0, &sp);
    handle_get(&c, x, CAIRN_OBJ_NONE, 0, &sx);
    handle_get(&a, y, CAIRN_OBJ_NONE, 0, &sy);
    handle_get(&b, z, CAIRN_OBJ_NONE, 0, &sz);
    handle_get(&c, y1, CAIRN_OBJ_NONE, 0, &sy1);
    handle_get(&c, y2, CAIRN_OBJ_NONE, 0, &sy2);
    CHECK(children_are(sp, (struct handle_slot *[]){sz, sy, sx}, 3));
    CHECK(children_are(sy, (struct handle_slot *[]){sy2, sy1}, 2));
    CHECK_EQ(handle_close(&a, y), CAIRN_OK);
    CHECK(children_are(sp, (struct handle_slot *[]){sz, sy2, sy1, sx}, 4));
    CHECK_EQ(handle_close(&b, z), CAIRN_OK);
    CHECK(children_are(sp, (struct handle_slot *[]){sy2, sy1, sx}, 3));
    CHECK_EQ(handle_close(&c, x), CAIRN_OK);
    CHECK(children_are(sp, (struct handle_slot *[]){sy2, sy1}, 2));

    /* Closing a root makes its children separate roots. */
    CHECK_EQ(handle_close(&a, g), CAIRN_OK);
    CHECK(sp->parent == NULL && sp->next_sibling == NULL && sp->prev_sibling == NULL);
    CHECK_EQ(handle_close(&b, p), CAIRN_OK);
    CHECK(sy1->parent == NULL && sy1->next_sibling == NULL && sy1->prev_sibling == NULL);
    CHECK(sy2->parent == NULL && sy2->next_sibling == NULL && sy2->prev_sibling == NULL);
    CHECK_EQ(o.refs, 2);
    revoke_all(&c, y1, 1); /* a root with no children */
    CHECK_EQ(handle_get(&c, y2, CAIRN_OBJ_NONE, 0, NULL), CAIRN_OK);
    handle_table_destroy(&a);
    handle_table_destroy(&b);
    handle_table_destroy(&c);
    CHECK_EQ(o.refs, 0);
}

/*
 * Destroying a table hands the children its slots had in other tables to
 * the nearest ancestor outside it. The chain in the destroyed table is built
 * so that deeper slots have lower indices.
 */
static void test_destroy_reparents(bool rooted)
{
    struct handle_table a, b, c;
    struct fake_object o = {0};
    struct handle_slot *sr, *s;
    cairn_handle_t r = 0, top, mid, low, pad[3], f[5], x, inner;
    long releases;

    CHECK_EQ(handle_table_init(&a, &OPS, 64), CAIRN_OK);
    CHECK_EQ(handle_table_init(&b, &OPS, 64), CAIRN_OK);
    CHECK_EQ(handle_table_init(&c, &OPS, 64), CAIRN_OK);
    for (int i = 0; i < 3; i++)
        pad[i] = install(&a, &o, CAIRN_OBJ_MEMORY, 0, 0);
    if (rooted) {
        top = install(&a, &o, CAIRN_OBJ_MEMORY, CAIRN_RIGHTS_ALL, 0);
    } else {
        r = install(&c, &o, CAIRN_OBJ_MEMORY, CAIRN_RIGHTS_ALL, 0);
        top = dup(&c, r, CAIRN_RIGHTS_ALL, &a);
    }
    for (int i = 0; i < 3; i++)
        CHECK_EQ(handle_close(&a, pad[i]), CAIRN_OK);
    mid = dup(&a, top, CAIRN_RIGHTS_ALL, &a);
    low = dup(&a, mid, CAIRN_RIGHTS_ALL, &a);
    CHECK((low & 0xffff) < (mid & 0xffff) && (mid & 0xffff) < (top & 0xffff));
    f[0] = dup(&a, top, CAIRN_RIGHTS_ALL, &b);
    f[1] = dup(&a, mid, CAIRN_RIGHTS_ALL, &b);
    f[2] = dup(&a, low, CAIRN_RIGHTS_ALL, &b);
    f[3] = dup(&a, low, CAIRN_RIGHTS_ALL, &c);
    x = dup(&b, f[2], CAIRN_RIGHTS_ALL, &b);     /* below a foreign child: keeps its parent */
    inner = dup(&b, f[1], CAIRN_RIGHTS_ALL, &a); /* a slot of a below a foreign one */
    f[4] = dup(&a, inner, CAIRN_RIGHTS_ALL, &c);
    releases = env.releases;
    handle_table_destroy(&a);
    CHECK_EQ(env.releases - releases, 4);
    CHECK_EQ(o.refs, rooted ? 6 : 7);

    sr = NULL;
    if (!rooted)
        CHECK_EQ(handle_get(&c, r, CAIRN_OBJ_NONE, 0, &sr), CAIRN_OK);
    for (int i = 0; i < 5; i++) {
        struct handle_table *t = i == 3 || i == 4 ? &c : &b;

        CHECK_EQ(handle_get(t, f[i], CAIRN_OBJ_NONE, 0, &s), CAIRN_OK);
        /* f[4]'s nearest ancestor outside a is f[1]. */
        if (i == 4) {
            struct handle_slot *s1;
            CHECK_EQ(handle_get(&b, f[1], CAIRN_OBJ_NONE, 0, &s1), CAIRN_OK);
            CHECK(s->parent == s1);
        } else {
            CHECK(s->parent == sr);
            if (rooted)
                CHECK(s->next_sibling == NULL && s->prev_sibling == NULL);
        }
    }
    CHECK_EQ(handle_get(&b, x, CAIRN_OBJ_NONE, 0, &s), CAIRN_OK);
    CHECK(s->parent != NULL && s->parent->table == &b);
    if (!rooted) {
        revoke_all(&c, r, 2);
        for (int i = 0; i < 5; i++)
            CHECK_EQ(handle_get(i == 3 || i == 4 ? &c : &b, f[i], CAIRN_OBJ_NONE, 0, NULL),
                     CAIRN_E_REVOKED);
        CHECK_EQ(handle_get(&b, x, CAIRN_OBJ_NONE, 0, NULL), CAIRN_E_REVOKED);
        CHECK_EQ(o.refs, 1);
    }
    handle_table_destroy(&b);
    handle_table_destroy(&c);
    CHECK_EQ(o.refs, 0);
}

static void test_capacity(void)
{
    struct handle_table t;
    struct fake_object o = {0};
    cairn_handle_t h = 0, out = 0;
    bool all_ok = true;

    CHECK_EQ(handle_table_init(&t, &OPS, 10), CAIRN_OK);
    for (int i = 1; i < 10; i++) {
        h = install(&t, &o, CAIRN_OBJ_MEMORY, CAIRN_RIGHTS_ALL, 0);
        CHECK_EQ(h & CAIRN_HANDLE_INDEX_MASK, (unsigned)i);
    }
    CHECK_EQ(handle_install(&t, &o, CAIRN_OBJ_MEMORY, 0, 0, &out), CAIRN_E_NO_HANDLES);
    CHECK_EQ(handle_duplicate(&t, h, 0, &t, &out), CAIRN_E_NO_HANDLES);
    CHECK_EQ(handle_mint(&t, h, 0, 1, &out), CAIRN_E_WRONG_TYPE);
    CHECK_EQ(handle_transfer(&t, h, &t, true, &out), CAIRN_E_NO_HANDLES);
    CHECK_EQ(out, 0);
    CHECK_EQ(handle_table_count(&t), 9);
    CHECK_EQ(o.refs, 9); /* the failed install took no reference */
    CHECK_EQ(handle_close(&t, h), CAIRN_OK);
    CHECK_EQ(handle_install(&t, &o, CAIRN_OBJ_MEMORY, 0, 0, &out), CAIRN_OK);
    o.refs++;
    CHECK_EQ(out & CAIRN_HANDLE_INDEX_MASK, 9);
    handle_table_destroy(&t);
    CHECK_EQ(o.refs, 0);

    /* The largest table reaches index 0xffff. */
    CHECK_EQ(handle_table_init(&t, &OPS, HANDLE_TABLE_MAX_CAPACITY), CAIRN_OK);
    for (uint32_t i = 1; i <= CAIRN_HANDLE_INDEX_MASK; i++) {
        o.refs++;
        if (handle_install(&t, &o, CAIRN_OBJ_MEMORY, 0, 0, &h) != CAIRN_OK ||
            (h & CAIRN_HANDLE_INDEX_MASK) != i)
            all_ok = false;
    }
    CHECK(all_ok);
    CHECK_EQ(h, 0x1ffff);
    CHECK_EQ(handle_get(&t, h, CAIRN_OBJ_MEMORY, 0, NULL), CAIRN_OK);
    CHECK_EQ(handle_install(&t, &o, CAIRN_OBJ_MEMORY, 0, 0, &out), CAIRN_E_NO_HANDLES);
    CHECK_EQ(handle_table_count(&t), CAIRN_HANDLE_INDEX_MASK);
    handle_table_destroy(&t);
    CHECK_EQ(o.refs, 0);
    CHECK_EQ(env.bytes_out, 0);
}

/* Reserving room: refused beyond capacity with nothing changed, and once
 * granted, the reserved slots are taken without any allocation. */
static void test_reserve(void)
{
    struct handle_table t, z = {0};
    struct fake_object o = {0};
    cairn_handle_t h, out = 0;

    CHECK_EQ(handle_table_reserve(&z, 0), CAIRN_E_NO_HANDLES);
    CHECK_EQ(handle_table_init(&t, &OPS, 70), CAIRN_OK);
    CHECK_EQ(handle_table_reserve(&t, 70), CAIRN_E_NO_HANDLES);
    CHECK_EQ(env.chunks_out, 1); /* the directory only */
    CHECK_EQ(handle_table_reserve(&t, 69), CAIRN_OK);
    CHECK_EQ(env.chunks_out, 3);
    env.fail_alloc = true;
    h = install(&t, &o, CAIRN_OBJ_MEMORY, CAIRN_RIGHTS_ALL, 0);
    for (int i = 0; i < 67; i++)
        CHECK_EQ(handle_transfer(&t, h, &t, false, &out), CAIRN_OK);
    CHECK_EQ(handle_table_reserve(&t, 1), CAIRN_OK);
    CHECK_EQ(handle_table_reserve(&t, 2), CAIRN_E_NO_HANDLES);
    CHECK_EQ(handle_transfer(&t, h, &t, true, &out), CAIRN_OK);
    CHECK_EQ(handle_table_count(&t), 68);
    env.fail_alloc = false;
    handle_table_destroy(&t);
    CHECK_EQ(o.refs, 0);
    CHECK_EQ(env.bytes_out, 0);
}

static void test_no_memory(void)
{
    struct handle_table t, src;
    struct fake_object o = {0};
    cairn_handle_t hs[HANDLE_CHUNK_SLOTS], s, out = 0;
    long chunks;

    CHECK_EQ(handle_table_init(&t, &OPS, 200), CAIRN_OK);
    CHECK_EQ(handle_table_init(&src, &OPS, 8), CAIRN_OK);
    s = install(&src, &o, CAIRN_OBJ_MEMORY, CAIRN_RIGHTS_ALL, 0);
    env.fail_alloc = true;
    CHECK_EQ(handle_install(&t, &o, CAIRN_OBJ_MEMORY, 0, 0, &out), CAIRN_E_NO_MEMORY);
    env.fail_alloc = false;
    CHECK_EQ(handle_table_count(&t), 0);
    CHECK_EQ(handle_get(&t, 0x10001, CAIRN_OBJ_NONE, 0, NULL), CAIRN_E_BAD_HANDLE);

    /* Fill the first chunk (index 0 is not used), then fail to grow. */
    for (unsigned i = 1; i < HANDLE_CHUNK_SLOTS; i++)
        hs[i] = install(&t, &o, CAIRN_OBJ_MEMORY, CAIRN_RIGHTS_ALL, 0);
    chunks = env.chunks_out;
    env.fail_alloc = true;
    CHECK_EQ(handle_install(&t, &o, CAIRN_OBJ_MEMORY, 0, 0, &out), CAIRN_E_NO_MEMORY);
    CHECK_EQ(handle_duplicate(&t, hs[1], 0, &t, &out), CAIRN_E_NO_MEMORY);
    CHECK_EQ(handle_duplicate(&src, s, 0, &t, &out), CAIRN_E_NO_MEMORY);
    CHECK_EQ(handle_transfer(&src, s, &t, true, &out), CAIRN_E_NO_MEMORY);
    CHECK_EQ(handle_transfer(&src, s, &t, false, &out), CAIRN_E_NO_MEMORY);
    env.fail_alloc = false;
    CHECK_EQ(out, 0);
    CHECK_EQ(env.chunks_out, chunks);
    CHECK_EQ(handle_table_count(&t), HANDLE_CHUNK_SLOTS - 1);
    CHECK_EQ(handle_table_count(&src), 1);
    CHECK_EQ(o.refs, (int)HANDLE_CHUNK_SLOTS);
    for (unsigned i = 1; i < HANDLE_CHUNK_SLOTS; i++)
        CHECK_EQ(handle_get(&t, hs[i], CAIRN_OBJ_MEMORY, CAIRN_RIGHTS_ALL, NULL), CAIRN_OK);
    CHECK_EQ(handle_transfer(&src, s, &t, true, &out), CAIRN_OK);
    CHECK_EQ(out, (1u << 16) | HANDLE_CHUNK_SLOTS);
    CHECK_EQ(env.chunks_out, chunks + 1);
    handle_table_destroy(&src);
    handle_table_destroy(&t);
    CHECK_EQ(o.refs, 0);
    CHECK_EQ(env.bytes_out, 0);
}

/*
 * The reference model: every handle ever issued, its table, value, state,
 * fields and parent, and per table which node holds each index. Revokes run
 * to completion, so a revoked node has left the tree.
 */
#define M_TABLES 3
#define M_CAP    70
#define M_OBJS   6
#define M_OPS    20000
#define M_NODES  (M_OPS + 8)

enum { M_CLOSED, M_LIVE, M_REVOKED };

struct mnode {
    int table;
    cairn_handle_t value;
    int obj;
    uint8_t type;
    uint32_t rights;
    uint64_t badge;
    int state;
    int parent; /* node id, -1 for a root */
};

static struct mnode mnodes[M_NODES];
static int mcount;
static int occupant[M_TABLES][M_CAP];
static uint32_t last_gen[M_TABLES][M_CAP];
static unsigned in_use[M_TABLES];
static struct handle_table mtables[M_TABLES];
static struct fake_object mobjs[M_OBJS];
static long outcomes[8][CAIRN_ERROR_COUNT]; /* per operation, how often each result came */

static int model_lookup(int t, cairn_handle_t v)
{
    uint32_t i = v & CAIRN_HANDLE_INDEX_MASK;
    int n;

    if (i == 0 || i >= M_CAP)
        return -1;
    n = occupant[t][i];
    return n >= 0 && mnodes[n].value == v ? n : -1;
}

static enum cairn_error model_get(int t, cairn_handle_t v, enum cairn_object_type type,
                                  uint32_t rights, int *node)
{
    int n = model_lookup(t, v);

    *node = n;
    if (n < 0)
        return CAIRN_E_BAD_HANDLE;
    if (mnodes[n].state == M_REVOKED)
        return CAIRN_E_REVOKED;
    if (type != CAIRN_OBJ_NONE && mnodes[n].type != type)
        return CAIRN_E_WRONG_TYPE;
    if ((mnodes[n].rights & rights) != rights)
        return CAIRN_E_ACCESS_DENIED;
    return CAIRN_OK;
}

/* Records the slot the implementation just gave out, checking its value. */
static int model_add(int t, cairn_handle_t v, int obj, uint8_t type, uint32_t rights,
                     uint64_t badge, int parent)
{
    uint32_t i = v & CAIRN_HANDLE_INDEX_MASK, gen = v >> CAIRN_HANDLE_INDEX_BITS;
    uint32_t want = last_gen[t][i] % CAIRN_HANDLE_GEN_MASK + 1;
    int n = mcount++;

    CHECK(i > 0 && i < M_CAP && occupant[t][i] < 0);
    CHECK_EQ(gen, want);
    if (i == 0 || i >= M_CAP)
        return n;
    occupant[t][i] = n;
    last_gen[t][i] = gen;
    in_use[t]++;
    mnodes[n] = (struct mnode){t, v, obj, type, rights, badge, M_LIVE, parent};
    return n;
}

static void model_free(int n)
{
    struct mnode *m = &mnodes[n];

    occupant[m->table][m->value & CAIRN_HANDLE_INDEX_MASK] = -1;
    in_use[m->table]--;
    m->state = M_CLOSED;
}

/* Runs the statement that follows for every node n that holds a slot. */
#define MODEL_FOR_EACH_HELD(n)                                                                     \
    for (int mt_ = 0; mt_ < M_TABLES; mt_++)                                                       \
        for (int mi_ = 1; mi_ < M_CAP; mi_++)                                                      \
            if (((n) = occupant[mt_][mi_]) >= 0)

static bool model_descends(int n, int ancestor)
{
    for (int p = mnodes[n].parent; p >= 0; p = mnodes[p].parent) {
        if (p == ancestor)
            return true;
    }
    return false;
}

static void model_revoke(int root)
{
    int n;

    MODEL_FOR_EACH_HELD(n)
    {
        if (model_descends(n, root))
            mnodes[n].state = M_REVOKED;
    }
    MODEL_FOR_EACH_HELD(n)
    {
        if (mnodes[n].state == M_REVOKED)
            mnodes[n].parent = -1;
    }
}

static void model_reparent(int from, int to)
{
    int n;

    MODEL_FOR_EACH_HELD(n)
    {
        if (mnodes[n].parent == from)
            mnodes[n].parent = to;
    }
}

/* A value to try: mostly a held one, else one ever issued (often stale) or garbage. */
static cairn_handle_t model_pick_value(int *table)
{
    uint32_t k = rng_below(10);
    int n;

    *table = (int)rng_below(M_TABLES);
    if (k == 0 || mcount == 0)
        return rng_below(2) ? rng() : (1u << 16) | rng_below(M_CAP + 2);
    if (k == 1) {
        n = (int)rng_below((uint32_t)mcount);
        return mnodes[n].value;
    }
    for (int tries = 0; tries < 2 * M_CAP; tries++) {
        n = occupant[rng_below(M_TABLES)][1 + rng_below(M_CAP - 1)];
        if (n >= 0) {
            if (k > 2)
                *table = mnodes[n].table;
            return mnodes[n].value;
        }
    }
    return CAIRN_HANDLE_NONE;
}

static struct handle_slot *model_slot(int n)
{
    if (n < 0)
        return NULL;
    return peek(&mtables[mnodes[n].table], mnodes[n].value);
}

static bool model_matches(void)
{
    int refs[M_OBJS] = {0};
    bool ok = true;
    int n;

    for (int t = 0; t < M_TABLES; t++)
        ok &= handle_table_count(&mtables[t]) == in_use[t];
    MODEL_FOR_EACH_HELD(n)
    {
        struct mnode *m = &mnodes[n];
        struct handle_slot *s = model_slot(n);

        ok &= s->parent == model_slot(m->parent);
        ok &= !s->first_child || (s->first_child->parent == s && !s->first_child->prev_sibling);
        ok &= !s->next_sibling ||
              (s->next_sibling->parent == s->parent && s->next_sibling->prev_sibling == s);
        ok &= !s->prev_sibling || s->prev_sibling->next_sibling == s;
        ok &= s->generation == m->value >> CAIRN_HANDLE_INDEX_BITS;
        if (m->state == M_LIVE) {
            refs[m->obj]++;
            ok &= s->state == HANDLE_SLOT_LIVE && s->object == &mobjs[m->obj] &&
                  s->type == m->type && s->rights == m->rights && s->badge == m->badge;
        } else {
            ok &= s->state == HANDLE_SLOT_REVOKED && s->object == NULL && s->first_child == NULL;
        }
    }
    for (int i = 0; i < M_OBJS; i++)
        ok &= mobjs[i].refs == refs[i];
    return ok;
}

static void model_step(void)
{
    int t, dt, n;
    cairn_handle_t v = model_pick_value(&t), out = 0;
    uint32_t rights = rng_below(4) ? rng() & CAIRN_RIGHTS_ALL : rng();
    enum cairn_error want, got;
    int op = (int)rng_below(8);

    dt = (int)rng_below(M_TABLES);
    switch (op) {
    case 0: {
        int obj = (int)rng_below(M_OBJS);
        uint8_t type = rng_below(2) ? CAIRN_OBJ_ENDPOINT : (uint8_t)(1 + rng_below(11));
        uint64_t badge = rng_below(2) ? 0 : rng();

        rights &= CAIRN_RIGHTS_ALL;
        want = in_use[dt] == M_CAP - 1 ? CAIRN_E_NO_HANDLES : CAIRN_OK;
        mobjs[obj].refs++;
        got = handle_install(&mtables[dt], &mobjs[obj], type, rights, badge, &out);
        CHECK_EQ(got, want);
        if (got == CAIRN_OK)
            model_add(dt, out, obj, type, rights, badge, -1);
        else
            mobjs[obj].refs--;
        break;
    }
    case 1:
        want = model_get(t, v, CAIRN_OBJ_NONE, CAIRN_RIGHT_DUPLICATE, &n);
        if (want == CAIRN_OK && (rights & ~mnodes[n].rights))
            want = CAIRN_E_ACCESS_DENIED;
        if (want == CAIRN_OK && in_use[dt] == M_CAP - 1)
            want = CAIRN_E_NO_HANDLES;
        got = handle_duplicate(&mtables[t], v, rights, &mtables[dt], &out);
        CHECK_EQ(got, want);
        if (got == CAIRN_OK && want == CAIRN_OK)
            model_add(dt, out, mnodes[n].obj, mnodes[n].type, rights, mnodes[n].badge, n);
        break;
    case 2: {
        uint64_t badge = rng_below(5) ? 1 + rng() : 0;

        want = model_get(t, v, CAIRN_OBJ_ENDPOINT, CAIRN_RIGHT_DUPLICATE, &n);
        if (want == CAIRN_OK && mnodes[n].badge != 0)
            want = CAIRN_E_BUSY;
        if (want == CAIRN_OK && badge == 0)
            want = CAIRN_E_INVALID_ARGUMENT;
        if (want == CAIRN_OK && (rights & ~mnodes[n].rights))
            want = CAIRN_E_ACCESS_DENIED;
        if (want == CAIRN_OK && in_use[t] == M_CAP - 1)
            want = CAIRN_E_NO_HANDLES;
        got = handle_mint(&mtables[t], v, rights, badge, &out);
        CHECK_EQ(got, want);
        if (got == CAIRN_OK && want == CAIRN_OK)
            model_add(t, out, mnodes[n].obj, mnodes[n].type, rights, badge, n);
        break;
    }
    case 3:
    case 4: {
        bool move = op == 3;

        want = model_get(t, v, CAIRN_OBJ_NONE, CAIRN_RIGHT_TRANSFER, &n);
        if (want == CAIRN_OK && in_use[dt] == M_CAP - 1)
            want = CAIRN_E_NO_HANDLES;
        got = handle_transfer(&mtables[t], v, &mtables[dt], move, &out);
        CHECK_EQ(got, want);
        if (got != CAIRN_OK || want != CAIRN_OK)
            break;
        if (move) {
            struct mnode old = mnodes[n];

            model_free(n);
            int m = model_add(dt, out, old.obj, old.type, old.rights, old.badge, old.parent);
            model_reparent(n, m);
        } else {
            model_add(dt, out, mnodes[n].obj, mnodes[n].type, mnodes[n].rights, mnodes[n].badge, n);
        }
        break;
    }
    case 5:
        n = model_lookup(t, v);
        got = handle_close(&mtables[t], v);
        CHECK_EQ(got, n < 0 ? CAIRN_E_BAD_HANDLE : CAIRN_OK);
        if (n >= 0 && got == CAIRN_OK) {
            model_reparent(n, mnodes[n].parent);
            model_free(n);
        }
        break;
    case 6: {
        bool done = false;
        unsigned budget = 1 + rng_below(4);

        want = model_get(t, v, CAIRN_OBJ_NONE, CAIRN_RIGHT_REVOKE, &n);
        got = handle_revoke_step(&mtables[t], v, budget, &done);
        CHECK_EQ(got, want);
        if (got != CAIRN_OK || want != CAIRN_OK)
            break;
        for (int guard = 0; !done && guard < 3 * M_TABLES * M_CAP; guard++)
            CHECK_EQ(handle_revoke_step(&mtables[t], v, budget, &done), CAIRN_OK);
        CHECK(done);
        model_revoke(n);
        break;
    }
    default: {
        enum cairn_object_type type = (enum cairn_object_type)rng_below(CAIRN_OBJ_TYPE_COUNT);
        struct handle_slot *s = NULL;

        want = model_get(t, v, type, rights, &n);
        got = handle_get(&mtables[t], v, type, rights, &s);
        CHECK_EQ(got, want);
        if (got == CAIRN_OK)
            CHECK(s == model_slot(n));
        break;
    }
    }
    if ((unsigned)got < CAIRN_ERROR_COUNT)
        outcomes[op][got]++;
}

static void test_model(void)
{
    int mismatches = 0;

    for (int t = 0; t < M_TABLES; t++) {
        CHECK_EQ(handle_table_init(&mtables[t], &OPS, M_CAP), CAIRN_OK);
        for (int i = 0; i < M_CAP; i++)
            occupant[t][i] = -1;
    }
    for (int i = 0; i < M_OPS; i++) {
        int failed = check_failed;

        model_step();
        if (!model_matches())
            mismatches++;
        if (check_failed != failed || mismatches) {
            fprintf(stderr, "model diverged at step %d\n", i);
            break;
        }
    }
    CHECK_EQ(mismatches, 0);
    /* The run reached every outcome of every operation. */
    static const struct {
        int op;
        enum cairn_error err;
    } WANT[] = {
        {0, CAIRN_OK},
        {0, CAIRN_E_NO_HANDLES},
        {1, CAIRN_OK},
        {1, CAIRN_E_BAD_HANDLE},
        {1, CAIRN_E_REVOKED},
        {1, CAIRN_E_ACCESS_DENIED},
        {1, CAIRN_E_NO_HANDLES},
        {2, CAIRN_OK},
        {2, CAIRN_E_WRONG_TYPE},
        {2, CAIRN_E_BUSY},
        {2, CAIRN_E_INVALID_ARGUMENT},
        {2, CAIRN_E_ACCESS_DENIED},
        {3, CAIRN_OK},
        {3, CAIRN_E_NO_HANDLES},
        {3, CAIRN_E_REVOKED},
        {4, CAIRN_OK},
        {4, CAIRN_E_ACCESS_DENIED},
        {5, CAIRN_OK},
        {5, CAIRN_E_BAD_HANDLE},
        {6, CAIRN_OK},
        {6, CAIRN_E_ACCESS_DENIED},
        {6, CAIRN_E_REVOKED},
        {7, CAIRN_OK},
        {7, CAIRN_E_WRONG_TYPE},
    };
    for (size_t i = 0; i < sizeof(WANT) / sizeof(WANT[0]); i++) {
        if (outcomes[WANT[i].op][WANT[i].err] == 0)
            fprintf(stderr, "model: operation %d never gave %d\n", WANT[i].op, WANT[i].err);
        CHECK(outcomes[WANT[i].op][WANT[i].err] > 0);
    }
    for (int t = 0; t < M_TABLES; t++)
        handle_table_destroy(&mtables[t]);
    for (int i = 0; i < M_OBJS; i++)
        CHECK_EQ(mobjs[i].refs, 0);
}

/* handle_get_live() (the IPC fast path's lookup) agrees with handle_get()
 * on every value near the slots in use: LIVE, REVOKED, FREE, never
 * allocated, index 0, past the capacity, every generation nearby, bit 31,
 * every type and the rights that matter. */
static void test_get_live_agrees(void)
{
    struct handle_table t;
    struct fake_object o = {0};
    const enum cairn_object_type types[] = {CAIRN_OBJ_THREAD, CAIRN_OBJ_NOTIFICATION,
                                            CAIRN_OBJ_ENDPOINT, CAIRN_OBJ_MEMORY};
    const uint32_t rights[] = {0, CAIRN_RIGHT_SIGNAL, CAIRN_RIGHT_WAIT,
                               CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_WAIT, CAIRN_RIGHTS_ALL};
    cairn_handle_t ep, sig, revoked, closed;

    CHECK_EQ(handle_table_init(&t, &OPS, 100), CAIRN_OK);
    ep = install(&t, &o, CAIRN_OBJ_ENDPOINT, CAIRN_RIGHTS_ALL, 0);
    sig = dup(&t, ep, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_REVOKE | CAIRN_RIGHT_DUPLICATE, &t);
    revoked = dup(&t, sig, CAIRN_RIGHT_SIGNAL, &t);
    revoke_all(&t, sig, 1);
    closed = install(&t, &o, CAIRN_OBJ_NOTIFICATION, CAIRN_RIGHT_WAIT, 0);
    CHECK_EQ(handle_close(&t, closed), CAIRN_OK);
    for (int i = 0; i < 70; i++) /* a second chunk, with indices past the capacity */
        install(&t, &o, CAIRN_OBJ_MEMORY, CAIRN_RIGHT_WAIT, 0);
    CHECK_EQ(handle_get(&t, revoked, CAIRN_OBJ_NONE, 0, NULL), CAIRN_E_REVOKED);
    for (uint32_t index = 0; index < 2 * HANDLE_CHUNK_SLOTS + 2; index++) {
        for (uint32_t gen = 0; gen < 5; gen++) {
            const uint32_t gens[] = {0, 1, 2, 3, 0x8001};
            cairn_handle_t h = (gens[gen] << CAIRN_HANDLE_INDEX_BITS) | index;
            for (unsigned ty = 0; ty < sizeof(types) / sizeof(types[0]); ty++) {
                for (unsigned r = 0; r < sizeof(rights) / sizeof(rights[0]); r++) {
                    struct handle_slot *s = NULL;
                    enum cairn_error err = handle_get(&t, h, types[ty], rights[r], &s);
                    struct handle_slot *live = handle_get_live(&t, h, types[ty], rights[r]);
                    CHECK_EQ(live != NULL, err == CAIRN_OK);
                    if (live)
                        CHECK(live == s);
                }
            }
        }
    }
    handle_table_destroy(&t);
    CHECK_EQ(o.refs, 0);
}

/* The epoch advances whenever a LIVE slot stops being LIVE (close, move,
 * revoke, destroy: a remembered lookup must then be redone) and only
 * then: installs, copies and lookups leave it. */
static void test_epoch(void)
{
    struct handle_table a, b;
    struct fake_object o = {0};
    const uint32_t R = CAIRN_RIGHT_TRANSFER | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_REVOKE;
    cairn_handle_t p, h, c, moved, copy;
    uint64_t e;

    CHECK_EQ(handle_table_init(&a, &OPS, 64), CAIRN_OK);
    CHECK_EQ(handle_table_init(&b, &OPS, 64), CAIRN_OK);
    CHECK(handle_table_epoch(&a) != 0); /* a zeroed memo never matches */
    e = handle_table_epoch(&a);
    p = install(&a, &o, CAIRN_OBJ_ENDPOINT, R, 0);
    h = dup(&a, p, R, &a);
    c = dup(&a, h, R, &b);
    CHECK_EQ(handle_get(&a, h, CAIRN_OBJ_ENDPOINT, R, NULL), CAIRN_OK);
    CHECK(handle_get_live(&a, h, CAIRN_OBJ_ENDPOINT, R) != NULL);
    CHECK_EQ(handle_transfer(&a, h, &b, false, &copy), CAIRN_OK);
    CHECK_EQ(handle_table_epoch(&a), e);

    e = handle_table_epoch(&b);
    revoke_all(&a, h, 1); /* c and copy, in b */
    CHECK(handle_table_epoch(&b) > e);
    e = handle_table_epoch(&a);
    CHECK_EQ(handle_transfer(&a, h, &b, true, &moved), CAIRN_OK);
    CHECK(handle_table_epoch(&a) > e);
    e = handle_table_epoch(&a);
    CHECK_EQ(handle_close(&a, p), CAIRN_OK);
    CHECK(handle_table_epoch(&a) > e);
    e = handle_table_epoch(&b);
    CHECK_EQ(handle_close(&b, c), CAIRN_OK); /* a REVOKED slot */
    CHECK(handle_table_epoch(&b) > e);
    e = handle_table_epoch(&b);
    handle_table_destroy(&b);
    CHECK(handle_table_epoch(&b) > e);
    handle_table_destroy(&a);
    CHECK_EQ(o.refs, 0);
}

int main(void)
{
    test_init();
    test_zeroed_table();
    test_install_get_close();
    test_revoked_precedes_type();
    test_stale_and_reuse();
    test_guessed_values();
    test_duplicate();
    test_duplicate_of_revoked();
    test_grant();
    test_mint();
    test_transfer();
    test_transfer_atomic();
    test_revoke_deep_and_wide();
    test_revoke_subtree();
    test_install_derived();
    test_close_reparents();
    test_destroy_reparents(false);
    test_destroy_reparents(true);
    test_capacity();
    test_reserve();
    test_no_memory();
    test_model();
    test_get_live_agrees();
    test_epoch();
    /* Every table is gone: no memory held, no release without a reference. */
    CHECK_EQ(env.bytes_out, 0);
    CHECK_EQ(env.chunks_out, 0);
    CHECK_EQ(env.bad_release, 0);
    return CHECK_DONE("handle_table");
}
