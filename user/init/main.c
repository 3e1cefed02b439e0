/*
 * init - the first process (docs/services.md). It gets every initial
 * capability from the kernel, reads a boot set and its silo manifests
 * from the initial ramdisk, starts the silos in dependency order with
 * exactly what each manifest names, and supervises them for ever.
 *
 *   init [set=NAME] [kill=NAME@MS...] [stop=NAME@MS...]
 *
 * set=NAME starts the set silos/NAME.set (default: boot); kill=NAME@MS
 * kills silo NAME MS ms after the set is up, stop=NAME@MS suspends its
 * main thread (it hangs), for the tests (inject.h).
 *
 * Serial markers (tests/system/cases.py): "init: started NAME pid N",
 * "init: NAME exited (REASON)", "init: restarting NAME in N ms",
 * "init: giving up on NAME after N restarts", "init: all services up",
 * and "init: restarted NAME after N ms" (the time it really waited since
 * it saw NAME end). init's lines also go into the log service (lines.h).
 */
#include "initrd.h"
#include "inject.h"
#include "lines.h"
#include "order.h"
#include "set.h"
#include "silo.h"
#include <idl/nameserver.h>
#include <rt/error.h>
#include <rt/rt.h>
#include <stdio.h>
#include <string.h>

#define NS_ROOT_ID         1u             /* user/nameserver/namespace.h: NS_ROOT */
#define REGISTER_WAIT_NS   10000000000ull /* how long a provider may take to register */
#define REGISTER_POLL_NS   5000000ull
#define NAMESERVER_WAIT_NS 100000000ull /* a restart postponed while the nameserver is down */

struct silo silos[SET_MAX];
unsigned silo_count;
cairn_handle_t nameserver_endpoint;
cairn_handle_t nameserver_admin;
cairn_handle_t silo_watch;

static struct manifest loaded[SET_MAX];
static unsigned set_size; /* silos the set names, whether or not they load */
static struct cairn_ipc_buffer ipc_buffer __attribute__((aligned(4096)));

/* Reads silos/NAME.silo into *m; false with the error logged. */
static bool manifest_load(const char *name, struct manifest *m)
{
    char path[64], why[192];
    const void *text;
    size_t size;
    struct manifest_error err;
    snprintf(path, sizeof(path), "silos/%s.silo", name);
    if (initrd_file(path, &text, &size) < 0) {
        init_log("init: %s: no such file in the ramdisk", path);
        return false;
    }
    if (manifest_parse(text, size, m, &err) != 0) {
        manifest_error_format(path, &err, why, sizeof(why));
        init_log("init: %s", why);
        return false;
    }
    if (strcmp(m->name, name) != 0) {
        init_log("init: %s names silo %s", path, m->name);
        return false;
    }
    return true;
}

/* Removes list[i] from list[0..n), keeping the order; the new count. */
static unsigned list_remove(const struct manifest **list, unsigned n, unsigned i)
{
    memmove(&list[i], &list[i + 1], (n - i - 1) * sizeof(list[0]));
    return n - 1;
}

/* The silo of the set that m depends on but that did not load (it is not
 * among list[0..n)), or NULL. A dependency outside the set is left to
 * order_silos, which refuses it. */
static const char *dependency_missing(const struct set *set, const struct manifest *const *list,
                                      unsigned n, const struct manifest *m)
{
    for (unsigned d = 0; d < m->depend_count; d++) {
        bool in_set = false, loaded = false;
        for (unsigned i = 0; i < set->count && !in_set; i++)
            in_set = strcmp(set->names[i], m->depends[d]) == 0;
        for (unsigned i = 0; i < n && !loaded; i++)
            loaded = strcmp(list[i]->name, m->depends[d]) == 0;
        if (in_set && !loaded)
            return m->depends[d];
    }
    return NULL;
}

/* Leaves out of list[0..n) the silos that depend, directly or through
 * others, on a silo of the set that did not load: they cannot start, the
 * rest of the set still can. Returns how many are left. */
static unsigned dependents_drop(const struct set *set, const struct manifest **list, unsigned n)
{
    for (unsigned i = 0; i < n;) {
        const char *missing = dependency_missing(set, list, n, list[i]);
        if (!missing) {
            i++;
            continue;
        }
        init_log("init: cannot start %s: it depends on %s, which did not load", list[i]->name,
                 missing);
        n = list_remove(list, n, i);
        i = 0; /* a silo seen earlier may have depended on this one */
    }
    return n;
}

