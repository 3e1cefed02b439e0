/*
 * fuzz_cpio.c - libFuzzer target for cpio_next() and cpio_find().
 *
 * Walks the input as an archive and checks that every entry returned lies
 * inside it, that names are what cpio.h promises and that the walk always
 * moves forward, so it ends.
 */
#include <lib/cpio.h>

#include <stdlib.h>

static void check_entry(const uint8_t *data, size_t size, const struct cpio_entry *e)
{
    const char *base = (const char *)data;

    if (e->name < base || (size_t)(e->name - base) >= size ||
        e->name_len >= size - (size_t)(e->name - base))
        abort();
    for (size_t i = 0; i < e->name_len; i++) {
        if (e->name[i] == '\0')
            abort();
    }
    if (e->name[e->name_len] != '\0')
        abort();
    const char *d = e->data;
    if (d < base || (size_t)(d - base) > size || e->size > size - (size_t)(d - base))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cpio_entry e;
    size_t offset = 0;
    enum cpio_error err;

    for (;;) {
        size_t before = offset;

        err = cpio_next(data, size, &offset, &e);
        if (err != CPIO_OK) {
            /* A failed step leaves the offset alone. */
            if (offset != before)
                abort();
            break;
        }
        check_entry(data, size, &e);
        /* Each entry is a 110-byte header plus at least a NUL, padded to 4. */
        if (offset > size || offset - before < 112 || (offset - before) % 4 != 0)
            abort();
    }
    if (err == CPIO_ERR_NOT_FOUND || cpio_strerror(err) == NULL)
        abort();

    static const char *const NAMES[] = {"init", "", "a", "TRAILER!!!"};
    for (size_t i = 0; i < sizeof(NAMES) / sizeof(NAMES[0]); i++) {
        err = cpio_find(data, size, NAMES[i], &e);
        if (err == CPIO_OK)
            check_entry(data, size, &e);
        if (err == CPIO_END)
            abort();
    }
    return 0;
}
