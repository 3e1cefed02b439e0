/*
 * test_ksyms.c - host tests for the symbol search in kernel/core/ksyms.c.
 */
#include <core/ksyms.h>

#include <stddef.h>

#include "check.h"

#define OFFSET_UNTOUCHED 0xdeadbeefULL
#define MAX_SYMBOLS      40

static const uint64_t kernel_addrs[] = {0xffffffff80100000ULL, 0xffffffff80100040ULL,
                                        0xffffffff80100041ULL, 0xffffffff80200000ULL};
static const uint32_t kernel_offsets[] = {0, 7, 13, 19};
static const char kernel_names[] = "_start\0kmain\0panic\0ksyms_search";
static const struct ksyms_table kernel_table = {4, kernel_addrs, kernel_offsets, kernel_names};

static void test_empty_table(void)
{
    const struct ksyms_table empty = {0, NULL, NULL, NULL};
    uint64_t offset = OFFSET_UNTOUCHED;

    CHECK(ksyms_search(&empty, 0, &offset) == NULL);
    CHECK(ksyms_search(&empty, UINT64_MAX, &offset) == NULL);
    CHECK_EQ(offset, OFFSET_UNTOUCHED);
}

static void test_below_first(void)
{
    uint64_t offset = OFFSET_UNTOUCHED;

    CHECK(ksyms_search(&kernel_table, 0, &offset) == NULL);
    CHECK(ksyms_search(&kernel_table, 0xffffffff800fffffULL, &offset) == NULL);
    CHECK_EQ(offset, OFFSET_UNTOUCHED);
}

static void test_exact_and_inside(void)
{
    uint64_t offset = OFFSET_UNTOUCHED;

    CHECK_STR(ksyms_search(&kernel_table, 0xffffffff80100000ULL, &offset), "_start");
    CHECK_EQ(offset, 0);
    CHECK_STR(ksyms_search(&kernel_table, 0xffffffff8010003fULL, &offset), "_start");
    CHECK_EQ(offset, 0x3f);
    CHECK_STR(ksyms_search(&kernel_table, 0xffffffff80100040ULL, &offset), "kmain");
    CHECK_EQ(offset, 0);
    /* A one-byte symbol: the next address already belongs to the next symbol. */
    CHECK_STR(ksyms_search(&kernel_table, 0xffffffff80100041ULL, &offset), "panic");
    CHECK_EQ(offset, 0);
    CHECK_STR(ksyms_search(&kernel_table, 0xffffffff801fffffULL, &offset), "panic");
    CHECK_EQ(offset, 0xfffbe);
}

static void test_past_last(void)
{
    uint64_t offset = OFFSET_UNTOUCHED;

    CHECK_STR(ksyms_search(&kernel_table, 0xffffffff80200000ULL, &offset), "ksyms_search");
    CHECK_EQ(offset, 0);
    CHECK_STR(ksyms_search(&kernel_table, UINT64_MAX, &offset), "ksyms_search");
    CHECK(offset == UINT64_MAX - 0xffffffff80200000ULL);
}

static void test_null_offset(void)
{
    CHECK_STR(ksyms_search(&kernel_table, 0xffffffff80100044ULL, NULL), "panic");
    CHECK(ksyms_search(&kernel_table, 1, NULL) == NULL);
}

static void test_extreme_addresses(void)
{
    static const uint64_t addrs[] = {0, UINT64_MAX};
    static const uint32_t offsets[] = {0, 5};
    const struct ksyms_table table = {2, addrs, offsets, "zero\0top"};
    uint64_t offset = OFFSET_UNTOUCHED;

    CHECK_STR(ksyms_search(&table, 0, &offset), "zero");
    CHECK_EQ(offset, 0);
    CHECK_STR(ksyms_search(&table, UINT64_MAX - 1, &offset), "zero");
    CHECK(offset == UINT64_MAX - 1);
    CHECK_STR(ksyms_search(&table, UINT64_MAX, &offset), "top");
    CHECK_EQ(offset, 0);
}

/* The index a linear scan finds, or -1: what the binary search must agree with. */
static int linear_index(const uint64_t *addrs, int count, uint64_t addr)
{
    int found = -1;

    for (int i = 0; i < count && addrs[i] <= addr; i++)
        found = i;
    return found;
}

static int search_matches_linear(const struct ksyms_table *table, uint64_t addr)
{
    uint64_t offset = OFFSET_UNTOUCHED;
    const char *name = ksyms_search(table, addr, &offset);
    int expected = linear_index(table->addrs, (int)table->count, addr);

    if (expected < 0)
        return name == NULL && offset == OFFSET_UNTOUCHED;
    return name == table->names + table->name_offsets[expected] &&
           offset == addr - table->addrs[expected];
}

/* Every table size from 1 to MAX_SYMBOLS, probing each symbol and its gaps. */
static void test_agrees_with_linear_scan(void)
{
    uint64_t addrs[MAX_SYMBOLS];
    uint32_t offsets[MAX_SYMBOLS];
    char names[MAX_SYMBOLS * 2];

    for (int i = 0; i < MAX_SYMBOLS; i++) {
        addrs[i] = 0x1000 + (uint64_t)i * i * 16 + (uint64_t)i;
        offsets[i] = (uint32_t)(2 * i);
        names[2 * i] = (char)('A' + i);
        names[2 * i + 1] = '\0';
    }
    for (int count = 1; count <= MAX_SYMBOLS; count++) {
        const struct ksyms_table table = {(uint64_t)count, addrs, offsets, names};
        int ok = search_matches_linear(&table, 0) && search_matches_linear(&table, UINT64_MAX);
        for (int i = 0; i < count; i++) {
            ok = ok && search_matches_linear(&table, addrs[i] - 1);
            ok = ok && search_matches_linear(&table, addrs[i]);
            ok = ok && search_matches_linear(&table, addrs[i] + 1);
        }
        CHECK(ok);
    }
}

int main(void)
{
    test_empty_table();
    test_below_first();
    test_exact_and_inside();
    test_past_last();
    test_null_offset();
    test_extreme_addresses();
    test_agrees_with_linear_scan();
    return CHECK_DONE("ksyms");
}
