/*
 * getenv.c - the environment the program was started with (see stdlib.h):
 * the envp[] of the start-up block, read in place.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* lib/rt/startup.c: argc, argv[], NULL, envp[], NULL, auxv (set by crt0). */
extern const uint64_t *rt_startup_block;

char *getenv(const char *name)
{
    const uint64_t *w = rt_startup_block;
    size_t n = name ? strlen(name) : 0;
    if (!w || n == 0 || memchr(name, '=', n))
        return NULL;
    for (w += 1 + w[0] + 1; *w; w++) {
        char *entry = (char *)(uintptr_t)*w;
        if (strncmp(entry, name, n) == 0 && entry[n] == '=')
            return entry + n + 1;
    }
    return NULL;
}
