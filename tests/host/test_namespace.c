/*
 * test_namespace.c - host tests for user/nameserver/namespace.c: path
 * normalisation, what each namespace sees (inherit, private, read-only),
 * that no binding widens a parent's view, registration rights and
 * replacement, and destruction.
 */
#include "namespace.h"

#include <cairn/error.h>
#include <stdlib.h>

#include "check.h"

#define LOG_EP  0x101u
#define FILE_EP 0x202u
#define LOG2_EP 0x303u

static long norm(const char *in, char *out)
{
    unsigned scheme_len;
    return ns_path_normalise(in, out, &scheme_len);
}

static void test_normalise(void)
{
    char out[NS_PATH_MAX + 1];
    CHECK_EQ(norm("log:", out), 0);
    CHECK_STR(out, "log:");
    CHECK_EQ(norm("log:/", out), 0);
    CHECK_STR(out, "log:");
    CHECK_EQ(norm("file://a//b/", out), 0);
    CHECK_STR(out, "file:/a/b");
    CHECK_EQ(norm("file:/a/.hidden/c", out), 0);
    CHECK_STR(out, "file:/a/.hidden/c");
    CHECK_EQ(norm("", out), -CAIRN_E_INVALID_ARGUMENT);
    CHECK_EQ(norm(":", out), -CAIRN_E_INVALID_ARGUMENT);
    CHECK_EQ(norm("log", out), -CAIRN_E_INVALID_ARGUMENT);
    CHECK_EQ(norm("Log:", out), -CAIRN_E_INVALID_ARGUMENT);
    CHECK_EQ(norm("log:x", out), -CAIRN_E_INVALID_ARGUMENT);
    CHECK_EQ(norm("file:/a/../b", out), -CAIRN_E_INVALID_ARGUMENT);
    CHECK_EQ(norm("file:/./b", out), -CAIRN_E_INVALID_ARGUMENT);
    CHECK_EQ(norm("file:/a b", out), -CAIRN_E_INVALID_ARGUMENT);
    CHECK_EQ(norm("file:/a\x7f", out), -CAIRN_E_INVALID_ARGUMENT);
    CHECK_EQ(norm("abcdefghijklmnop:", out), -CAIRN_E_INVALID_ARGUMENT); /* 16 bytes */
    CHECK_EQ(norm("abcdefghijklmno:", out), 0);
    char longp[300] = "file:";
    for (int i = 5; i < 299; i++)
        longp[i] = i % 2 ? '/' : 'x';
    longp[299] = '\0';
    CHECK_EQ(norm(longp, out), -CAIRN_E_INVALID_ARGUMENT);
}

