/*
 * namespace.h - the nameserver's tables: which schemes are registered by
 * which service, and what each namespace may see. Pure (no system calls,
 * no allocation), so the host tests drive it directly.
 *
 * A namespace is numbered by an id init chooses and never reuses (so it
 * can make the same namespaces again for a restarted nameserver); the
 * nameserver hands each client an endpoint handle badged with its
 * namespace's id, so the kernel, not the client, says whose namespace a
 * request is in. Namespace NS_ROOT is init's: it sees every registered
 * scheme.
 *
 * Every other namespace has a parent and a list of bindings, each a path
 * ("scheme:" for the whole scheme, "scheme:/a/b" for a subtree) with a
 * mode, fixed when init binds it (docs/services.md):
 *   NS_INHERIT    visible while the parent still sees the path;
 *   NS_PRIVATE    visible from then on whatever the parent does later;
 *   NS_READ_ONLY  as NS_INHERIT, but resolved read-only (NS_FLAG_READ_ONLY).
 * A namespace can be given only what its parent sees: no binding widens
 * a view. A namespace may register (provide) the schemes init allowed it.
 *
 * The registry maps a scheme to the service endpoint (an opaque handle
 * value of the nameserver's) that serves it; registering a scheme again
 * (a restarted service) replaces the old endpoint, which the caller closes.
 */
#ifndef CAIRN_NAMESERVER_NAMESPACE_H
#define CAIRN_NAMESERVER_NAMESPACE_H

#include <stdbool.h>
#include <stdint.h>

#define NS_ROOT         1u
#define NS_MAX          64  /* namespaces at once, the root among them */
#define NS_BINDINGS_MAX 16  /* bindings of one namespace */
#define NS_PROVIDES_MAX 8   /* schemes one namespace may register */
#define NS_SCHEMES_MAX  32  /* registered schemes */
#define NS_SCHEME_MAX   15  /* bytes of a scheme name */
#define NS_PATH_MAX     127 /* bytes of a whole "scheme:/path" */
#define NS_LABEL_MAX    31  /* bytes of a namespace's label (the silo's name) */

/* Flags of a resolution, carried in the badge of the handle it yields. */
#define NS_FLAG_READ_ONLY (1u << 0)

enum ns_mode { NS_INHERIT = 0, NS_PRIVATE = 1, NS_READ_ONLY = 2 };

struct ns_binding {
    char path[NS_PATH_MAX + 1]; /* normalised: "scheme:" or "scheme:/a/b" */
    enum ns_mode mode;
    uint32_t flags; /* NS_PRIVATE: the parent's NS_FLAG_* when it was bound */
};

struct ns_space {
    uint32_t id; /* 0: slot free */
    bool open;   /* answers requests: init has finished making it */
    uint32_t parent;
    char label[NS_LABEL_MAX + 1];
    struct ns_binding bindings[NS_BINDINGS_MAX];
    unsigned binding_count;
    char provides[NS_PROVIDES_MAX][NS_SCHEME_MAX + 1];
    unsigned provide_count;
};

struct ns_registration {
    char scheme[NS_SCHEME_MAX + 1]; /* "": slot free */
    uint64_t service;               /* the service's endpoint handle */
    uint32_t owner;                 /* the namespace that registered it */
};

struct ns_table {
    struct ns_space spaces[NS_MAX];
    struct ns_registration schemes[NS_SCHEMES_MAX];
};

/* What a resolution found. */
struct ns_target {
    uint64_t service; /* the registered endpoint */
    uint32_t flags;   /* NS_FLAG_* */
};

/* Empties t and creates the root namespace. */
void ns_init(struct ns_table *t);

/* A new, empty namespace numbered id under parent, labelled label, not
 * open to requests yet (ns_open).
 * INVALID_ARGUMENT (id 0 or NS_ROOT, a bad label), BUSY (id exists),
 * NOT_FOUND (no parent), NO_MEMORY (full). */
long ns_create(struct ns_table *t, uint32_t id, uint32_t parent, const char *label);

/* Whether namespace id exists (open or not). */
bool ns_exists(const struct ns_table *t, uint32_t id);

/* Opens namespace id to requests. Until then, requests in it (resolve,
 * register) fail with ACCESS_DENIED as if it did not exist, so that no
 * client sees a namespace init is still making. NOT_FOUND: no such
 * namespace. */
long ns_open(struct ns_table *t, uint32_t id);

/* Removes namespace id (not the root) and every registration it made;
 * the services of those are written to closed[0..*n) for closing. A
 * child keeps its bindings; inherited ones then resolve to nothing. */
long ns_destroy(struct ns_table *t, uint32_t id, uint64_t *closed, unsigned *n);

/* Binds path into namespace id with mode. The parent must see path.
 * INVALID_ARGUMENT (bad path or mode, or the root), NOT_FOUND (no such
 * namespace), ACCESS_DENIED (the parent does not see it), BUSY (bound
 * already), NO_MEMORY (no room). */
long ns_bind(struct ns_table *t, uint32_t id, const char *path, enum ns_mode mode);

/* Removes the binding of path (exactly as bound) from namespace id. */
long ns_unbind(struct ns_table *t, uint32_t id, const char *path);

/* Lets namespace id register scheme. */
long ns_allow_provide(struct ns_table *t, uint32_t id, const char *scheme);

/* Registers service for scheme on behalf of namespace id, which must be
 * open and allowed to provide it (ACCESS_DENIED). A previous registration of the
 * scheme is replaced: *old gets its service (0 when there was none). */
long ns_register(struct ns_table *t, uint32_t id, const char *scheme, uint64_t service,
                 uint64_t *old);

/* Resolves "scheme:/path" in namespace id. INVALID_ARGUMENT (malformed
 * path), ACCESS_DENIED (no such namespace, or not open yet), NOT_FOUND (the namespace does
 * not see it), PEER_DEAD (it sees it, but no service has registered the
 * scheme: not started yet, or ended). */
long ns_resolve(const struct ns_table *t, uint32_t id, const char *path, struct ns_target *out);

/* Normalises path into out (NS_PATH_MAX + 1 bytes): a scheme of
 * [a-z0-9-] (1 to NS_SCHEME_MAX bytes), ':', then nothing or a path of
 * '/'-separated components without '.' or '..' components, empty ones
 * or a trailing '/'. The scheme's length in *scheme_len. */
long ns_path_normalise(const char *path, char *out, unsigned *scheme_len);

#endif
