/*
 * stack.c - the System V start-up block (see spawn/stack.h).
 */
#include <spawn/stack.h>

#include <lib/string.h>

#define AT_NULL 0

/* Copies n bytes below the used part of [buf, buf+size) and returns their
 * user address, or 0 when they do not fit. */
static uint64_t push_bytes(uint8_t *buf, size_t size, uint64_t top, size_t *used, const void *src,
                           size_t n)
{
    if (n > size - *used)
        return 0;
    *used += n;
    memcpy(buf + size - *used, src, n);
    return top - *used;
}

/* Pushes count strings, their user addresses into out[0..count-1] and a NULL after them. */
static int push_strings(uint8_t *buf, size_t size, uint64_t top, size_t *used, int count,
                        char *const *strings, uint64_t *out)
{
    for (int i = 0; i < count; i++) {
        out[i] = push_bytes(buf, size, top, used, strings[i], strlen(strings[i]) + 1);
        if (!out[i])
            return -1;
    }
    out[count] = 0;
    return 0;
}

/* Writes n words at *w (byte-wise: the buffer need not be aligned). */
static void put_words(uint8_t **w, const uint64_t *words, size_t n)
{
    memcpy(*w, words, n * sizeof(uint64_t));
    *w += n * sizeof(uint64_t);
}

uint64_t spawn_stack_build(uint8_t *buf, size_t size, uint64_t top, const struct spawn_startup *s)
{
    if (s->argc < 0 || s->envc < 0)
        return 0;
    uint64_t argv_user[s->argc + 1], envp_user[s->envc + 1];
    uint64_t data_user = 0;
    size_t used = 0;

    if (push_strings(buf, size, top, &used, s->argc, s->argv, argv_user) != 0 ||
        push_strings(buf, size, top, &used, s->envc, s->envp, envp_user) != 0)
        return 0;
    if (s->data_len && !(data_user = push_bytes(buf, size, top, &used, s->data, s->data_len)))
        return 0;

    size_t words = 1 + (size_t)s->argc + 1 + (size_t)s->envc + 1 + 2 * ((size_t)s->naux + 1);
    /* RSP (pointing at argc) must be 16-byte aligned at entry. */
    if (words > (size - used) / sizeof(uint64_t))
        return 0;
    used = (used + words * sizeof(uint64_t) + 15) & ~(size_t)15;
    if (used > size)
        return 0;
    uint8_t *w = buf + size - used;
    uint64_t argc = (uint64_t)s->argc;
    put_words(&w, &argc, 1);
    put_words(&w, argv_user, (size_t)s->argc + 1);
    put_words(&w, envp_user, (size_t)s->envc + 1);
    for (unsigned i = 0; i < s->naux; i++) {
        struct spawn_aux a = s->aux[i];
        if (s->data_len && a.key == s->data_key)
            a.value = data_user;
        put_words(&w, &a.key, 1);
        put_words(&w, &a.value, 1);
    }
    const uint64_t end[2] = {AT_NULL, 0};
    put_words(&w, end, 2);
    return top - used;
}
