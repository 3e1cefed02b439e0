/*
 * namespace.c - the namespaces init makes for its silos in the
 * nameserver (see silo.h, docs/services.md).
 */
#include "silo.h"
#include <idl/nameserver.h>
#include <rt/error.h>
#include <stdio.h>

#define NS_ROOT_ID 1u /* user/nameserver/namespace.h: NS_ROOT, init's own */

_Static_assert(NAMESERVER_MODE_INHERIT == (int)MANIFEST_MOUNT_INHERIT &&
                   NAMESERVER_MODE_PRIVATE == (int)MANIFEST_MOUNT_PRIVATE &&
                   NAMESERVER_MODE_READ_ONLY == (int)MANIFEST_MOUNT_READ_ONLY,
               "a manifest's mount modes are the nameserver's");

static uint32_t next_ns = NS_ROOT_ID + 1; /* namespace ids are never reused */

/* Makes namespace s->ns as s's manifest says: its schemes whole
 * (inherited from init's root view), its mounts with their modes, and
 * the schemes it may provide. It stays closed to requests (ns_open). */
static long namespace_fill(struct silo *s)
{
    char path[MANIFEST_PATH_MAX + 2];
    long err = nameserver_ns_create(nameserver_admin, s->ns, NS_ROOT_ID, s->m.name);
    for (unsigned i = 0; err == 0 && i < s->m.scheme_count; i++) {
        snprintf(path, sizeof(path), "%s:", s->m.schemes[i]);
        err = nameserver_ns_bind(nameserver_admin, s->ns, path, NAMESERVER_MODE_INHERIT);
        if (err < 0)
            init_log("init: %s: cannot bind %s (error %ld, %s)", s->m.name, path, err,
                     rt_error_name(err));
    }
    for (unsigned i = 0; err == 0 && i < s->m.mount_count; i++) {
        const struct manifest_mount *mt = &s->m.mounts[i];
        err = nameserver_ns_bind(nameserver_admin, s->ns, mt->path, (enum nameserver_mode)mt->mode);
        if (err < 0)
            init_log("init: %s: cannot mount %s %s (error %ld, %s)", s->m.name, mt->path,
                     manifest_mount_mode_name(mt->mode), err, rt_error_name(err));
    }
    for (unsigned i = 0; err == 0 && i < s->m.provide_count; i++)
        err = nameserver_ns_allow(nameserver_admin, s->ns, s->m.provides[i]);
    return err;
}

long silo_namespace_make(struct silo *s, cairn_handle_t *client)
{
    s->ns = next_ns++;
    long err = namespace_fill(s);
    if (err == 0)
        err = nameserver_ns_open(nameserver_admin, s->ns);
    if (err == 0)
        err = nameserver_ns_client(nameserver_admin, s->ns, client);
    if (err < 0) {
        init_log("init: cannot make the namespace of %s (error %ld, %s)", s->m.name, err,
                 rt_error_name(err));
        nameserver_ns_destroy(nameserver_admin, s->ns);
        s->ns = 0;
    }
    return err;
}

void silo_namespace_remove(struct silo *s)
{
    if (s->ns && silo_nameserver_up())
        nameserver_ns_destroy(nameserver_admin, s->ns);
    s->ns = 0;
}

void silo_replay_namespaces(void)
{
    for (unsigned i = 0; i < silo_count; i++) {
        struct silo *s = &silos[i];
        if (s->state != SILO_RUNNING || silo_is_nameserver(s))
            continue;
        long err = namespace_fill(s);
        for (unsigned k = 0; err == 0 && k < s->m.provide_count; k++)
            err = nameserver_provide(nameserver_admin, s->m.provides[k], s->endpoint);
        if (err == 0)
            err = nameserver_ns_open(nameserver_admin, s->ns);
        if (err < 0)
            init_log("init: cannot make the namespace of %s again (error %ld, %s)", s->m.name, err,
                     rt_error_name(err));
    }
}
