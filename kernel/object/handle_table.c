/*
 * handle_table.c - handle tables and the capability derivation tree.
 *
 * Every function leaves the tables and the tree consistent before it calls
 * ops->release, so a release that looks at the tables (it must not change
 * them) sees a coherent state.
 */
#include <object/handle_table.h>

_Static_assert(sizeof(struct handle_slot) == 64, "a chunk of 64 slots is one 4 KiB page");
_Static_assert(HANDLE_TABLE_MAX_CAPACITY - 1 <= CAIRN_HANDLE_INDEX_MASK,
               "every index fits the handle's index field");

#define CHUNK_BYTES (HANDLE_CHUNK_SLOTS * sizeof(struct handle_slot))

static unsigned chunk_count(unsigned capacity)
{
    return (capacity + HANDLE_CHUNK_SLOTS - 1) / HANDLE_CHUNK_SLOTS;
}

static cairn_handle_t handle_value(uint32_t index, uint16_t generation)
{
    return ((cairn_handle_t)generation << CAIRN_HANDLE_INDEX_BITS) | index;
}

static struct handle_slot *slot_at(const struct handle_table *t, uint32_t index)
{
    return &t->chunks[index / HANDLE_CHUNK_SLOTS][index % HANDLE_CHUNK_SLOTS];
}

/* Finds the LIVE or REVOKED slot h names in t. */
static struct handle_slot *slot_lookup(const struct handle_table *t, cairn_handle_t h)
{
    uint32_t index = h & CAIRN_HANDLE_INDEX_MASK;
    uint32_t generation = h >> CAIRN_HANDLE_INDEX_BITS;
    struct handle_slot *s;

    if (index == 0 || index >= t->capacity || index / HANDLE_CHUNK_SLOTS >= t->chunks_used)
        return NULL;
    s = slot_at(t, index);
    /* A value with bit 31 set has a generation no slot can have. */
    if (s->state == HANDLE_SLOT_FREE || s->generation != generation)
        return NULL;
    return s;
}

/* Adds a chunk to t and puts its slots on the free list, lowest index first. */
static enum cairn_error table_grow(struct handle_table *t)
{
    unsigned first = t->chunks_used * HANDLE_CHUNK_SLOTS;
    struct handle_slot *chunk;

    if (first >= t->capacity)
        return CAIRN_E_NO_HANDLES;
    enum cairn_error err = CAIRN_E_NO_MEMORY;
    chunk = t->ops->alloc_chunk(CHUNK_BYTES, t->ops->ctx, &err);
    if (!chunk)
        return err;
    for (unsigned i = HANDLE_CHUNK_SLOTS; i-- > 0;) {
        struct handle_slot *s = &chunk[i];
        uint32_t index = first + i;

        *s = (struct handle_slot){.table = t, .generation = 1};
        if (index != 0 && index < t->capacity) {
            s->next_free = t->free_head;
            t->free_head = index;
        }
    }
    t->chunks[t->chunks_used++] = chunk;
    return CAIRN_OK;
}

/*
 * Takes a free slot of t and makes it a LIVE root (links cleared) holding
 * nothing yet; the caller fills it in. Returns its index in *index.
 */
static enum cairn_error slot_alloc(struct handle_table *t, uint32_t *index,
                                   struct handle_slot **out)
{
    struct handle_slot *s;

    if (t->free_head == 0) {
        enum cairn_error err = table_grow(t);
        if (err != CAIRN_OK)
            return err;
    }
    *index = t->free_head;
    s = slot_at(t, *index);
    t->free_head = s->next_free;
    s->next_sibling = NULL;
    s->state = HANDLE_SLOT_LIVE;
    t->in_use++;
    *out = s;
    return CAIRN_OK;
}

/* A LIVE slot of t is about to stop being LIVE (handle_table_epoch()). */
static void table_advance_epoch(struct handle_table *t)
{
    __atomic_store_n(&t->epoch, t->epoch + 1, __ATOMIC_RELEASE);
}