static void test_resolve_views(void)
{
    uint32_t next_id = 2;
    struct ns_table *t = calloc(1, sizeof(*t));
    struct ns_target r;
    uint32_t log, app, child, priv, ro;
    uint64_t old;
    ns_init(t);
    CHECK_EQ(ns_create(t, log = next_id++, NS_ROOT, "log"), 0);
    CHECK_EQ(ns_allow_provide(t, log, "log"), 0);
    /* Not open yet: as if it did not exist. */
    CHECK_EQ(ns_register(t, log, "log", LOG_EP, &old), -CAIRN_E_ACCESS_DENIED);
    CHECK(ns_exists(t, log));
    CHECK_EQ(ns_open(t, log), 0);
    CHECK_EQ(ns_open(t, 9999), -CAIRN_E_NOT_FOUND);
    CHECK_EQ(ns_unbind(t, log, "x:"), -CAIRN_E_NOT_FOUND);
    uint32_t shut;
    CHECK_EQ(ns_create(t, shut = next_id++, NS_ROOT, "log"), 0);
    CHECK_EQ(ns_register(t, log, "log", LOG_EP, &old), 0);
    CHECK_EQ(old, 0);
    CHECK_EQ(ns_register(t, NS_ROOT, "file", FILE_EP, &old), 0);
    /* The root sees everything registered; a scheme nobody registered is
     * seen but dead. */
    CHECK_EQ(ns_resolve(t, NS_ROOT, "log:", &r), 0);
    CHECK_EQ(r.service, LOG_EP);
    CHECK_EQ(ns_resolve(t, NS_ROOT, "tcp:/80", &r), -CAIRN_E_PEER_DEAD);
    CHECK_EQ(ns_bind(t, shut, "log:", NS_INHERIT), 0);
    CHECK_EQ(ns_resolve(t, shut, "log:", &r), -CAIRN_E_ACCESS_DENIED);
    CHECK_EQ(ns_open(t, shut), 0);
    CHECK_EQ(ns_resolve(t, shut, "log:", &r), 0);
    /* A new namespace sees nothing. */
    CHECK_EQ(ns_create(t, app = next_id++, NS_ROOT, "app"), 0);
    CHECK_EQ(ns_open(t, app), 0);
    CHECK_EQ(ns_resolve(t, app, "log:", &r), -CAIRN_E_NOT_FOUND);
    CHECK_EQ(ns_bind(t, app, "log:", NS_INHERIT), 0);
    CHECK_EQ(ns_bind(t, app, "log:/", NS_INHERIT), -CAIRN_E_BUSY);
    CHECK_EQ(ns_bind(t, app, "file:/data", NS_INHERIT), 0);
    CHECK_EQ(ns_resolve(t, app, "log:", &r), 0);
    CHECK_EQ(r.service, LOG_EP);
    CHECK_EQ(r.flags, 0);
    CHECK_EQ(ns_resolve(t, app, "file:/data/x", &r), 0);
    CHECK_EQ(r.service, FILE_EP);
    CHECK_EQ(ns_resolve(t, app, "file:/data", &r), 0);
    CHECK_EQ(ns_resolve(t, app, "file:/database", &r), -CAIRN_E_NOT_FOUND);
    CHECK_EQ(ns_resolve(t, app, "file:/etc", &r), -CAIRN_E_NOT_FOUND);
    CHECK_EQ(ns_resolve(t, app, "file:", &r), -CAIRN_E_NOT_FOUND);
    CHECK_EQ(ns_resolve(t, app, "proc:", &r), -CAIRN_E_NOT_FOUND);
    CHECK_EQ(ns_resolve(t, app, "bad path", &r), -CAIRN_E_INVALID_ARGUMENT);
    /* No binding widens the parent's view. */
    CHECK_EQ(ns_create(t, child = next_id++, app, "child"), 0);
    CHECK_EQ(ns_open(t, child), 0);
    CHECK_EQ(ns_bind(t, child, "file:", NS_INHERIT), -CAIRN_E_ACCESS_DENIED);
    CHECK_EQ(ns_bind(t, child, "proc:", NS_PRIVATE), -CAIRN_E_ACCESS_DENIED);
    CHECK_EQ(ns_bind(t, child, "file:/data/sub", NS_INHERIT), 0);
    CHECK_EQ(ns_bind(t, child, "log:", NS_READ_ONLY), 0);
    CHECK_EQ(ns_resolve(t, child, "file:/data/sub/f", &r), 0);
    CHECK_EQ(ns_resolve(t, child, "file:/data/other", &r), -CAIRN_E_NOT_FOUND);
    CHECK_EQ(ns_resolve(t, child, "log:", &r), 0);
    CHECK_EQ(r.flags, NS_FLAG_READ_ONLY);
    /* Private keeps its view when the parent loses it; inherit does not;
     * a private copy of a read-only view stays read-only. */
    CHECK_EQ(ns_create(t, priv = next_id++, app, "priv"), 0);
    CHECK_EQ(ns_open(t, priv), 0);
    CHECK_EQ(ns_bind(t, priv, "log:", NS_PRIVATE), 0);
    CHECK_EQ(ns_create(t, ro = next_id++, child, "ro"), 0);
    CHECK_EQ(ns_open(t, ro), 0);
    CHECK_EQ(ns_bind(t, ro, "log:", NS_PRIVATE), 0);
    CHECK_EQ(ns_unbind(t, app, "log:"), 0);
    CHECK_EQ(ns_unbind(t, app, "log:"), -CAIRN_E_NOT_FOUND);
    CHECK_EQ(ns_resolve(t, app, "log:", &r), -CAIRN_E_NOT_FOUND);
    CHECK_EQ(ns_resolve(t, child, "log:", &r), -CAIRN_E_NOT_FOUND);
    CHECK_EQ(ns_resolve(t, priv, "log:", &r), 0);
    CHECK_EQ(r.flags, 0);
    CHECK_EQ(ns_resolve(t, ro, "log:", &r), 0);
    CHECK_EQ(r.flags, NS_FLAG_READ_ONLY);
    /* A restarted provider replaces the registration. */
    uint32_t log2;
    CHECK_EQ(ns_create(t, log2 = next_id++, NS_ROOT, "log"), 0);
    CHECK_EQ(ns_open(t, log2), 0);
    CHECK_EQ(ns_allow_provide(t, log2, "log"), 0);
    CHECK_EQ(ns_register(t, log2, "log", LOG2_EP, &old), 0);
    CHECK_EQ(old, LOG_EP);
    CHECK_EQ(ns_resolve(t, priv, "log:", &r), 0);
    CHECK_EQ(r.service, LOG2_EP);
    /* Destroying the old provider's namespace leaves the new registration. */
    uint64_t closed[NS_SCHEMES_MAX];
    unsigned n;
    CHECK_EQ(ns_destroy(t, log, closed, &n), 0);
    CHECK_EQ(n, 0);
    CHECK_EQ(ns_destroy(t, log2, closed, &n), 0);
    CHECK_EQ(n, 1);
    CHECK_EQ(closed[0], LOG2_EP);
    CHECK_EQ(ns_resolve(t, priv, "log:", &r), -CAIRN_E_PEER_DEAD);
    /* A destroyed namespace answers nothing. */
    CHECK_EQ(ns_resolve(t, log2, "log:", &r), -CAIRN_E_ACCESS_DENIED);
    CHECK(!ns_exists(t, log2));
    CHECK(ns_exists(t, priv));
    CHECK(ns_exists(t, NS_ROOT));
    CHECK_EQ(ns_destroy(t, log2, closed, &n), -CAIRN_E_NOT_FOUND);
    CHECK_EQ(ns_destroy(t, NS_ROOT, closed, &n), -CAIRN_E_INVALID_ARGUMENT);
    uint32_t again;
    CHECK_EQ(ns_create(t, again = next_id++, NS_ROOT, "again"), 0);
    CHECK_EQ(ns_open(t, again), 0);
    CHECK_EQ(ns_create(t, again, NS_ROOT, "again"), -CAIRN_E_BUSY);
    CHECK_EQ(ns_create(t, 0, NS_ROOT, "zero"), -CAIRN_E_INVALID_ARGUMENT);
    CHECK_EQ(ns_create(t, NS_ROOT, NS_ROOT, "root"), -CAIRN_E_INVALID_ARGUMENT);
    /* Unknown namespaces and ids 0. */
    CHECK_EQ(ns_resolve(t, 0, "log:", &r), -CAIRN_E_ACCESS_DENIED);
    CHECK_EQ(ns_resolve(t, 9999, "log:", &r), -CAIRN_E_ACCESS_DENIED);
    CHECK_EQ(ns_register(t, 9999, "log", 1, &old), -CAIRN_E_ACCESS_DENIED);
    CHECK_EQ(ns_bind(t, 9999, "log:", NS_INHERIT), -CAIRN_E_NOT_FOUND);
    CHECK_EQ(ns_bind(t, NS_ROOT, "log:", NS_INHERIT), -CAIRN_E_INVALID_ARGUMENT);
    CHECK_EQ(ns_bind(t, app, "log:", (enum ns_mode)7), -CAIRN_E_INVALID_ARGUMENT);
    CHECK_EQ(ns_create(t, again = next_id++, 9999, "x"), -CAIRN_E_NOT_FOUND);
    CHECK_EQ(ns_create(t, again = next_id++, NS_ROOT, ""), -CAIRN_E_INVALID_ARGUMENT);
    CHECK_EQ(ns_create(t, again = next_id++, NS_ROOT, "a-label-that-is-longer-than-31-b"),
             -CAIRN_E_INVALID_ARGUMENT);
    CHECK_EQ(ns_allow_provide(t, app, "BAD"), -CAIRN_E_INVALID_ARGUMENT);
    CHECK_EQ(ns_register(t, NS_ROOT, "", 1, &old), -CAIRN_E_INVALID_ARGUMENT);
    free(t);
}

