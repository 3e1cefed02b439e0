/*
 * namespace.c - the nameserver's tables (see namespace.h).
 */
#include "namespace.h"
#include <cairn/error.h>
#include <string.h>

void ns_init(struct ns_table *t)
{
    memset(t, 0, sizeof(*t));
    t->spaces[0].id = NS_ROOT;
    t->spaces[0].open = true;
    strcpy(t->spaces[0].label, "root");
}

static struct ns_space *space_find(struct ns_table *t, uint32_t id)
{
    for (unsigned i = 0; id != 0 && i < NS_MAX; i++) {
        if (t->spaces[i].id == id)
            return &t->spaces[i];
    }
    return NULL;
}

static const struct ns_space *space_find_const(const struct ns_table *t, uint32_t id)
{
    return space_find((struct ns_table *)t, id);
}

static bool scheme_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

/* Copies one component starting at *in (after any run of '/'), or
 * returns 0 at the end; -1 when the component is bad. */
static int component_put(const char **in, char *out, unsigned *len)
{
    const char *p = *in;
    while (*p == '/')
        p++;
    const char *start = p;
    while (*p && *p != '/') {
        if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
            return -1;
        p++;
    }
    unsigned n = (unsigned)(p - start);
    *in = p;
    if (n == 0)
        return 0;
    if ((n == 1 && start[0] == '.') || (n == 2 && start[0] == '.' && start[1] == '.'))
        return -1;
    if (*len + 1 + n > NS_PATH_MAX)
        return -1;
    out[(*len)++] = '/';
    memcpy(out + *len, start, n);
    *len += n;
    return 1;
}

long ns_path_normalise(const char *path, char *out, unsigned *scheme_len)
{
    unsigned n = 0;
    while (path[n] && path[n] != ':') {
        if (n >= NS_SCHEME_MAX || !scheme_char(path[n]))
            return -CAIRN_E_INVALID_ARGUMENT;
        out[n] = path[n];
        n++;
    }
    if (n == 0 || path[n] != ':')
        return -CAIRN_E_INVALID_ARGUMENT;
    out[n++] = ':';
    *scheme_len = n - 1;
    const char *rest = path + n;
    if (*rest && *rest != '/')
        return -CAIRN_E_INVALID_ARGUMENT;
    int r;
    while ((r = component_put(&rest, out, &n)) > 0)
        ;
    if (r < 0)
        return -CAIRN_E_INVALID_ARGUMENT;
    out[n] = '\0';
    return 0;
}

/* Whether binding path b covers normalised path p: equal, or p goes on
 * below it ("file:" covers every file path). */
static bool path_covers(const char *b, const char *p)
{
    size_t n = strlen(b);
    if (strncmp(b, p, n) != 0)
        return false;
    return p[n] == '\0' || b[n - 1] == ':' || p[n] == '/';
}

/* The binding of s that covers p most closely, or NULL. */
static const struct ns_binding *binding_best(const struct ns_space *s, const char *p)
{
    const struct ns_binding *best = NULL;
    for (unsigned i = 0; i < s->binding_count; i++) {
        const struct ns_binding *b = &s->bindings[i];
        if (path_covers(b->path, p) && (!best || strlen(b->path) > strlen(best->path)))
            best = b;
    }
    return best;
}

/* Whether namespace id sees normalised path p, and with which flags. Each
 * step goes to a parent, whose id is smaller, so the walk ends. */
static bool space_sees(const struct ns_table *t, uint32_t id, const char *p, uint32_t *flags)
{
    *flags = 0;
    while (id != NS_ROOT) {
        const struct ns_space *s = space_find_const(t, id);
        const struct ns_binding *b = s ? binding_best(s, p) : NULL;
        if (!b)
            return false;
        *flags |= b->flags;
        if (b->mode == NS_READ_ONLY)
            *flags |= NS_FLAG_READ_ONLY;
        if (b->mode == NS_PRIVATE)
            return true;
        id = s->parent;
    }
    return true;
}

long ns_create(struct ns_table *t, uint32_t id, uint32_t parent, const char *label)
{
    size_t len = strnlen(label, NS_LABEL_MAX + 1);
    if (len == 0 || len > NS_LABEL_MAX || id == 0 || id == NS_ROOT)
        return -CAIRN_E_INVALID_ARGUMENT;
    if (space_find(t, id))
        return -CAIRN_E_BUSY;
    if (!space_find(t, parent))
        return -CAIRN_E_NOT_FOUND;
    struct ns_space *s = NULL;
    for (unsigned i = 0; i < NS_MAX && !s; i++) {
        if (t->spaces[i].id == 0)
            s = &t->spaces[i];
    }
    if (!s)
        return -CAIRN_E_NO_MEMORY;
    memset(s, 0, sizeof(*s));
    s->id = id;
    s->parent = parent;
    memcpy(s->label, label, len);
    return 0;
}

bool ns_exists(const struct ns_table *t, uint32_t id)
{
    return space_find_const(t, id) != NULL;
}

/* Namespace id, if it exists and is open to requests. */
static const struct ns_space *space_open(const struct ns_table *t, uint32_t id)
{
    const struct ns_space *s = space_find_const(t, id);
    return s && s->open ? s : NULL;
}

long ns_open(struct ns_table *t, uint32_t id)
{
    struct ns_space *s = space_find(t, id);
    if (!s)
        return -CAIRN_E_NOT_FOUND;
    s->open = true;
    return 0;
}

