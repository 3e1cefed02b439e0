/*
 * fuzz_handle_table.c - libFuzzer target for the handle tables and the CDT.
 *
 * The input is a script: each operation is an opcode byte followed by its
 * operand bytes (missing bytes read as 0), run against three tables. Handles
 * are named through a pool of every value the tables returned, so stale and
 * revoked values come back, or given raw. Revokes run a few units at a time,
 * so the tree is often left half revoked. After every operation the tables
 * and the tree are checked whole: free lists, states, symmetric links, a
 * tree reaching every slot exactly once, and each object's reference count
 * equal to the LIVE slots naming it. A failed call must change nothing.
 */
#include <object/handle_table.h>

#include <stdlib.h>
#include <string.h>

#define NTABLES  3
#define NOBJS    8
#define MAX_CAP  200
#define POOL     256
#define MAX_OPS  4096
#define MAX_SLOT (NTABLES * MAX_CAP)

struct fake_object {
    long refs;
};

static struct handle_table tables[NTABLES];
static struct fake_object objs[NOBJS];
static bool fail_alloc;
static long bytes_out, releases;

static struct {
    cairn_handle_t value;
    int table;
} pool[POOL];
static unsigned pool_next;

static void obj_retain(void *object, enum cairn_object_type type, void *ctx)
{
    (void)type;
    (void)ctx;
    ((struct fake_object *)object)->refs++;
}

static void obj_release(void *object, enum cairn_object_type type, void *ctx)
{
    struct fake_object *o = object;

    (void)type;
    (void)ctx;
    if (o < objs || o >= objs + NOBJS || o->refs <= 0)
        abort();
    o->refs--;
    releases++;
}

static void *mem_alloc(size_t bytes, void *ctx, enum cairn_error *err)
{
    *err = CAIRN_E_NO_MEMORY;
    void *p;

    (void)ctx;
    if (fail_alloc)
        return NULL;
    p = malloc(bytes);
    if (p) {
        memset(p, 0x5a, bytes);
        bytes_out += (long)bytes;
    }
    return p;
}

static void mem_free(void *p, size_t bytes, void *ctx)
{
    (void)ctx;
    bytes_out -= (long)bytes;
    free(p);
}

static const struct handle_ops OPS = {obj_retain, obj_release, mem_alloc, mem_free, NULL};

struct reader {
    const uint8_t *data;
    size_t size, pos;
};

static uint8_t read_u8(struct reader *r)
{
    return r->pos < r->size ? r->data[r->pos++] : 0;
}

static uint32_t read_u16(struct reader *r)
{
    uint32_t lo = read_u8(r);

    return lo | (uint32_t)read_u8(r) << 8;
}

static void pool_add(cairn_handle_t value, int table)
{
    pool[pool_next % POOL].value = value;
    pool[pool_next % POOL].table = table;
    pool_next++;
}

/* A handle and its table: from the pool, or raw. */
static cairn_handle_t read_handle(struct reader *r, int *table)
{
    uint8_t sel = read_u8(r);

    if (sel >= 0xf0 || pool_next == 0) {
        *table = sel % NTABLES;
        return read_u16(r) | read_u16(r) << 16;
    }
    unsigned n = pool_next < POOL ? pool_next : POOL;
    unsigned k = sel % n;
    *table = pool[k].table;
    /* Now and then ask another table for the value. */
    if (sel & 0x80)
        *table = (*table + 1) % NTABLES;
    return pool[k].value;
}

/* A unique number for a slot of one of the tables, or -1 if it is none. */
static int slot_id(const struct handle_slot *s)
{
    for (int t = 0; t < NTABLES; t++) {
        for (unsigned k = 0; k < tables[t].chunks_used; k++) {
            const struct handle_slot *c = tables[t].chunks[k];
            if (s >= c && s < c + HANDLE_CHUNK_SLOTS)
                return t * MAX_CAP + (int)(k * HANDLE_CHUNK_SLOTS + (unsigned)(s - c));
        }
    }
    return -1;
}

