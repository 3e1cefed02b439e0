/*
 * lib/cpio.h - reader for "newc" cpio archives (the initial ramdisk format).
 *
 * An entry is a 110-byte ASCII header (magic "070701" and 13 eight-digit
 * hex fields), the NUL-terminated name padded to a multiple of 4 bytes from
 * the header's start, then the data padded likewise. The entry named
 * "TRAILER!!!" ends the archive. The reader never reads outside the buffer
 * it is given and never writes to it; returned pointers point into it.
 */
#ifndef CAIRN_LIB_CPIO_H
#define CAIRN_LIB_CPIO_H

#include <stddef.h>
#include <stdint.h>

struct cpio_entry {
    const char *name; /* NUL-terminated, as stored in the archive */
    size_t name_len;  /* strlen(name) */
    const void *data;
    size_t size;
    uint32_t mode; /* file type and permission bits, as in st_mode */
};

enum cpio_error {
    CPIO_OK = 0,
    CPIO_END,           /* reached the TRAILER!!! entry */
    CPIO_ERR_TRUNCATED, /* header, name, data or padding runs past the end */
    CPIO_ERR_MAGIC,     /* header does not start with "070701" */
    CPIO_ERR_HEX,       /* a header field holds a non-hex digit */
    CPIO_ERR_NAME,      /* namesize 0, or the name's only NUL is not at namesize - 1 */
    CPIO_ERR_NOT_FOUND, /* cpio_find: no entry has the name */
};

/*
 * Reads the entry at *offset in archive[0, size); *offset starts at 0.
 * Returns CPIO_OK with the entry in *out and *offset advanced past it,
 * including padding; CPIO_END at the trailer; or an error. On anything but
 * CPIO_OK, *offset and *out are left unchanged, so iteration stops there.
 */
enum cpio_error cpio_next(const void *archive, size_t size, size_t *offset, struct cpio_entry *out);

/*
 * Finds the first entry whose name equals name exactly, ignoring one leading
 * "./" or "/" of the archive's names (not of name). Returns CPIO_OK with
 * the entry in *out (its name as stored), CPIO_ERR_NOT_FOUND if the trailer
 * is reached first, or the error that stopped the walk.
 */
enum cpio_error cpio_find(const void *archive, size_t size, const char *name,
                          struct cpio_entry *out);

/* Returns a short human-readable reason for err; never NULL. */
const char *cpio_strerror(enum cpio_error err);

#endif
