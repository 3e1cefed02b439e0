/*
 * keys.c - the manifest keys: each key's value syntax, bounds and the checks
 * between keys that can be made as soon as the second one arrives, and the
 * one table of key names (manifest_keys) and capability names (CAP_NAMES).
 */
#include "parser.h"

#include <cairn/handle.h>

static const char *const CAP_NAMES[MANIFEST_CAP_COUNT] = {
    [MANIFEST_CAP_IRQ_CONTROL] = "irq_control",
    [MANIFEST_CAP_IOPORT_CONTROL] = "ioport_control",
    [MANIFEST_CAP_DEVICE_MEMORY] = "device_memory",
    [MANIFEST_CAP_INITRD] = "initrd",
    [MANIFEST_CAP_KERNEL_LOG] = "kernel_log",
};

_Static_assert(MANIFEST_CAP_COUNT <= 64, "struct manifest keeps capabilities in a uint64_t");

/* The rights a capability's rights list may name: bit i is CAIRN_RIGHT_* (1u << i). */
static const char *const RIGHT_NAMES[] = {
    "read", "write", "exec", "map", "transfer", "duplicate", "signal", "wait", "manage", "revoke",
};

_Static_assert((1u << ARRAY_SIZE(RIGHT_NAMES)) - 1 == CAIRN_RIGHTS_ALL,
               "a name for every right of include/cairn/handle.h");

static const char *const RESTART_NAMES[] = {
    [MANIFEST_RESTART_NEVER] = "never",
    [MANIFEST_RESTART_ON_FAILURE] = "on-failure",
    [MANIFEST_RESTART_ALWAYS] = "always",
};

static const char *const MOUNT_MODE_NAMES[] = {
    [MANIFEST_MOUNT_INHERIT] = "inherit",
    [MANIFEST_MOUNT_PRIVATE] = "private",
    [MANIFEST_MOUNT_READ_ONLY] = "read-only",
};

/* The index of the word [s, s+len) among count NUL-terminated names, or -1. */
static int lookup(const char *const *names, size_t count, const char *s, size_t len)
{
    for (size_t i = 0; i < count; i++) {
        if (names[i] && equals(s, len, names[i]))
            return (int)i;
    }
    return -1;
}

/* The index of [s, s+len) in a list of count strings stride bytes apart, or -1. */
static int list_find(const char *list, size_t stride, unsigned count, const char *s, size_t len)
{
    for (unsigned i = 0; i < count; i++) {
        if (equals(s, len, list + i * stride))
            return (int)i;
    }
    return -1;
}

/* --- checked values -------------------------------------------------------- */

static int fail_too_long(struct parser *p, const char *at, size_t max)
{
    return manifest_fail(p, at, "value too long for '%s' (max %zu)", p->key->name, max);
}

static int fail_too_many(struct parser *p, const char *at, unsigned max)
{
    return manifest_fail(p, at, "too many items for '%s' (max %u)", p->key->name, max);
}

static int fail_duplicate(struct parser *p, const char *at, size_t len)
{
    return manifest_fail(p, at, "duplicate item '%.*s' in '%s'", quote_len(len), at, p->key->name);
}

/* A name: a lowercase letter, then lowercase letters, digits, '-' and '_'. */
static int check_name(struct parser *p, const char *at, size_t len, size_t max)
{
    if (len > max)
        return fail_too_long(p, at, max);
    for (size_t i = 0; i < len; i++) {
        char c = at[i];
        if (!is_lower(c) && (i == 0 || (!is_digit(c) && c != '-' && c != '_')))
            return manifest_fail(p, at,
                                 "bad value for '%s': '%.*s' is not a name (a-z, 0-9, '-', '_')",
                                 p->key->name, quote_len(len), at);
    }
    return 0;
}

/*
 * Why [s, s+len) is not a relative path of components of letters, digits,
 * '.', '-' and '_' separated by single '/' (no "." or ".."), or NULL.
 */
static const char *path_problem(const char *s, size_t len)
{
    size_t start = 0;

    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] != '/') {
            char c = s[i];
            if (!is_alpha(c) && !is_digit(c) && c != '.' && c != '-' && c != '_')
                return "a path has only letters, digits, '.', '-', '_' and '/'";
            continue;
        }
        if (i == start)
            return "empty path component";
        if (equals(s + start, i - start, ".") || equals(s + start, i - start, ".."))
            return "'.' and '..' are not allowed in a path";
        start = i + 1;
    }
    return NULL;
}