static void check_slot(const struct handle_table *t, const struct handle_slot *s, long *live_refs)
{
    if (s->table != t)
        abort();
    if (s->state == HANDLE_SLOT_FREE) {
        if (s->parent || s->first_child || s->prev_sibling || s->object)
            abort();
        return;
    }
    if (s->state != HANDLE_SLOT_LIVE && s->state != HANDLE_SLOT_REVOKED)
        abort();
    if (s->generation == 0 || s->generation > CAIRN_HANDLE_GEN_MASK)
        abort();
    if (s->state == HANDLE_SLOT_LIVE) {
        const struct fake_object *o = s->object;
        if (o < objs || o >= objs + NOBJS || s->type == CAIRN_OBJ_NONE ||
            s->type >= CAIRN_OBJ_TYPE_COUNT || (s->rights & ~CAIRN_RIGHTS_ALL))
            abort();
        live_refs[o - objs]++;
    } else if (s->object) {
        abort();
    }
    if (s->first_child && (s->first_child->parent != s || s->first_child->prev_sibling))
        abort();
    if (s->next_sibling &&
        (s->next_sibling->prev_sibling != s || s->next_sibling->parent != s->parent))
        abort();
    if (s->prev_sibling && s->prev_sibling->next_sibling != s)
        abort();
    if (!s->parent && (s->prev_sibling || s->next_sibling))
        abort();
    if (s->parent && (slot_id(s->parent) < 0 || s->parent->state == HANDLE_SLOT_FREE))
        abort();
}

/* Free list: distinct free slots of allocated chunks, as many as are not in use. */
static void check_free_list(const struct handle_table *t)
{
    static bool seen[HANDLE_TABLE_MAX_CAPACITY];
    unsigned allocated = t->chunks_used * HANDLE_CHUNK_SLOTS, nfree = 0;

    if (allocated > t->capacity)
        allocated = t->capacity;
    memset(seen, 0, sizeof(seen[0]) * (t->capacity ? t->capacity : 1));
    for (uint32_t i = t->free_head; i != 0; nfree++) {
        const struct handle_slot *s;

        if (i >= allocated || seen[i] || nfree > allocated)
            abort();
        seen[i] = true;
        s = &t->chunks[i / HANDLE_CHUNK_SLOTS][i % HANDLE_CHUNK_SLOTS];
        if (s->state != HANDLE_SLOT_FREE)
            abort();
        i = s->next_free;
    }
    if (allocated > 0 && nfree + t->in_use != allocated - 1)
        abort();
    if (allocated == 0 && t->in_use != 0)
        abort();
}

/* Every slot in use is reached exactly once from the roots. */
static void check_tree(unsigned in_use)
{
    static const struct handle_slot *stack[MAX_SLOT];
    static bool seen[MAX_SLOT];
    unsigned reached = 0;

    memset(seen, 0, sizeof(seen));
    for (int t = 0; t < NTABLES; t++) {
        for (unsigned k = 0; k < tables[t].chunks_used; k++) {
            const struct handle_slot *root = tables[t].chunks[k];
            for (unsigned i = 0; i < HANDLE_CHUNK_SLOTS; i++, root++) {
                int top = 0;
                if (root->state == HANDLE_SLOT_FREE || root->parent)
                    continue;
                stack[top++] = root;
                while (top > 0) {
                    const struct handle_slot *s = stack[--top];
                    int id = slot_id(s);
                    if (id < 0 || seen[id] || s->state == HANDLE_SLOT_FREE)
                        abort();
                    seen[id] = true;
                    reached++;
                    for (const struct handle_slot *c = s->first_child; c; c = c->next_sibling) {
                        if (top == MAX_SLOT || reached + (unsigned)top > in_use)
                            abort();
                        stack[top++] = c;
                    }
                }
            }
        }
    }
    if (reached != in_use)
        abort();
}