/* Returns a slot already out of the CDT and holding nothing to t's free list. */
static void slot_free(struct handle_table *t, struct handle_slot *s, uint32_t index)
{
    table_advance_epoch(t);
    s->state = HANDLE_SLOT_FREE;
    s->object = NULL;
    s->badge = 0;
    s->rights = 0;
    s->type = CAIRN_OBJ_NONE;
    s->generation = s->generation >= CAIRN_HANDLE_GEN_MASK ? 1 : s->generation + 1;
    s->next_free = t->free_head;
    t->free_head = index;
    t->in_use--;
}

/* Makes the root child the first child of parent. */
static void cdt_add_child(struct handle_slot *parent, struct handle_slot *child)
{
    child->parent = parent;
    child->prev_sibling = NULL;
    child->next_sibling = parent->first_child;
    if (parent->first_child)
        parent->first_child->prev_sibling = child;
    parent->first_child = child;
}

/* Takes s, with its subtree, out of its parent's children: s becomes a root. */
static void cdt_unlink(struct handle_slot *s)
{
    if (s->prev_sibling)
        s->prev_sibling->next_sibling = s->next_sibling;
    else if (s->parent)
        s->parent->first_child = s->next_sibling;
    if (s->next_sibling)
        s->next_sibling->prev_sibling = s->prev_sibling;
    s->parent = NULL;
    s->prev_sibling = NULL;
    s->next_sibling = NULL;
}

/*
 * Takes s out of the CDT. Its children take its place, in order, among its
 * parent's children; without a parent they become separate roots.
 */
static void cdt_remove(struct handle_slot *s)
{
    struct handle_slot *parent = s->parent;
    struct handle_slot *first = s->first_child;
    struct handle_slot *last = NULL;

    if (!first) {
        cdt_unlink(s);
        return;
    }
    for (struct handle_slot *c = first; c; c = c->next_sibling) {
        c->parent = parent;
        last = c;
    }
    if (parent) {
        first->prev_sibling = s->prev_sibling;
        if (s->prev_sibling)
            s->prev_sibling->next_sibling = first;
        else
            parent->first_child = first;
        last->next_sibling = s->next_sibling;
        if (s->next_sibling)
            s->next_sibling->prev_sibling = last;
    } else {
        struct handle_slot *next;
        for (struct handle_slot *c = first; c; c = next) {
            next = c->next_sibling;
            c->prev_sibling = NULL;
            c->next_sibling = NULL;
        }
    }
    s->parent = NULL;
    s->first_child = NULL;
    s->prev_sibling = NULL;
    s->next_sibling = NULL;
}

/* Puts to in from's place in the CDT: same parent, siblings and children. */
static void cdt_replace(struct handle_slot *from, struct handle_slot *to)
{
    to->parent = from->parent;
    to->prev_sibling = from->prev_sibling;
    to->next_sibling = from->next_sibling;
    to->first_child = from->first_child;
    if (to->prev_sibling)
        to->prev_sibling->next_sibling = to;
    else if (to->parent)
        to->parent->first_child = to;
    if (to->next_sibling)
        to->next_sibling->prev_sibling = to;
    for (struct handle_slot *c = to->first_child; c; c = c->next_sibling)
        c->parent = to;
    from->parent = NULL;
    from->first_child = NULL;
    from->prev_sibling = NULL;
    from->next_sibling = NULL;
}

static void object_release(const struct handle_table *t, void *object, uint8_t type)
{
    t->ops->release(object, (enum cairn_object_type)type, t->ops->ctx);
}

