/*
 * cmdline.c - the kernel command line (see cmdline.h).
 */
#include <core/boot_info.h>
#include <core/cmdline.h>
#include <lib/string.h>

static char line[2 * BOOT_CMDLINE_MAX];

static void append(const char *words)
{
    size_t used = strlen(line);
    if (used && used + 1 < sizeof(line))
        line[used++] = ' ';
    strlcpy(line + used, words, sizeof(line) - used);
}

void cmdline_init(const char *loader, const char *extra)
{
    line[0] = '\0';
    append(loader);
    if (extra)
        append(extra);
}

const char *cmdline_get_all(void)
{
    return line;
}

/* The last word that is `key` (a flag) or starts with "key=" (returns the
 * value after the "="), or NULL. */
static const char *find_last(const char *key, size_t key_len, bool want_value)
{
    const char *found = NULL;
    for (const char *p = line; *p;) {
        while (*p == ' ')
            p++;
        const char *word = p;
        while (*p && *p != ' ')
            p++;
        size_t len = (size_t)(p - word);
        if (want_value && len > key_len && word[key_len] == '=' && memcmp(word, key, key_len) == 0)
            found = word + key_len + 1;
        if (!want_value && len == key_len && memcmp(word, key, key_len) == 0)
            found = word;
    }
    return found;
}

bool cmdline_value(const char *key, char *buf, size_t cap)
{
    const char *v = find_last(key, strlen(key), true);
    if (!v || cap == 0)
        return false;
    size_t n = 0;
    while (v[n] && v[n] != ' ' && n + 1 < cap) {
        buf[n] = v[n];
        n++;
    }
    buf[n] = '\0';
    return true;
}

bool cmdline_flag(const char *flag)
{
    return find_last(flag, strlen(flag), false) != NULL;
}
