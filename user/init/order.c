/*
 * order.c - start order from dependencies (see order.h): Kahn's
 * algorithm, taking the lowest ready index each round.
 */
#include "order.h"
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* The scheme part of a mount path ("file:/a" -> "file"), into out. */
static void mount_scheme(const char *path, char *out)
{
    size_t n = 0;
    while (path[n] && path[n] != ':' && n < MANIFEST_SCHEME_MAX) {
        out[n] = path[n];
        n++;
    }
    out[n] = '\0';
}

static bool uses(const struct manifest *user, const struct manifest *provider)
{
    char scheme[MANIFEST_SCHEME_MAX + 1];
    for (unsigned i = 0; i < user->scheme_count; i++) {
        if (manifest_provides(provider, user->schemes[i]))
            return true;
    }
    for (unsigned i = 0; i < user->mount_count; i++) {
        mount_scheme(user->mounts[i].path, scheme);
        if (manifest_provides(provider, scheme))
            return true;
    }
    return false;
}

static bool names(const struct manifest *user, const char *name)
{
    for (unsigned i = 0; i < user->depend_count; i++) {
        if (strcmp(user->depends[i], name) == 0)
            return true;
    }
    return false;
}

/* Whether silo a must start before silo b. */
static bool before(const struct manifest *a, const struct manifest *b)
{
    return a != b && (names(b, a->name) || uses(b, a));
}

static int check_depends(const struct manifest *const *m, unsigned n, char *why, size_t size)
{
    for (unsigned i = 0; i < n; i++) {
        for (unsigned d = 0; d < m[i]->depend_count; d++) {
            bool known = false;
            for (unsigned j = 0; j < n && !known; j++)
                known = j != i && strcmp(m[j]->name, m[i]->depends[d]) == 0;
            if (!known) {
                snprintf(why, size, "%s depends on %s, which is not in the set", m[i]->name,
                         m[i]->depends[d]);
                return -1;
            }
        }
    }
    return 0;
}

int order_silos(const struct manifest *const *m, unsigned n, unsigned *order, char *why,
                size_t size)
{
    bool placed[ORDER_MAX] = {false};
    if (n > ORDER_MAX) {
        snprintf(why, size, "more than %u silos in one set", ORDER_MAX);
        return -1;
    }
    if (check_depends(m, n, why, size) != 0)
        return -1;
    for (unsigned k = 0; k < n; k++) {
        unsigned pick = n;
        for (unsigned i = 0; i < n && pick == n; i++) {
            bool ready = !placed[i];
            for (unsigned j = 0; j < n && ready; j++)
                ready = placed[j] || !before(m[j], m[i]);
            if (ready)
                pick = i;
        }
        if (pick == n) {
            size_t used = (size_t)snprintf(why, size, "a dependency cycle among:");
            for (unsigned i = 0; i < n && used < size; i++) {
                if (!placed[i])
                    used += (size_t)snprintf(why + used, size - used, " %s", m[i]->name);
            }
            return -1;
        }
        placed[pick] = true;
        order[k] = pick;
    }
    return 0;
}