enum cairn_error handle_table_init(struct handle_table *t, const struct handle_ops *ops,
                                   unsigned capacity)
{
    unsigned nchunks;

    *t = (struct handle_table){0};
    if (capacity < HANDLE_TABLE_MIN_CAPACITY || capacity > HANDLE_TABLE_MAX_CAPACITY || !ops ||
        !ops->retain || !ops->release || !ops->alloc_chunk || !ops->free_chunk)
        return CAIRN_E_INVALID_ARGUMENT;
    nchunks = chunk_count(capacity);
    enum cairn_error err = CAIRN_E_NO_MEMORY;
    t->chunks = ops->alloc_chunk(nchunks * sizeof(*t->chunks), ops->ctx, &err);
    if (!t->chunks)
        return err;
    for (unsigned i = 0; i < nchunks; i++)
        t->chunks[i] = NULL;
    t->ops = ops;
    t->capacity = capacity;
    t->epoch = 1; /* a zeroed memo of it (thread.h) never matches */
    return CAIRN_OK;
}

/*
 * Closes top, whose parent is outside t, and every slot of t below it that
 * is reached through slots of t only, so that each child outside t moves
 * once, straight to top's parent. Closing a slot splices its children into
 * its place, so one walk along top's former place in its parent's child list
 * meets each of them once. A root top gets a temporary parent on the stack
 * so the same walk applies.
 */
static void table_close_region(struct handle_table *t, struct handle_slot *top)
{
    struct handle_slot anchor = {0};
    bool rooted = top->parent == NULL;
    struct handle_slot *end, *s, *next;

    if (rooted)
        cdt_add_child(&anchor, top);
    end = top->next_sibling;
    for (s = top; s != end; s = next) {
        if (s->table != t) {
            next = s->next_sibling;
            continue;
        }
        next = s->first_child ? s->first_child : s->next_sibling;
        cdt_remove(s);
        if (s->state == HANDLE_SLOT_LIVE)
            object_release(t, s->object, s->type);
        table_advance_epoch(t);
        s->state = HANDLE_SLOT_FREE;
        s->object = NULL;
        t->in_use--;
    }
    if (rooted) {
        while (anchor.first_child)
            cdt_unlink(anchor.first_child);
    }
}

void handle_table_destroy(struct handle_table *t)
{
    for (unsigned k = 0; k < t->chunks_used; k++) {
        for (unsigned i = 0; i < HANDLE_CHUNK_SLOTS; i++) {
            struct handle_slot *s = &t->chunks[k][i];

            /* A slot below another of t goes with its topmost such ancestor. */
            if (s->state == HANDLE_SLOT_FREE || (s->parent && s->parent->table == t))
                continue;
            table_close_region(t, s);
        }
    }
    for (unsigned k = 0; k < t->chunks_used; k++)
        t->ops->free_chunk(t->chunks[k], CHUNK_BYTES, t->ops->ctx);
    if (t->chunks)
        t->ops->free_chunk(t->chunks, chunk_count(t->capacity) * sizeof(*t->chunks), t->ops->ctx);
    uint64_t epoch = t->epoch;
    *t = (struct handle_table){0};
    /* Never back to 0, which a zeroed memo of it would match. */
    __atomic_store_n(&t->epoch, epoch + 1, __ATOMIC_RELEASE);
}

enum cairn_error handle_install(struct handle_table *t, void *object, enum cairn_object_type type,
                                uint32_t rights, uint64_t badge, cairn_handle_t *out)
{
    struct handle_slot *s;
    uint32_t index;
    enum cairn_error err;

    if (!object || (unsigned)type == CAIRN_OBJ_NONE || (unsigned)type >= CAIRN_OBJ_TYPE_COUNT ||
        (rights & ~CAIRN_RIGHTS_ALL))
        return CAIRN_E_INVALID_ARGUMENT;
    err = slot_alloc(t, &index, &s);
    if (err != CAIRN_OK)
        return err;
    s->object = object;
    s->type = (uint8_t)type;
    s->rights = rights;
    s->badge = badge;
    *out = handle_value(index, s->generation);
    return CAIRN_OK;
}

