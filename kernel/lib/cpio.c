/*
 * cpio.c - "newc" cpio archive reader.
 *
 * All positions inside an entry are computed relative to its header and
 * compared against the bytes remaining after it, so no sum is formed before
 * it is known to lie inside the archive.
 */
#include <lib/cpio.h>

#include <stdbool.h>

#define HEADER_SIZE 110
#define MAGIC_LEN   6
#define FIELD_LEN   8
#define NFIELDS     13

/* Header field indices, in the order they appear after the magic. */
enum cpio_field {
    FIELD_INO,
    FIELD_MODE,
    FIELD_UID,
    FIELD_GID,
    FIELD_NLINK,
    FIELD_MTIME,
    FIELD_FILESIZE,
    FIELD_DEVMAJOR,
    FIELD_DEVMINOR,
    FIELD_RDEVMAJOR,
    FIELD_RDEVMINOR,
    FIELD_NAMESIZE,
    FIELD_CHECK,
};

static const char TRAILER[] = "TRAILER!!!";

/* Parses the eight hex digits at p into *value; false on a non-hex digit. */
static bool parse_hex(const char *p, uint32_t *value)
{
    uint32_t v = 0;

    for (int i = 0; i < FIELD_LEN; i++) {
        char c = p[i];
        uint32_t digit;

        if (c >= '0' && c <= '9')
            digit = (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            digit = (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            digit = (uint32_t)(c - 'A' + 10);
        else
            return false;
        v = v << 4 | digit;
    }
    *value = v;
    return true;
}

/* Parses the header at hdr, which holds at least HEADER_SIZE bytes. */
static enum cpio_error parse_header(const char *hdr, uint32_t fields[NFIELDS])
{
    static const char MAGIC[MAGIC_LEN] = {'0', '7', '0', '7', '0', '1'};

    for (int i = 0; i < MAGIC_LEN; i++) {
        if (hdr[i] != MAGIC[i])
            return CPIO_ERR_MAGIC;
    }
    for (int i = 0; i < NFIELDS; i++) {
        if (!parse_hex(hdr + MAGIC_LEN + i * FIELD_LEN, &fields[i]))
            return CPIO_ERR_HEX;
    }
    return CPIO_OK;
}

/*
 * Advances *pos (relative to the header) to the next multiple of 4, if the
 * padding fits in rem bytes.
 */
static bool skip_padding(size_t *pos, size_t rem)
{
    size_t pad = (4 - (*pos & 3)) & 3;

    if (pad > rem - *pos)
        return false;
    *pos += pad;
    return true;
}

static bool names_equal(const char *stored, size_t stored_len, const char *name)
{
    for (size_t i = 0; i < stored_len; i++) {
        /* A NUL in name mismatches here too, so name is never read past its end. */
        if (name[i] != stored[i])
            return false;
    }
    return name[stored_len] == '\0';
}

/* Checks that the name's only NUL is its last byte; len counts the NUL. */
static bool name_is_terminated(const char *name, size_t len)
{
    for (size_t i = 0; i + 1 < len; i++) {
        if (name[i] == '\0')
            return false;
    }
    return name[len - 1] == '\0';
}

enum cpio_error cpio_next(const void *archive, size_t size, size_t *offset, struct cpio_entry *out)
{
    if (*offset > size || size - *offset < HEADER_SIZE)
        return CPIO_ERR_TRUNCATED;

    const char *hdr = (const char *)archive + *offset;
    size_t rem = size - *offset;
    uint32_t fields[NFIELDS];
    enum cpio_error err = parse_header(hdr, fields);
    if (err != CPIO_OK)
        return err;

    size_t namesize = fields[FIELD_NAMESIZE];
    if (namesize == 0)
        return CPIO_ERR_NAME;
    if (namesize > rem - HEADER_SIZE)
        return CPIO_ERR_TRUNCATED;
    const char *name = hdr + HEADER_SIZE;
    if (!name_is_terminated(name, namesize))
        return CPIO_ERR_NAME;
    if (names_equal(name, namesize - 1, TRAILER))
        return CPIO_END;

    size_t pos = HEADER_SIZE + namesize;
    size_t filesize = fields[FIELD_FILESIZE];
    if (!skip_padding(&pos, rem) || filesize > rem - pos)
        return CPIO_ERR_TRUNCATED;
    size_t data_pos = pos;
    pos += filesize;
    if (!skip_padding(&pos, rem))
        return CPIO_ERR_TRUNCATED;

    out->name = name;
    out->name_len = namesize - 1;
    out->data = hdr + data_pos;
    out->size = filesize;
    out->mode = fields[FIELD_MODE];
    *offset += pos;
    return CPIO_OK;
}

enum cpio_error cpio_find(const void *archive, size_t size, const char *name,
                          struct cpio_entry *out)
{
    size_t offset = 0;
    struct cpio_entry entry;
    enum cpio_error err;

    while ((err = cpio_next(archive, size, &offset, &entry)) == CPIO_OK) {
        const char *stored = entry.name;
        size_t len = entry.name_len;

        if (len >= 2 && stored[0] == '.' && stored[1] == '/') {
            stored += 2;
            len -= 2;
        } else if (len >= 1 && stored[0] == '/') {
            stored++;
            len--;
        }
        if (names_equal(stored, len, name)) {
            *out = entry;
            return CPIO_OK;
        }
    }
    return err == CPIO_END ? CPIO_ERR_NOT_FOUND : err;
}

const char *cpio_strerror(enum cpio_error err)
{
    switch (err) {
    case CPIO_OK:
        return "no error";
    case CPIO_END:
        return "end of archive";
    case CPIO_ERR_TRUNCATED:
        return "archive truncated";
    case CPIO_ERR_MAGIC:
        return "not a newc cpio header (bad magic)";
    case CPIO_ERR_HEX:
        return "bad hex digit in cpio header";
    case CPIO_ERR_NAME:
        return "bad entry name size or termination";
    case CPIO_ERR_NOT_FOUND:
        return "no such file in archive";
    }
    return "unknown cpio error";
}
