/*
 * set.c - reading a boot set (see set.h).
 */
#include "set.h"
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Adds the name in [s, s+n) as line `line`'s entry. */
static int set_add(struct set *out, const char *s, size_t n, unsigned line, char *why, size_t size)
{
    for (size_t i = 0; i < n; i++) {
        if (!name_char(s[i])) {
            snprintf(why, size, "line %u: a silo name is [a-z0-9_-], not '%c'", line, s[i]);
            return -1;
        }
    }
    if (n > MANIFEST_NAME_MAX) {
        snprintf(why, size, "line %u: a silo name is at most %u bytes", line, MANIFEST_NAME_MAX);
        return -1;
    }
    for (unsigned i = 0; i < out->count; i++) {
        if (strlen(out->names[i]) == n && memcmp(out->names[i], s, n) == 0) {
            snprintf(why, size, "line %u: %s is in the set already", line, out->names[i]);
            return -1;
        }
    }
    if (out->count == SET_MAX) {
        snprintf(why, size, "line %u: more than %u silos", line, SET_MAX);
        return -1;
    }
    memcpy(out->names[out->count], s, n);
    out->names[out->count++][n] = '\0';
    return 0;
}

int set_parse(const char *text, size_t len, struct set *out, char *why, size_t size)
{
    memset(out, 0, sizeof(*out));
    unsigned line = 0;
    size_t pos = 0;
    while (pos < len) {
        size_t end = pos;
        while (end < len && text[end] != '\n')
            end++;
        line++;
        const char *s = text + pos;
        size_t n = end - pos;
        pos = end + 1;
        for (size_t i = 0; i < n; i++) {
            if (s[i] == '#')
                n = i;
        }
        while (n > 0 && is_space(*s)) {
            s++;
            n--;
        }
        while (n > 0 && is_space(s[n - 1]))
            n--;
        if (n > 0 && set_add(out, s, n, line, why, size) != 0)
            return -1;
    }
    return 0;
}
