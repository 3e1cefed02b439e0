/*
 * core/ksyms.h - the kernel's own symbol table, for naming code addresses in
 * backtraces and panic messages.
 *
 * The table is generated at build time by tools/gensyms.py from the linked
 * kernel and placed in the read-only section .ksyms. It holds text symbols
 * only, sorted by address. Lookups take no locks and allocate nothing, so
 * they may run in any context, including a panic or fault handler.
 */
#ifndef CAIRN_CORE_KSYMS_H
#define CAIRN_CORE_KSYMS_H

#include <stdint.h>

/*
 * A symbol table: count symbols, addrs ascending, and the name of symbol i
 * the NUL-terminated string at names + name_offsets[i].
 */
struct ksyms_table {
    uint64_t count;
    const uint64_t *addrs;
    const uint32_t *name_offsets;
    const char *names;
};

/*
 * Finds the symbol containing addr in table: the one with the greatest address
 * <= addr. Returns its name and, when offset is not NULL, stores addr minus the
 * symbol's address in *offset. Returns NULL, leaving *offset alone, when the
 * table is empty or addr lies below its first symbol. Needs a well-formed
 * table (addrs ascending, every name offset inside names).
 */
const char *ksyms_search(const struct ksyms_table *table, uint64_t addr, uint64_t *offset);

/*
 * ksyms_search over the kernel's own table, linked in from .ksyms. Not built
 * into host tests (CAIRN_HOST_TEST), which have no such table.
 */
const char *ksyms_lookup(uint64_t addr, uint64_t *offset);

#endif
