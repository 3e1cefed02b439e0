/*
 * query.c - questions about a parsed manifest (see manifest/manifest.h).
 */
#include <manifest/manifest.h>
#include <string.h>

bool manifest_provides(const struct manifest *m, const char *scheme)
{
    for (unsigned i = 0; i < m->provide_count; i++) {
        if (strcmp(m->provides[i], scheme) == 0)
            return true;
    }
    return false;
}
