/*
 * core/ksyms.c - address to symbol lookup by binary search.
 */
#include <core/ksyms.h>

#include <stddef.h>

const char *ksyms_search(const struct ksyms_table *table, uint64_t addr, uint64_t *offset)
{
    /* Invariant: addrs[i] <= addr for i < low, addrs[i] > addr for i >= high. */
    uint64_t low = 0, high = table->count;

    while (low < high) {
        uint64_t mid = low + (high - low) / 2;
        if (table->addrs[mid] <= addr)
            low = mid + 1;
        else
            high = mid;
    }
    if (low == 0)
        return NULL;
    if (offset)
        *offset = addr - table->addrs[low - 1];
    return table->names + table->name_offsets[low - 1];
}

#ifndef CAIRN_HOST_TEST
/* Defined by the assembler source tools/gensyms.py generates. */
extern const uint64_t ksyms_count;
extern const uint64_t ksyms_addrs[];
extern const uint32_t ksyms_name_offsets[];
extern const char ksyms_names[];

const char *ksyms_lookup(uint64_t addr, uint64_t *offset)
{
    const struct ksyms_table table = {
        .count = ksyms_count,
        .addrs = ksyms_addrs,
        .name_offsets = ksyms_name_offsets,
        .names = ksyms_names,
    };

    return ksyms_search(&table, addr, offset);
}
#endif