static void check_all(void)
{
    long live_refs[NOBJS] = {0};
    unsigned in_use = 0;

    for (int n = 0; n < NTABLES; n++) {
        const struct handle_table *t = &tables[n];
        unsigned used = 0;

        if (t->capacity > MAX_CAP || handle_table_count(t) != t->in_use)
            abort();
        for (unsigned k = 0; k < t->chunks_used; k++) {
            for (unsigned i = 0; i < HANDLE_CHUNK_SLOTS; i++) {
                const struct handle_slot *s = &t->chunks[k][i];
                unsigned index = k * HANDLE_CHUNK_SLOTS + i;
                check_slot(t, s, live_refs);
                if (s->state != HANDLE_SLOT_FREE && (index == 0 || index >= t->capacity))
                    abort();
                used += s->state != HANDLE_SLOT_FREE;
            }
        }
        if (used != t->in_use)
            abort();
        check_free_list(t);
        in_use += used;
    }
    check_tree(in_use);
    for (int i = 0; i < NOBJS; i++) {
        if (objs[i].refs != live_refs[i])
            abort();
    }
}

/* A handle just returned must name a LIVE slot with these fields. */
static void check_new(int table, cairn_handle_t h, const struct handle_slot *want_parent,
                      uint32_t rights, uint64_t badge)
{
    struct handle_slot *s;

    if (handle_get(&tables[table], h, CAIRN_OBJ_NONE, rights, &s) != CAIRN_OK)
        abort();
    if (s->rights != rights || s->badge != badge || s->parent != want_parent)
        abort();
    pool_add(h, table);
}

static struct handle_slot *slot_of(int table, cairn_handle_t h)
{
    struct handle_slot *s = NULL;

    handle_get(&tables[table], h, CAIRN_OBJ_NONE, 0, &s);
    return s;
}

/* Runs one operation; returns the result of the call, CAIRN_OK for ops 8 and 10. */
static enum cairn_error run_op(struct reader *r)
{
    uint8_t op = read_u8(r) % 11;
    int t, dt;
    cairn_handle_t h, out = CAIRN_HANDLE_NONE;
    struct handle_slot *src;
    enum cairn_error err = CAIRN_OK;