enum cairn_error handle_install_derived(struct handle_table *t, cairn_handle_t parent, void *object,
                                        enum cairn_object_type type, uint32_t rights,
                                        cairn_handle_t *out)
{
    struct handle_slot *p = slot_lookup(t, parent);
    struct handle_slot *s;
    cairn_handle_t h;
    enum cairn_error err;

    if (!p)
        return CAIRN_E_BAD_HANDLE;
    if (p->state == HANDLE_SLOT_REVOKED)
        return CAIRN_E_REVOKED;
    err = handle_install(t, object, type, rights, 0, &h);
    if (err != CAIRN_OK)
        return err;
    s = slot_lookup(t, h);
    cdt_add_child(p, s);
    *out = h;
    return CAIRN_OK;
}

enum cairn_error handle_get(struct handle_table *t, cairn_handle_t h, enum cairn_object_type type,
                            uint32_t rights_needed, struct handle_slot **out)
{
    struct handle_slot *s = slot_lookup(t, h);

    if (!s)
        return CAIRN_E_BAD_HANDLE;
    if (s->state == HANDLE_SLOT_REVOKED)
        return CAIRN_E_REVOKED;
    if (type != CAIRN_OBJ_NONE && s->type != type)
        return CAIRN_E_WRONG_TYPE;
    if ((s->rights & rights_needed) != rights_needed)
        return CAIRN_E_ACCESS_DENIED;
    if (out)
        *out = s;
    return CAIRN_OK;
}

/* Makes in dst a child of the LIVE slot src_slot with a new reference. */
static enum cairn_error slot_derive(struct handle_slot *src_slot, struct handle_table *dst,
                                    uint32_t rights, uint64_t badge, cairn_handle_t *out)
{
    const struct handle_ops *ops = src_slot->table->ops;
    struct handle_slot *s;
    uint32_t index;
    enum cairn_error err;

    err = slot_alloc(dst, &index, &s);
    if (err != CAIRN_OK)
        return err;
    ops->retain(src_slot->object, (enum cairn_object_type)src_slot->type, ops->ctx);
    s->object = src_slot->object;
    s->type = src_slot->type;
    s->rights = rights;
    s->badge = badge;
    cdt_add_child(src_slot, s);
    *out = handle_value(index, s->generation);
    return CAIRN_OK;
}

enum cairn_error handle_duplicate(struct handle_table *src, cairn_handle_t h, uint32_t rights,
                                  struct handle_table *dst, cairn_handle_t *out)
{
    struct handle_slot *s;
    enum cairn_error err;

    err = handle_get(src, h, CAIRN_OBJ_NONE, CAIRN_RIGHT_DUPLICATE, &s);
    if (err != CAIRN_OK)
        return err;
    if (rights & ~s->rights)
        return CAIRN_E_ACCESS_DENIED;
    return slot_derive(s, dst, rights, s->badge, out);
}

enum cairn_error handle_grant(struct handle_table *src, cairn_handle_t h, uint32_t rights,
                              struct handle_table *dst, cairn_handle_t *out)
{
    struct handle_slot *s;
    enum cairn_error err;

    err = handle_get(src, h, CAIRN_OBJ_NONE, CAIRN_RIGHT_TRANSFER, &s);
    if (err != CAIRN_OK)
        return err;
    if (rights & ~s->rights)
        return CAIRN_E_ACCESS_DENIED;
    return slot_derive(s, dst, rights, s->badge, out);
}

enum cairn_error handle_mint(struct handle_table *t, cairn_handle_t h, uint32_t rights,
                             uint64_t badge, cairn_handle_t *out)
{
    struct handle_slot *s;
    enum cairn_error err;

    err = handle_get(t, h, CAIRN_OBJ_ENDPOINT, CAIRN_RIGHT_DUPLICATE, &s);
    if (err != CAIRN_OK)
        return err;
    if (s->badge != 0)
        return CAIRN_E_BUSY;
    if (badge == 0)
        return CAIRN_E_INVALID_ARGUMENT;
    if (rights & ~s->rights)
        return CAIRN_E_ACCESS_DENIED;
    return slot_derive(s, t, rights, badge, out);
}

