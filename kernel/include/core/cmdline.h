/*
 * cmdline.h - the kernel command line: space-separated words, each a flag
 * ("debug") or a key=value pair ("run=init"). When a key appears twice the
 * last one wins, so words appended by the test harness override GRUB's.
 */
#ifndef CAIRN_CORE_CMDLINE_H
#define CAIRN_CORE_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

/* Joins the loader's command line and the extra words (may be NULL). */
void cmdline_init(const char *loader, const char *extra);

const char *cmdline_get_all(void);

/* Copies the value of key into buf (NUL-terminated, truncated to cap-1).
 * Returns false when the key is absent. */
bool cmdline_value(const char *key, char *buf, size_t cap);

bool cmdline_flag(const char *flag);

#endif
