/*
 * fuzz_manifest.c - libFuzzer target for manifest_parse() and
 * manifest_error_format().
 *
 * Checks the parser's promises on any input: it returns 0 or -1; on success
 * every string is NUL-terminated within its field, every count and number
 * within its bound; on failure the line lies within the text, the column
 * within the line and the message is a non-empty string; formatting the
 * error fits the buffer it is given.
 */
#include <manifest/manifest.h>

#include <stdlib.h>
#include <string.h>

#define CHECK_STRING(field)                                                                        \
    do {                                                                                           \
        if (memchr((field), '\0', sizeof(field)) == NULL)                                          \
            abort();                                                                               \
    } while (0)

static void check_manifest(const struct manifest *m)
{
    CHECK_STRING(m->name);
    CHECK_STRING(m->program);
    if (m->name[0] == '\0' || m->program[0] == '\0')
        abort();
    if (m->arg_count > MANIFEST_ARGS_MAX || m->env_count > MANIFEST_ENVS_MAX ||
        m->scheme_count > MANIFEST_SCHEMES_MAX || m->mount_count > MANIFEST_MOUNTS_MAX ||
        m->provide_count > MANIFEST_PROVIDES_MAX || m->depend_count > MANIFEST_DEPENDS_MAX)
        abort();
    for (unsigned i = 0; i < m->arg_count; i++)
        CHECK_STRING(m->args[i]);
    for (unsigned i = 0; i < m->env_count; i++) {
        CHECK_STRING(m->env[i]);
        if (strchr(m->env[i], '=') == NULL)
            abort();
    }
    for (unsigned i = 0; i < m->scheme_count; i++)
        CHECK_STRING(m->schemes[i]);
    for (unsigned i = 0; i < m->mount_count; i++) {
        CHECK_STRING(m->mounts[i].path);
        if (strstr(m->mounts[i].path, ":/") == NULL || m->mounts[i].mode > MANIFEST_MOUNT_READ_ONLY)
            abort();
    }
    for (unsigned i = 0; i < m->provide_count; i++)
        CHECK_STRING(m->provides[i]);
    for (unsigned i = 0; i < m->depend_count; i++) {
        CHECK_STRING(m->depends[i]);
        if (strcmp(m->depends[i], m->name) == 0)
            abort();
    }
    if (m->caps >> MANIFEST_CAP_COUNT)
        abort();
    if (m->memory < MANIFEST_MEMORY_MIN || m->memory > MANIFEST_MEMORY_MAX || m->memory % 4096)
        abort();
    if (m->priority > MANIFEST_PRIORITY_MAX)
        abort();
    if (m->affinity != MANIFEST_AFFINITY_ANY && m->affinity > MANIFEST_CPU_MAX)
        abort();
    if (m->restart > MANIFEST_RESTART_ALWAYS || m->restart_delay_ms < MANIFEST_DELAY_MIN_MS ||
        m->restart_max_delay_ms > MANIFEST_DELAY_MAX_MS ||
        m->restart_delay_ms > m->restart_max_delay_ms)
        abort();
    if (m->restart_limit != MANIFEST_RESTART_UNLIMITED &&
        (m->restart_limit == 0 || m->restart_limit > MANIFEST_RESTART_LIMIT_MAX))
        abort();
}

static void check_error(const uint8_t *data, size_t size, const struct manifest_error *err)
{
    size_t lines = 1;

    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    CHECK_STRING(err->message);
    if (err->message[0] == '\0' || err->line == 0 || err->line > lines)
        abort();
    if (err->column > size + 1)
        abort();

    char buf[64];
    int n = manifest_error_format("fuzz", err, buf, sizeof(buf));
    if (n < 0 || memchr(buf, '\0', sizeof(buf)) == NULL)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct manifest m;
    struct manifest_error err;

    int r = manifest_parse((const char *)data, size, &m, &err);
    if (r == 0)
        check_manifest(&m);
    else if (r == -1)
        check_error(data, size, &err);
    else
        abort();
    return 0;
}
