/*
 * set.h - boot sets: which silos init starts. A set is the file
 * silos/NAME.set in the initial ramdisk (the repository's silos/ folder):
 * one silo name per line, blank lines and '#' comments ignored; the silo
 * NAME is described by silos/NAME.silo. Pure (host-tested).
 */
#ifndef CAIRN_INIT_SET_H
#define CAIRN_INIT_SET_H

#include <manifest/manifest.h>
#include <stddef.h>

#define SET_MAX 32 /* silos in one set */

struct set {
    char names[SET_MAX][MANIFEST_NAME_MAX + 1];
    unsigned count;
};

/* Reads len bytes of a set file into *out. Returns 0, or -1 with why
 * (size bytes): "line N: ..." for a bad name, a duplicate, too many. */
int set_parse(const char *text, size_t len, struct set *out, char *why, size_t size);

#endif