/* The scheme list[i] provides that a silo before it in list provides too
 * (its name in *other), or NULL. */
static const char *scheme_taken(const struct manifest *const *list, unsigned i, const char **other)
{
    for (unsigned k = 0; k < list[i]->provide_count; k++) {
        for (unsigned j = 0; j < i; j++) {
            if (manifest_provides(list[j], list[i]->provides[k])) {
                *other = list[j]->name;
                return list[i]->provides[k];
            }
        }
    }
    return NULL;
}

/* Leaves out of list[0..n) each silo that provides a scheme a silo listed
 * before it provides too: a scheme has one owner, and the nameserver would
 * let the later registration replace the earlier. Returns how many are
 * left (their dependents go with dependents_drop). */
static unsigned rival_providers_drop(const struct manifest **list, unsigned n)
{
    const char *other;
    for (unsigned i = 0; i < n;) {
        const char *scheme = scheme_taken(list, i, &other);
        if (!scheme) {
            i++;
            continue;
        }
        init_log("init: cannot start %s: scheme %s is provided by %s already", list[i]->name,
                 scheme, other);
        n = list_remove(list, n, i);
    }
    return n;
}

/* Loads set NAME into silos[], nameserver first, then in dependency order;
 * a silo whose manifest does not load, or that provides a scheme an
 * earlier silo of the set provides, is left out, with its dependents. */
static bool set_load(const char *name)
{
    char path[64], why[192];
    const void *text;
    size_t size;
    static struct set set;
    const struct manifest *list[SET_MAX];
    unsigned order[SET_MAX], n = 0;
    snprintf(path, sizeof(path), "silos/%s.set", name);
    if (initrd_file(path, &text, &size) < 0) {
        init_log("init: no boot set %s (%s)", name, path);
        return false;
    }
    if (set_parse(text, size, &set, why, sizeof(why)) != 0) {
        init_log("init: %s: %s", path, why);
        return false;
    }
    set_size = set.count;
    for (unsigned i = 0; i < set.count; i++) {
        if (manifest_load(set.names[i], &loaded[n])) {
            list[n] = &loaded[n];
            n++;
        }
    }
    n = dependents_drop(&set, list, rival_providers_drop(list, n));
    if (order_silos(list, n, order, why, sizeof(why)) != 0) {
        init_log("init: set %s: %s", name, why);
        return false;
    }
    for (unsigned i = 0; i < n; i++) {
        const struct manifest *m = list[order[i]];
        bool ns = strcmp(m->name, NAMESERVER_SILO) == 0;
        if (ns && silo_count) {
            memmove(&silos[1], &silos[0], silo_count * sizeof(silos[0]));
            silos[0] = (struct silo){.m = *m};
        } else {
            silos[silo_count] = (struct silo){.m = *m};
        }
        silo_count++;
    }
    if (silo_count == 0 || !silo_is_nameserver(&silos[0])) {
        init_log("init: set %s has no silo %s", name, NAMESERVER_SILO);
        return false;
    }
    for (unsigned i = 0; i < silo_count; i++)
        silos[i].bit = i;
    return true;
}

/* Waits until every scheme s provides is registered (or s gave up). */
static void provider_wait(const struct silo *s)
{
    char path[MANIFEST_SCHEME_MAX + 2];
    for (unsigned i = 0; i < s->m.provide_count; i++) {
        snprintf(path, sizeof(path), "%s:", s->m.provides[i]);
        uint64_t until = (uint64_t)cairn_clock_get() + REGISTER_WAIT_NS;
        long err;
        cairn_handle_t h;
        uint32_t flags;
        while ((err = nameserver_resolve(nameserver_admin, path, &h, &flags)) ==
                   -CAIRN_E_PEER_DEAD &&
               (uint64_t)cairn_clock_get() < until)
            cairn_sleep(REGISTER_POLL_NS);
        if (err == 0)
            cairn_handle_close(h);
        else
            init_log("init: %s did not register %s (error %ld, %s)", s->m.name, path, err,
                     rt_error_name(err));
    }
}

/* Makes the nameserver's endpoint, init's root handle to it and the
 * watch notification. */
