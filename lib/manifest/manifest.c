/*
 * manifest.c - the strict silo-manifest parser (format: docs/manifest.md).
 *
 * The text is read one line at a time. Every byte of a line is checked
 * first (no NUL, no control character but tab, ASCII only), so the later
 * steps see printable text. A line is blank, a comment, or `key = value`;
 * the key's entry in manifest_keys (keys.c) says whether it may repeat and
 * how its value is read. Checks that involve two keys are made when the
 * second one arrives (so they hold whatever the order) or, for defaults,
 * at the end.
 */
#include "parser.h"

#include <lib/format.h>
#include <stdarg.h>

int manifest_fail(struct parser *p, const char *at, const char *fmt, ...)
{
    va_list ap;

    p->err->line = p->line;
    p->err->column = at ? (uint32_t)(at - p->line_start) + 1 : 0;
    va_start(ap, fmt);
    fmt_vsnprintf(p->err->message, sizeof(p->err->message), fmt, ap);
    va_end(ap);
    return -1;
}

/* --- lines ----------------------------------------------------------------- */

/* Every byte of a line is printable ASCII or a tab. */
static int check_bytes(struct parser *p, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\0')
            return manifest_fail(p, s + i, "NUL byte");
        if (c == '\r')
            return manifest_fail(p, s + i, "carriage return (lines end with a line feed alone)");
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return manifest_fail(p, s + i, "control character 0x%02x", c);
        if (c >= 0x80)
            return manifest_fail(p, s + i, "non-ASCII byte 0x%02x", c);
    }
    return 0;
}

static const struct key *key_lookup(const char *s, size_t len)
{
    for (size_t i = 0; i < KEY_COUNT; i++) {
        if (equals(s, len, manifest_keys[i].name))
            return &manifest_keys[i];
    }
    return NULL;
}

/* Reads the comma-separated items of a KEY_LIST value. */
static int parse_list(struct parser *p, const char *at, size_t len)
{
    for (;;) {
        const char *comma = find_char(at, len, ',');
        size_t seg_len = comma ? (size_t)(comma - at) : len;
        const char *item = at;
        size_t item_len = seg_len;

        trim(&item, &item_len);
        if (item_len == 0)
            return manifest_fail(p, at, "empty item in '%s'", p->key->name);
        if (p->key->parse(p, item, item_len) != 0)
            return -1;
        if (!comma)
            return 0;
        at = comma + 1;
        len -= seg_len + 1;
    }
}

static int parse_line(struct parser *p, const char *s, size_t len)
{
    if (check_bytes(p, s, len) != 0)
        return -1;
    trim(&s, &len);
    if (len == 0 || s[0] == '#')
        return 0;

    const char *eq = find_char(s, len, '=');
    if (!eq)
        return manifest_fail(p, s, "expected 'key = value'");
    const char *name = s;
    size_t name_len = (size_t)(eq - s);
    trim(&name, &name_len);
    if (name_len == 0)
        return manifest_fail(p, s, "missing key before '='");
    const struct key *key = key_lookup(name, name_len);
    if (!key)
        return manifest_fail(p, s, "unknown key '%.*s'", quote_len(name_len), name);
    p->key = key;

    const char *value = eq + 1;
    size_t value_len = len - (size_t)(value - s);
    trim(&value, &value_len);
    if (value_len == 0)
        return manifest_fail(p, eq, "empty value for '%s'", key->name);

    uint32_t *seen = &p->seen[key - manifest_keys];
    if (key->shape == KEY_SINGLE && *seen)
        return manifest_fail(p, s, "duplicate key '%s' (first on line %u)", key->name,
                             (unsigned)*seen);
    if (!*seen)
        *seen = p->line;
    if (key->shape == KEY_LIST)
        return parse_list(p, value, value_len);
    return key->parse(p, value, value_len);
}

/* --- the whole manifest ---------------------------------------------------- */

static void manifest_set_defaults(struct manifest *m)
{
    memset(m, 0, sizeof(*m));
    m->memory = MANIFEST_MEMORY_DEFAULT;
    m->priority = MANIFEST_PRIORITY_DEFAULT;
    m->affinity = MANIFEST_AFFINITY_ANY;
    m->restart = MANIFEST_RESTART_NEVER;
    m->restart_delay_ms = MANIFEST_RESTART_DELAY_DEFAULT_MS;
    m->restart_max_delay_ms = MANIFEST_RESTART_MAX_DELAY_DEFAULT_MS;
    m->restart_limit = MANIFEST_RESTART_LIMIT_DEFAULT;
}

/* Fails at the line where key id first appeared (its text is gone: no column). */
static int fail_at_key(struct parser *p, enum key_id id, const char *message)
{
    p->line = p->seen[id];
    return manifest_fail(p, NULL, "'%s' %s", manifest_keys[id].name, message);
}

/* The checks that need the whole text: required keys, and defaults against values. */
static int parse_finish(struct parser *p)
{
    static const enum key_id REQUIRED[] = {K_NAME, K_PROGRAM};
    static const enum key_id RESTART_manifest_keys[] = {K_RESTART_DELAY, K_RESTART_MAX_DELAY,
                                                        K_RESTART_LIMIT};
    const struct manifest *m = p->m;

    for (size_t i = 0; i < ARRAY_SIZE(REQUIRED); i++) {
        if (!p->seen[REQUIRED[i]])
            return manifest_fail(p, NULL, "missing required key '%s'",
                                 manifest_keys[REQUIRED[i]].name);
    }
    for (size_t i = 0; i < ARRAY_SIZE(RESTART_manifest_keys); i++) {
        enum key_id id = RESTART_manifest_keys[i];
        if (p->seen[id] && m->restart == MANIFEST_RESTART_NEVER)
            return fail_at_key(p, id, "needs restart = on-failure or always");
    }
    if (m->restart_max_delay_ms < m->restart_delay_ms)
        return p->seen[K_RESTART_MAX_DELAY]
                   ? fail_at_key(p, K_RESTART_MAX_DELAY, "is below restart_delay")
                   : fail_at_key(p, K_RESTART_DELAY, "is above restart_max_delay (30s unless set)");
    return 0;
}

int manifest_parse(const char *text, size_t len, struct manifest *out, struct manifest_error *err)
{
    struct parser p = {.m = out, .err = err};
    size_t pos = 0;

    manifest_set_defaults(out);
    memset(err, 0, sizeof(*err));
    if (len > MANIFEST_TEXT_MAX) {
        p.line = 1;
        return manifest_fail(&p, NULL, "manifest too large (max %u bytes)", MANIFEST_TEXT_MAX);
    }
    while (pos < len) {
        size_t line_len = 0;
        while (pos + line_len < len && text[pos + line_len] != '\n')
            line_len++;
        p.line++;
        p.line_start = text + pos;
        if (parse_line(&p, text + pos, line_len) != 0)
            return -1;
        pos += line_len + 1;
    }
    if (p.line == 0)
        p.line = 1;
    return parse_finish(&p);
}

int manifest_error_format(const char *file, const struct manifest_error *err, char *buf,
                          size_t size)
{
    return fmt_snprintf(buf, size, "%s:%u: %s", file, (unsigned)err->line, err->message);
}