/* Appends a distinct name to a list of strings stride bytes apart. */
static int list_add_name(struct parser *p, const char *at, size_t len, char *list, size_t stride,
                         unsigned *count, unsigned max)
{
    if (check_name(p, at, len, stride - 1) != 0)
        return -1;
    if (list_find(list, stride, *count, at, len) >= 0)
        return fail_duplicate(p, at, len);
    if (*count == max)
        return fail_too_many(p, at, max);
    copy(list + *count * stride, at, len);
    (*count)++;
    return 0;
}

/*
 * Reads the decimal number at the start of [s, s+len) into *value; *used is
 * the number of digits. Returns false when it does not fit in 64 bits.
 */
static bool scan_decimal(const char *s, size_t len, uint64_t *value, size_t *used)
{
    uint64_t v = 0;
    size_t i = 0;

    for (; i < len && is_digit(s[i]); i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *value = v;
    *used = i;
    return true;
}

/*
 * Reads a number followed by one of the units (scale[i] times the number
 * for units[i]; "" is a unit too when listed). Returns 1 when the text is
 * not of that form, -1 when it overflows, 0 with *value otherwise.
 */
static int scan_scaled(const char *s, size_t len, const char *const *units, const uint64_t *scales,
                       size_t count, uint64_t *value)
{
    uint64_t n;
    size_t used;

    if (!scan_decimal(s, len, &n, &used))
        return -1;
    if (used == 0)
        return 1;
    int unit = lookup(units, count, s + used, len - used);
    if (unit < 0)
        return 1;
    if (n > UINT64_MAX / scales[unit])
        return -1;
    *value = n * scales[unit];
    return 0;
}

/* A plain number in [min, max] (or the word, when not NULL, for word_value). */
static int parse_number(struct parser *p, const char *at, size_t len, uint64_t min, uint64_t max,
                        const char *word, uint64_t word_value, uint64_t *value)
{
    static const char *const NONE[] = {""};
    static const uint64_t ONE[] = {1};

    if (word && equals(at, len, word)) {
        *value = word_value;
        return 0;
    }
    int r = scan_scaled(at, len, NONE, ONE, 1, value);
    if (r > 0)
        return manifest_fail(p, at, "bad value for '%s': expected a number%s%s", p->key->name,
                             word ? " or " : "", word ? word : "");
    if (r < 0 || *value < min || *value > max)
        return manifest_fail(p, at, "value out of range for '%s' (%llu to %llu)", p->key->name,
                             (unsigned long long)min, (unsigned long long)max);
    return 0;
}

/* --- the keys -------------------------------------------------------------- */

static int parse_name(struct parser *p, const char *at, size_t len)
{
    struct manifest *m = p->m;

    if (check_name(p, at, len, MANIFEST_NAME_MAX) != 0)
        return -1;
    if (list_find(&m->depends[0][0], sizeof(m->depends[0]), m->depend_count, at, len) >= 0)
        return manifest_fail(p, at, "silo '%.*s' depends on itself", (int)len, at);
    copy(m->name, at, len);
    return 0;
}

static int parse_program(struct parser *p, const char *at, size_t len)
{
    if (len > MANIFEST_PATH_MAX)
        return fail_too_long(p, at, MANIFEST_PATH_MAX);
    const char *problem = path_problem(at, len);
    if (problem)
        return manifest_fail(p, at, "bad value for 'program': %s", problem);
    copy(p->m->program, at, len);
    return 0;
}

static int parse_arg(struct parser *p, const char *at, size_t len)
{
    struct manifest *m = p->m;

    if (m->arg_count == MANIFEST_ARGS_MAX)
        return fail_too_many(p, at, MANIFEST_ARGS_MAX);
    if (len > MANIFEST_ARG_MAX)
        return fail_too_long(p, at, MANIFEST_ARG_MAX);
    copy(m->args[m->arg_count++], at, len);
    return 0;
}

static int parse_env(struct parser *p, const char *at, size_t len)
{
    struct manifest *m = p->m;
    const char *eq = find_char(at, len, '=');
    size_t name_len = eq ? (size_t)(eq - at) : len;

    if (m->env_count == MANIFEST_ENVS_MAX)
        return fail_too_many(p, at, MANIFEST_ENVS_MAX);
    if (len > MANIFEST_ENV_MAX)
        return fail_too_long(p, at, MANIFEST_ENV_MAX);
    if (!eq)
        return manifest_fail(p, at, "bad value for 'env': expected NAME=VALUE");
    for (size_t i = 0; i < name_len; i++) {
        if (!is_alpha(at[i]) && at[i] != '_' && (i == 0 || !is_digit(at[i])))
            return manifest_fail(p, at, "bad value for 'env': '%.*s' is not a variable name",
                                 quote_len(name_len), at);
    }
    if (name_len == 0)
        return manifest_fail(p, at, "bad value for 'env': expected NAME=VALUE");
    for (unsigned i = 0; i < m->env_count; i++) {
        if (memcmp(m->env[i], at, name_len + 1) == 0)
            return fail_duplicate(p, at, name_len);
    }
    copy(m->env[m->env_count++], at, len);
    return 0;
}

/* One right name of a rights list, [at, at+len) trimmed, added to *rights. */
static int parse_right(struct parser *p, const char *at, size_t len, uint32_t *rights)
{
    trim(&at, &len);
    if (len == 0)
        return manifest_fail(p, at, "empty right in '%s'", p->key->name);
    int right = lookup(RIGHT_NAMES, ARRAY_SIZE(RIGHT_NAMES), at, len);
    if (right < 0)
        return manifest_fail(p, at, "unknown right '%.*s'", quote_len(len), at);
    if (*rights & (1u << right))
        return manifest_fail(p, at, "duplicate right '%.*s'", quote_len(len), at);
    *rights |= 1u << right;
    return 0;
}

/* The rights list "(r1|r2|...)" at [at, at+len), the parentheses included. */
static int parse_rights(struct parser *p, const char *at, size_t len, uint32_t *rights)
{
    if (len < 2 || at[len - 1] != ')')
        return manifest_fail(p, at, "bad rights list: expected '(right|right|...)'");
    const char *s = at + 1;
    size_t rest = len - 2;
    const char *bad = find_char(s, rest, '(');
    if (!bad)
        bad = find_char(s, rest, ')');
    if (bad)
        return manifest_fail(p, bad, "bad rights list: expected '(right|right|...)'");
    for (;;) {
        const char *bar = find_char(s, rest, '|');
        size_t seg = bar ? (size_t)(bar - s) : rest;
        if (parse_right(p, s, seg, rights) != 0)
            return -1;
        if (!bar)
            return 0;
        s = bar + 1;
        rest -= seg + 1;
    }
}

/* "name" or "name(right|right|...)": the capability and the rights it is narrowed to. */
static int parse_capability(struct parser *p, const char *at, size_t len)
{
    const char *paren = find_char(at, len, '(');
    size_t name_len = paren ? (size_t)(paren - at) : len;
    const char *name = at;
    uint32_t rights = 0;

    trim(&name, &name_len);
    int cap = manifest_cap_lookup(name, name_len);
    if (cap < 0)
        return manifest_fail(p, at, "unknown capability '%.*s'", quote_len(name_len), name);
    if (p->m->caps & (1ull << cap))
        return fail_duplicate(p, at, name_len);
    if (paren && parse_rights(p, paren, len - (size_t)(paren - at), &rights) != 0)
        return -1;
    p->m->caps |= 1ull << cap;
    p->m->cap_rights[cap] = rights;
    return 0;
}

/* The index of the first mount of scheme [at, at+len), or -1. */
static int mount_find_scheme(const struct manifest *m, const char *at, size_t len)
{
    for (unsigned i = 0; i < m->mount_count; i++) {
        const char *path = m->mounts[i].path;
        if (strncmp(path, at, len) == 0 && path[len] == ':')
            return (int)i;
    }
    return -1;
}

static int fail_mounted_whole(struct parser *p, const char *at, size_t len)
{
    return manifest_fail(p, at, "scheme '%.*s' is both mounted and granted whole by 'schemes'",
                         (int)len, at);
}

static int parse_scheme(struct parser *p, const char *at, size_t len)
{
    struct manifest *m = p->m;

    if (list_add_name(p, at, len, &m->schemes[0][0], sizeof(m->schemes[0]), &m->scheme_count,
                      MANIFEST_SCHEMES_MAX) != 0)
        return -1;
    if (mount_find_scheme(m, at, len) >= 0)
        return fail_mounted_whole(p, at, len);
    return 0;
}

/* A mount path: "scheme:/" or "scheme:/a/b". */
static int check_mount_path(struct parser *p, const char *at, size_t len)
{
    const char *colon = find_char(at, len, ':');

    if (len > MANIFEST_PATH_MAX)
        return fail_too_long(p, at, MANIFEST_PATH_MAX);
    if (!colon || colon == at || colon + 1 == at + len || colon[1] != '/')
        return manifest_fail(p, at, "bad value for 'mount': expected scheme:/path and a mode");
    if (check_name(p, at, (size_t)(colon - at), MANIFEST_SCHEME_MAX) != 0)
        return -1;
    size_t rest = len - (size_t)(colon + 2 - at);
    const char *problem = rest > 0 ? path_problem(colon + 2, rest) : NULL;
    if (problem)
        return manifest_fail(p, colon + 2, "bad value for 'mount': %s", problem);
    return 0;
}

static int parse_mount(struct parser *p, const char *at, size_t len)
{
    struct manifest *m = p->m;
    size_t path_len = 0;

    while (path_len < len && !is_space(at[path_len]))
        path_len++;
    const char *mode = at + path_len;
    size_t mode_len = len - path_len;
    trim(&mode, &mode_len);

    if (m->mount_count == MANIFEST_MOUNTS_MAX)
        return fail_too_many(p, at, MANIFEST_MOUNTS_MAX);
    if (check_mount_path(p, at, path_len) != 0)
        return -1;
    int mode_index = lookup(MOUNT_MODE_NAMES, ARRAY_SIZE(MOUNT_MODE_NAMES), mode, mode_len);
    if (mode_index < 0)
        return manifest_fail(p, mode_len ? mode : NULL,
                             "bad value for 'mount': mode must be inherit, private or read-only");
    for (unsigned i = 0; i < m->mount_count; i++) {
        if (equals(at, path_len, m->mounts[i].path))
            return fail_duplicate(p, at, path_len);
    }
    size_t scheme_len = (size_t)(find_char(at, path_len, ':') - at);
    if (list_find(&m->schemes[0][0], sizeof(m->schemes[0]), m->scheme_count, at, scheme_len) >= 0)
        return fail_mounted_whole(p, at, scheme_len);
    copy(m->mounts[m->mount_count].path, at, path_len);
    m->mounts[m->mount_count++].mode = (enum manifest_mount_mode)mode_index;
    return 0;
}

static int parse_provides(struct parser *p, const char *at, size_t len)
{
    struct manifest *m = p->m;

    return list_add_name(p, at, len, &m->provides[0][0], sizeof(m->provides[0]), &m->provide_count,
                         MANIFEST_PROVIDES_MAX);
}

static int parse_depends(struct parser *p, const char *at, size_t len)
{
    struct manifest *m = p->m;

    if (list_add_name(p, at, len, &m->depends[0][0], sizeof(m->depends[0]), &m->depend_count,
                      MANIFEST_DEPENDS_MAX) != 0)
        return -1;
    if (equals(at, len, m->name))
        return manifest_fail(p, at, "silo '%.*s' depends on itself", (int)len, at);
    return 0;
}

static int parse_memory(struct parser *p, const char *at, size_t len)
{
    static const char *const UNITS[] = {"", "K", "M", "G"};
    static const uint64_t SCALES[] = {1, 1ull << 10, 1ull << 20, 1ull << 30};
    uint64_t v;

    int r = scan_scaled(at, len, UNITS, SCALES, ARRAY_SIZE(UNITS), &v);
    if (r > 0)
        return manifest_fail(p, at, "bad value for 'memory': expected a size such as 512K or 16M");
    if (r < 0 || v < MANIFEST_MEMORY_MIN || v > MANIFEST_MEMORY_MAX)
        return manifest_fail(p, at, "value out of range for 'memory' (64K to 64G)");
    if (v % 4096 != 0)
        return manifest_fail(p, at, "bad value for 'memory': not a multiple of 4K");
    p->m->memory = v;
    return 0;
}

static int parse_priority(struct parser *p, const char *at, size_t len)
{
    uint64_t v;

    if (parse_number(p, at, len, 0, MANIFEST_PRIORITY_MAX, NULL, 0, &v) != 0)
        return -1;
    p->m->priority = (uint32_t)v;
    return 0;
}

static int parse_affinity(struct parser *p, const char *at, size_t len)
{
    uint64_t v;

    if (parse_number(p, at, len, 0, MANIFEST_CPU_MAX, "any", MANIFEST_AFFINITY_ANY, &v) != 0)
        return -1;
    p->m->affinity = (uint32_t)v;
    return 0;
}

static int parse_restart(struct parser *p, const char *at, size_t len)
{
    int r = lookup(RESTART_NAMES, ARRAY_SIZE(RESTART_NAMES), at, len);

    if (r < 0)
        return manifest_fail(p, at,
                             "bad value for 'restart': expected never, on-failure or always");
    p->m->restart = (enum manifest_restart)r;
    return 0;
}

/* A delay: a number with a unit, ms or s, into *ms. */
static int parse_delay(struct parser *p, const char *at, size_t len, uint32_t *ms)
{
    static const char *const UNITS[] = {"ms", "s"};
    static const uint64_t SCALES[] = {1, 1000};
    uint64_t v;

    int r = scan_scaled(at, len, UNITS, SCALES, ARRAY_SIZE(UNITS), &v);
    if (r > 0)
        return manifest_fail(p, at, "bad value for '%s': expected a delay such as 100ms or 2s",
                             p->key->name);
    if (r < 0 || v < MANIFEST_DELAY_MIN_MS || v > MANIFEST_DELAY_MAX_MS)
        return manifest_fail(p, at, "value out of range for '%s' (1ms to 3600s)", p->key->name);
    *ms = (uint32_t)v;
    return 0;
}

static int parse_restart_delay(struct parser *p, const char *at, size_t len)
{
    return parse_delay(p, at, len, &p->m->restart_delay_ms);
}

static int parse_restart_max_delay(struct parser *p, const char *at, size_t len)
{
    return parse_delay(p, at, len, &p->m->restart_max_delay_ms);
}

static int parse_restart_limit(struct parser *p, const char *at, size_t len)
{
    uint64_t v;

    if (parse_number(p, at, len, 1, MANIFEST_RESTART_LIMIT_MAX, "unlimited",
                     MANIFEST_RESTART_UNLIMITED, &v) != 0)
        return -1;
    p->m->restart_limit = (uint32_t)v;
    return 0;
}

const struct key manifest_keys[KEY_COUNT] = {
    [K_NAME] = {"name", KEY_SINGLE, parse_name},
    [K_PROGRAM] = {"program", KEY_SINGLE, parse_program},
    [K_ARG] = {"arg", KEY_ITEM, parse_arg},
    [K_ENV] = {"env", KEY_ITEM, parse_env},
    [K_CAPABILITIES] = {"capabilities", KEY_LIST, parse_capability},
    [K_SCHEMES] = {"schemes", KEY_LIST, parse_scheme},
    [K_MOUNT] = {"mount", KEY_ITEM, parse_mount},
    [K_PROVIDES] = {"provides", KEY_LIST, parse_provides},
    [K_DEPENDS] = {"depends", KEY_LIST, parse_depends},
    [K_MEMORY] = {"memory", KEY_SINGLE, parse_memory},
    [K_PRIORITY] = {"priority", KEY_SINGLE, parse_priority},
    [K_AFFINITY] = {"affinity", KEY_SINGLE, parse_affinity},
    [K_RESTART] = {"restart", KEY_SINGLE, parse_restart},
    [K_RESTART_DELAY] = {"restart_delay", KEY_SINGLE, parse_restart_delay},
    [K_RESTART_MAX_DELAY] = {"restart_max_delay", KEY_SINGLE, parse_restart_max_delay},
    [K_RESTART_LIMIT] = {"restart_limit", KEY_SINGLE, parse_restart_limit},
};

const char *manifest_cap_name(enum manifest_cap cap)
{
    return (unsigned)cap < MANIFEST_CAP_COUNT ? CAP_NAMES[cap] : NULL;
}

int manifest_cap_lookup(const char *name, size_t len)
{
    return lookup(CAP_NAMES, MANIFEST_CAP_COUNT, name, len);
}

const char *manifest_restart_name(enum manifest_restart restart)
{
    return (unsigned)restart < ARRAY_SIZE(RESTART_NAMES) ? RESTART_NAMES[restart] : NULL;
}

const char *manifest_mount_mode_name(enum manifest_mount_mode mode)
{
    return (unsigned)mode < ARRAY_SIZE(MOUNT_MODE_NAMES) ? MOUNT_MODE_NAMES[mode] : NULL;
}