static bool bootstrap(void)
{
    long ep = cairn_endpoint_create();
    long admin =
        ep < 0 ? ep : cairn_handle_mint((cairn_handle_t)ep, CAIRN_RIGHT_SIGNAL, NS_ROOT_ID);
    long watch = cairn_notification_create();
    if (ep < 0 || admin < 0 || watch < 0) {
        init_log("init: cannot make the nameserver's endpoint (%ld %ld %ld)", ep, admin, watch);
        return false;
    }
    nameserver_endpoint = (cairn_handle_t)ep;
    nameserver_admin = (cairn_handle_t)admin;
    silo_watch = (cairn_handle_t)watch;
    if (idl_client_init(&ipc_buffer) < 0)
        return false;
    init_lines_start(&ipc_buffer);
    return true;
}

/* The earliest restart, test kill or hand-over of init's lines to retry,
 * or UINT64_MAX. */
static uint64_t next_deadline(void)
{
    uint64_t at = inject_next(), lines = init_lines_next();
    if (lines < at)
        at = lines;
    for (unsigned i = 0; i < silo_count; i++) {
        if (silos[i].state == SILO_PENDING && silos[i].restart_at < at)
            at = silos[i].restart_at;
    }
    return at;
}

/* Restarts the silos whose deadline has come; one whose start needs the
 * nameserver while it is down waits a little longer. */
static void restart_due(void)
{
    uint64_t now = (uint64_t)cairn_clock_get();
    for (unsigned i = 0; i < silo_count; i++) {
        struct silo *s = &silos[i];
        if (s->state != SILO_PENDING || s->restart_at > now)
            continue;
        if (!silo_is_nameserver(s) && !silo_nameserver_up()) {
            s->restart_at = now + NAMESERVER_WAIT_NS;
            continue;
        }
        silo_restart(s);
        if (s->state == SILO_RUNNING && silo_is_nameserver(s))
            silo_replay_namespaces();
    }
}

__attribute__((noreturn)) static void supervise(void)
{
    for (;;) {
        uint64_t at = next_deadline(), now = (uint64_t)cairn_clock_get();
        uint64_t timeout = at == UINT64_MAX ? UINT64_MAX : at > now ? at - now : 0;
        long bits = timeout ? (long)cairn_notification_wait(silo_watch, timeout) : 0;
        for (unsigned i = 0; bits > 0 && i < silo_count; i++) {
            if (bits & (1l << silos[i].bit))
                silo_ended(&silos[i]);
        }
        inject_due((uint64_t)cairn_clock_get());
        restart_due();
        init_lines_flush();
    }
}

/* The silo s depends on that is not running (its start failed, or it
 * ended already), or NULL: s must not start without it. */
static const char *dependency_down(const struct silo *s)
{
    for (unsigned d = 0; d < s->m.depend_count; d++) {
        for (unsigned i = 0; i < silo_count; i++) {
            if (strcmp(silos[i].m.name, s->m.depends[d]) == 0 && silos[i].state != SILO_RUNNING)
                return s->m.depends[d];
        }
    }
    return NULL;
}

/* Starts the silos in order, each once the silos it depends on run; the
 * number that started. */
static unsigned set_start(void)
{
    unsigned up = 0;
    for (unsigned i = 0; i < silo_count; i++) {
        const char *down = dependency_down(&silos[i]);
        if (down) {
            init_log("init: cannot start %s: it depends on %s, which is not up", silos[i].m.name,
                     down);
            continue;
        }
        if (silo_start(&silos[i]) != 0)
            continue;
        provider_wait(&silos[i]);
        up++;
    }
    return up;
}

int main(int argc, char **argv)
{
    const char *set = "boot";
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "set=", 4) == 0)
            set = argv[i] + 4;
        else if (strncmp(argv[i], "kill=", 5) == 0 && inject_add(argv[i] + 5, INJECT_KILL))
            continue;
        else if (strncmp(argv[i], "stop=", 5) != 0 || !inject_add(argv[i] + 5, INJECT_STOP))
            init_log("init: unknown argument %s", argv[i]);
    }
    if (initrd_open() < 0) {
        init_log("init: no initial ramdisk");
        return 1;
    }
    if (!set_load(set) || !bootstrap())
        return 1;
    unsigned up = set_start();
    if (up == set_size)
        init_log("init: all services up");
    else
        init_log("init: %u of %u services up", up, set_size);
    inject_arm((uint64_t)cairn_clock_get());
    supervise();
}