    switch (op) {
    case 0: {
        int obj;
        enum cairn_object_type type;
        uint32_t rights;
        uint64_t badge;

        t = read_u8(r) % NTABLES;
        obj = read_u8(r) % NOBJS;
        type = (enum cairn_object_type)(read_u8(r) % (CAIRN_OBJ_TYPE_COUNT + 1));
        rights = read_u16(r) & 0x7ff;
        badge = read_u8(r) & 3;
        objs[obj].refs++;
        err = handle_install(&tables[t], &objs[obj], type, rights, badge, &out);
        if (err != CAIRN_OK)
            objs[obj].refs--;
        else
            check_new(t, out, NULL, rights, badge);
        break;
    }
    case 1: {
        uint32_t rights;

        h = read_handle(r, &t);
        dt = read_u8(r) % NTABLES;
        rights = read_u16(r) & 0x7ff;
        src = slot_of(t, h);
        err = handle_duplicate(&tables[t], h, rights, &tables[dt], &out);
        if (err == CAIRN_OK)
            check_new(dt, out, src, rights, src->badge);
        break;
    }
    case 2: {
        uint32_t rights;
        uint64_t badge;

        h = read_handle(r, &t);
        rights = read_u16(r) & 0x7ff;
        badge = read_u8(r);
        src = slot_of(t, h);
        err = handle_mint(&tables[t], h, rights, badge, &out);
        if (err == CAIRN_OK)
            check_new(t, out, src, rights, badge);
        break;
    }
    case 3:
    case 4: {
        bool move = op == 3;
        struct handle_slot *parent;
        uint32_t rights;
        uint64_t badge;

        h = read_handle(r, &t);
        dt = read_u8(r) % NTABLES;
        src = slot_of(t, h);
        parent = src ? src->parent : NULL;
        rights = src ? src->rights : 0;
        badge = src ? src->badge : 0;
        err = handle_transfer(&tables[t], h, &tables[dt], move, &out);
        if (err == CAIRN_OK) {
            check_new(dt, out, move ? parent : src, rights, badge);
            if (move && handle_get(&tables[t], h, CAIRN_OBJ_NONE, 0, NULL) != CAIRN_E_BAD_HANDLE)
                abort();
        }
        break;
    }
    case 5:
        h = read_handle(r, &t);
        err = handle_close(&tables[t], h);
        if (err == CAIRN_OK && handle_get(&tables[t], h, CAIRN_OBJ_NONE, 0, NULL) == CAIRN_OK)
            abort();
        break;
    case 6: {
        unsigned budget = read_u8(r) % 8;
        long before = releases;
        bool done = false;

        h = read_handle(r, &t);
        err = handle_revoke_step(&tables[t], h, budget, &done);
        if (releases - before > (long)budget)
            abort();
        if (err == CAIRN_OK) {
            src = slot_of(t, h);
            if (!src || done != (src->first_child == NULL))
                abort();
        }
        break;
    }
    case 7: {
        enum cairn_object_type type;
        uint32_t rights;

        h = read_handle(r, &t);
        type = (enum cairn_object_type)(read_u8(r) % CAIRN_OBJ_TYPE_COUNT);
        rights = read_u16(r) & 0x7ff;
        err = handle_get(&tables[t], h, type, rights, &src);
        if (err == CAIRN_OK && (src->table != &tables[t] || (src->rights & rights) != rights ||
                                (type != CAIRN_OBJ_NONE && src->type != type)))
            abort();
        break;
    }
    case 8:
        fail_alloc = read_u8(r) & 1;
        break;
    case 9: {
        int obj;
        enum cairn_object_type type;
        uint32_t rights;

        h = read_handle(r, &t);
        obj = read_u8(r) % NOBJS;
        type = (enum cairn_object_type)(read_u8(r) % (CAIRN_OBJ_TYPE_COUNT + 1));
        rights = read_u16(r) & 0x7ff;
        src = slot_of(t, h);
        objs[obj].refs++;
        err = handle_install_derived(&tables[t], h, &objs[obj], type, rights, &out);
        if (err != CAIRN_OK)
            objs[obj].refs--;
        else
            check_new(t, out, src, rights, 0);
        break;
    }
    default: {
        unsigned capacity = read_u8(r) % MAX_CAP + 1;

        t = read_u8(r) % NTABLES;
        handle_table_destroy(&tables[t]);
        if (tables[t].chunks || tables[t].in_use || tables[t].capacity)
            abort();
        err = handle_table_init(&tables[t], &OPS, capacity);
        if ((err == CAIRN_OK) != (capacity >= HANDLE_TABLE_MIN_CAPACITY && !fail_alloc))
            abort();
        return CAIRN_OK;
    }
    }
    if ((unsigned)err >= CAIRN_ERROR_COUNT)
        abort();
    return err;
}

/* The whole state a failed call must leave alone, in brief. */
struct summary {
    unsigned in_use[NTABLES];
    unsigned chunks_used[NTABLES];
    uint32_t free_head[NTABLES];
    long refs[NOBJS];
    long bytes_out;
};

static void summarize(struct summary *s)
{
    memset(s, 0, sizeof(*s));
    for (int t = 0; t < NTABLES; t++) {
        s->in_use[t] = tables[t].in_use;
        s->chunks_used[t] = tables[t].chunks_used;
        s->free_head[t] = tables[t].free_head;
    }
    for (int i = 0; i < NOBJS; i++)
        s->refs[i] = objs[i].refs;
    s->bytes_out = bytes_out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct reader r = {data, size, 0};

    memset(objs, 0, sizeof(objs));
    pool_next = 0;
    fail_alloc = false;
    for (int t = 0; t < NTABLES; t++) {
        if (handle_table_init(&tables[t], &OPS, 70 + 40 * (unsigned)t) != CAIRN_OK)
            abort();
    }
    for (int n = 0; n < MAX_OPS && r.pos < r.size; n++) {
        struct summary before, after;

        summarize(&before);
        if (run_op(&r) != CAIRN_OK) {
            summarize(&after);
            if (memcmp(&before, &after, sizeof(before)) != 0)
                abort();
        }
        check_all();
    }
    for (int t = 0; t < NTABLES; t++)
        handle_table_destroy(&tables[t]);
    for (int i = 0; i < NOBJS; i++) {
        if (objs[i].refs != 0)
            abort();
    }
    if (bytes_out != 0)
        abort();
    return 0;
}