enum cairn_error handle_transfer(struct handle_table *src, cairn_handle_t h,
                                 struct handle_table *dst, bool move, cairn_handle_t *out)
{
    struct handle_slot *from, *to;
    uint32_t index;
    enum cairn_error err;

    err = handle_get(src, h, CAIRN_OBJ_NONE, CAIRN_RIGHT_TRANSFER, &from);
    if (err != CAIRN_OK)
        return err;
    if (!move)
        return slot_derive(from, dst, from->rights, from->badge, out);
    err = slot_alloc(dst, &index, &to);
    if (err != CAIRN_OK)
        return err;
    to->object = from->object;
    to->type = from->type;
    to->rights = from->rights;
    to->badge = from->badge;
    cdt_replace(from, to);
    slot_free(src, from, h & CAIRN_HANDLE_INDEX_MASK);
    *out = handle_value(index, to->generation);
    return CAIRN_OK;
}

/* Free slots on t's free list: the allocated indices other than 0, less
 * those in use. */
static unsigned table_free_allocated(const struct handle_table *t)
{
    unsigned end = t->chunks_used * HANDLE_CHUNK_SLOTS;

    if (end > t->capacity)
        end = t->capacity;
    return end == 0 ? 0 : end - 1 - t->in_use;
}

enum cairn_error handle_table_reserve(struct handle_table *t, unsigned n)
{
    if (t->capacity == 0 || n > t->capacity - 1 - t->in_use)
        return CAIRN_E_NO_HANDLES;
    while (table_free_allocated(t) < n) {
        enum cairn_error err = table_grow(t);
        if (err != CAIRN_OK)
            return err;
    }
    return CAIRN_OK;
}

enum cairn_error handle_close(struct handle_table *t, cairn_handle_t h)
{
    struct handle_slot *s = slot_lookup(t, h);
    void *object;
    uint8_t type;
    bool live;

    if (!s)
        return CAIRN_E_BAD_HANDLE;
    live = s->state == HANDLE_SLOT_LIVE;
    object = s->object;
    type = s->type;
    cdt_remove(s);
    slot_free(t, s, h & CAIRN_HANDLE_INDEX_MASK);
    if (live)
        object_release(t, object, type);
    return CAIRN_OK;
}

/*
 * One unit of revoke work on root's first child c. A LIVE c is revoked; a
 * revoked c hands its first child up to root (a revoked slot is dead, so
 * nothing can tell where its children hang) and leaves the tree once it has
 * none. LIVE slots below root thus keep their whole subtree until reached.
 */
static void revoke_unit(struct handle_slot *root, struct handle_slot *c)
{
    struct handle_slot *g = c->first_child;

    if (c->state == HANDLE_SLOT_LIVE) {
        void *object = c->object;

        table_advance_epoch(c->table);
        c->object = NULL;
        c->state = HANDLE_SLOT_REVOKED;
        if (!g)
            cdt_unlink(c);
        object_release(c->table, object, c->type);
    } else if (g) {
        cdt_unlink(g);
        cdt_add_child(root, g);
    } else {
        cdt_unlink(c);
    }
}

enum cairn_error handle_revoke_step(struct handle_table *t, cairn_handle_t h, unsigned budget,
                                    bool *done)
{
    struct handle_slot *root;
    enum cairn_error err;

    err = handle_get(t, h, CAIRN_OBJ_NONE, CAIRN_RIGHT_REVOKE, &root);
    if (err != CAIRN_OK)
        return err;
    for (; budget > 0 && root->first_child; budget--)
        revoke_unit(root, root->first_child);
    *done = root->first_child == NULL;
    return CAIRN_OK;
}

unsigned handle_table_count(const struct handle_table *t)
{
    return t->in_use;
}
