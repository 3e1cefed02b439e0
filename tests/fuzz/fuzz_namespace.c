/*
 * fuzz_namespace.c - libFuzzer target for the nameserver's tables
 * (user/nameserver/namespace.c), whose paths and scheme names come from
 * clients.
 *
 * The input is a program: each step picks an operation (create, bind,
 * unbind, allow, open, register, resolve, destroy, normalise) on one of a
 * few namespace ids, with a path or scheme cut from the input. It checks
 * that normalising is idempotent, that a resolution yields only a
 * service that was registered and is still registered, and that nothing
 * outside a namespace's view resolves in it: a namespace with no
 * bindings resolves nothing.
 */
#include "namespace.h"

#include <cairn/error.h>
#include <stdlib.h>
#include <string.h>

#define IDS 6

struct reader {
    const uint8_t *p;
    size_t n;
};

static uint8_t take(struct reader *r)
{
    if (!r->n)
        return 0;
    r->n--;
    return *r->p++;
}

/* A string of up to 160 bytes from the input (may hold anything). */
static void take_text(struct reader *r, char *out)
{
    size_t len = take(r) % 161;
    size_t i = 0;
    for (; i < len && r->n; i++)
        out[i] = (char)take(r);
    out[i] = '\0';
}

static void check_normalise(const char *text)
{
    char once[NS_PATH_MAX + 1], twice[NS_PATH_MAX + 1];
    unsigned scheme_len, again_len;
    if (ns_path_normalise(text, once, &scheme_len) != 0)
        return;
    if (strlen(once) > NS_PATH_MAX || scheme_len == 0 || once[scheme_len] != ':')
        abort();
    if (ns_path_normalise(once, twice, &again_len) != 0 || strcmp(once, twice) != 0 ||
        again_len != scheme_len)
        abort();
}

static bool registered(const struct ns_table *t, uint64_t service)
{
    for (unsigned i = 0; i < NS_SCHEMES_MAX; i++) {
        if (t->schemes[i].scheme[0] && t->schemes[i].service == service)
            return true;
    }
    return false;
}

static bool has_bindings(const struct ns_table *t, uint32_t id)
{
    for (unsigned i = 0; i < NS_MAX; i++) {
        if (t->spaces[i].id == id)
            return t->spaces[i].binding_count > 0;
    }
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ns_table t;
    struct reader r = {data, size};
    char text[161];
    uint64_t next_service = 1, old, closed[NS_SCHEMES_MAX];
    unsigned n;
    struct ns_target target;
    ns_init(&t);
    while (r.n) {
        uint8_t op = take(&r);
        uint32_t id = 1 + take(&r) % IDS, other = 1 + take(&r) % IDS;
        take_text(&r, text);
        switch (op % 9) {
        case 0:
            ns_create(&t, id, other, text);
            break;
        case 1:
            ns_bind(&t, id, text, (enum ns_mode)(take(&r) % 4));
            break;
        case 2:
            ns_unbind(&t, id, text);
            break;
        case 3:
            ns_allow_provide(&t, id, text);
            break;
        case 4:
            ns_open(&t, id);
            break;
        case 5:
            if (ns_register(&t, id, text, next_service, &old) == 0)
                next_service++;
            break;
        case 6:
            if (ns_resolve(&t, id, text, &target) == 0) {
                if (!registered(&t, target.service) || target.flags & ~NS_FLAG_READ_ONLY)
                    abort();
                if (id != NS_ROOT && !has_bindings(&t, id))
                    abort();
            }
            break;
        case 7:
            if (ns_destroy(&t, id, closed, &n) == 0 && n > NS_SCHEMES_MAX)
                abort();
            break;
        default:
            check_normalise(text);
            break;
        }
    }
    return 0;
}