static void test_limits(void)
{
    uint32_t next_id = 2;
    struct ns_table *t = calloc(1, sizeof(*t));
    uint32_t id = 0, last = 0;
    ns_init(t);
    unsigned made = 0;
    while (ns_create(t, id = next_id++, NS_ROOT, "x") == 0) {
        made++;
        last = id;
    }
    CHECK_EQ(made, NS_MAX - 1);
    CHECK_EQ(ns_create(t, id = next_id++, NS_ROOT, "x"), -CAIRN_E_NO_MEMORY);
    char path[32];
    uint64_t old;
    for (unsigned i = 0; i < NS_BINDINGS_MAX; i++) {
        snprintf(path, sizeof(path), "s%u:", i);
        CHECK_EQ(ns_bind(t, last, path, NS_INHERIT), 0);
    }
    CHECK_EQ(ns_bind(t, last, "one-more:", NS_INHERIT), -CAIRN_E_NO_MEMORY);
    for (unsigned i = 0; i < NS_SCHEMES_MAX; i++) {
        snprintf(path, sizeof(path), "s%u", i);
        CHECK_EQ(ns_register(t, NS_ROOT, path, i + 1, &old), 0);
    }
    CHECK_EQ(ns_register(t, NS_ROOT, "one-more", 1, &old), -CAIRN_E_NO_MEMORY);
    for (unsigned i = 0; i < NS_PROVIDES_MAX; i++) {
        snprintf(path, sizeof(path), "p%u", i);
        CHECK_EQ(ns_allow_provide(t, last, path), 0);
    }
    CHECK_EQ(ns_allow_provide(t, last, "p0"), 0); /* again: nothing new */
    CHECK_EQ(ns_allow_provide(t, last, "one-more"), -CAIRN_E_NO_MEMORY);
    free(t);
}

int main(void)
{
    test_normalise();
    test_resolve_views();
    test_limits();
    return CHECK_DONE("namespace");
}