long ns_destroy(struct ns_table *t, uint32_t id, uint64_t *closed, unsigned *n)
{
    struct ns_space *s = space_find(t, id);
    *n = 0;
    if (id == NS_ROOT)
        return -CAIRN_E_INVALID_ARGUMENT;
    if (!s)
        return -CAIRN_E_NOT_FOUND;
    for (unsigned i = 0; i < NS_SCHEMES_MAX; i++) {
        struct ns_registration *r = &t->schemes[i];
        if (r->scheme[0] && r->owner == id) {
            closed[(*n)++] = r->service;
            memset(r, 0, sizeof(*r));
        }
    }
    memset(s, 0, sizeof(*s));
    return 0;
}

long ns_bind(struct ns_table *t, uint32_t id, const char *path, enum ns_mode mode)
{
    char p[NS_PATH_MAX + 1];
    unsigned scheme_len;
    uint32_t flags;
    if (ns_path_normalise(path, p, &scheme_len) < 0 || (unsigned)mode > NS_READ_ONLY ||
        id == NS_ROOT)
        return -CAIRN_E_INVALID_ARGUMENT;
    struct ns_space *s = space_find(t, id);
    if (!s)
        return -CAIRN_E_NOT_FOUND;
    if (!space_sees(t, s->parent, p, &flags))
        return -CAIRN_E_ACCESS_DENIED;
    for (unsigned i = 0; i < s->binding_count; i++) {
        if (strcmp(s->bindings[i].path, p) == 0)
            return -CAIRN_E_BUSY;
    }
    if (s->binding_count == NS_BINDINGS_MAX)
        return -CAIRN_E_NO_MEMORY;
    struct ns_binding *b = &s->bindings[s->binding_count++];
    strcpy(b->path, p);
    b->mode = mode;
    /* A private copy keeps what the parent's view was then: a copy of a
     * read-only view stays read-only. */
    b->flags = mode == NS_PRIVATE ? flags : 0;
    return 0;
}

long ns_unbind(struct ns_table *t, uint32_t id, const char *path)
{
    char p[NS_PATH_MAX + 1];
    unsigned scheme_len;
    if (ns_path_normalise(path, p, &scheme_len) < 0 || id == NS_ROOT)
        return -CAIRN_E_INVALID_ARGUMENT;
    struct ns_space *s = space_find(t, id);
    if (!s)
        return -CAIRN_E_NOT_FOUND;
    for (unsigned i = 0; i < s->binding_count; i++) {
        if (strcmp(s->bindings[i].path, p) == 0) {
            s->bindings[i] = s->bindings[--s->binding_count];
            return 0;
        }
    }
    return -CAIRN_E_NOT_FOUND;
}

/* Checks that scheme is a whole, valid scheme name. */
static bool scheme_ok(const char *scheme)
{
    size_t n = strnlen(scheme, NS_SCHEME_MAX + 1);
    if (n == 0 || n > NS_SCHEME_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!scheme_char(scheme[i]))
            return false;
    }
    return true;
}

long ns_allow_provide(struct ns_table *t, uint32_t id, const char *scheme)
{
    if (!scheme_ok(scheme))
        return -CAIRN_E_INVALID_ARGUMENT;
    struct ns_space *s = space_find(t, id);
    if (!s)
        return -CAIRN_E_NOT_FOUND;
    for (unsigned i = 0; i < s->provide_count; i++) {
        if (strcmp(s->provides[i], scheme) == 0)
            return 0;
    }
    if (s->provide_count == NS_PROVIDES_MAX)
        return -CAIRN_E_NO_MEMORY;
    strcpy(s->provides[s->provide_count++], scheme);
    return 0;
}

static bool may_provide(const struct ns_space *s, const char *scheme)
{
    if (s->id == NS_ROOT)
        return true;
    for (unsigned i = 0; i < s->provide_count; i++) {
        if (strcmp(s->provides[i], scheme) == 0)
            return true;
    }
    return false;
}

static struct ns_registration *registration_find(struct ns_table *t, const char *scheme, size_t n)
{
    for (unsigned i = 0; i < NS_SCHEMES_MAX; i++) {
        struct ns_registration *r = &t->schemes[i];
        if (r->scheme[0] && strlen(r->scheme) == n && strncmp(r->scheme, scheme, n) == 0)
            return r;
    }
    return NULL;
}

long ns_register(struct ns_table *t, uint32_t id, const char *scheme, uint64_t service,
                 uint64_t *old)
{
    *old = 0;
    if (!scheme_ok(scheme))
        return -CAIRN_E_INVALID_ARGUMENT;
    const struct ns_space *s = space_open(t, id);
    if (!s)
        return -CAIRN_E_ACCESS_DENIED;
    if (!may_provide(s, scheme))
        return -CAIRN_E_ACCESS_DENIED;
    struct ns_registration *r = registration_find(t, scheme, strlen(scheme));
    if (r) {
        *old = r->service;
    } else {
        for (unsigned i = 0; i < NS_SCHEMES_MAX && !r; i++) {
            if (!t->schemes[i].scheme[0])
                r = &t->schemes[i];
        }
        if (!r)
            return -CAIRN_E_NO_MEMORY;
        strcpy(r->scheme, scheme);
    }
    r->service = service;
    r->owner = id;
    return 0;
}

long ns_resolve(const struct ns_table *t, uint32_t id, const char *path, struct ns_target *out)
{
    char p[NS_PATH_MAX + 1];
    unsigned scheme_len;
    if (ns_path_normalise(path, p, &scheme_len) < 0)
        return -CAIRN_E_INVALID_ARGUMENT;
    if (!space_open(t, id))
        return -CAIRN_E_ACCESS_DENIED;
    if (!space_sees(t, id, p, &out->flags))
        return -CAIRN_E_NOT_FOUND;
    const struct ns_registration *r = registration_find((struct ns_table *)t, p, scheme_len);
    if (!r)
        return -CAIRN_E_PEER_DEAD;
    out->service = r->service;
    return 0;
}
