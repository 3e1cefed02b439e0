/*
 * test_linux_stack.c - host tests for user/posix/stack.c, the Linux start-up
 * stack: the layout a Linux program reads at its entry, and that a buffer
 * too small is refused without a byte written outside it (the buffers are
 * exact-size heap blocks, so AddressSanitizer sees any overrun).
 */
#include "stack.h"

#include <stdlib.h>

#include "check.h"

#define TOP 0x7fffffffe000ull

enum { AT_NULL = 0, AT_PHDR = 3, AT_PHNUM = 5, AT_PAGESZ = 6, AT_ENTRY = 9, AT_RANDOM = 25 };

static char *const argv[] = {"linux/hello", "-x", "a longer argument"};
static char *const envp[] = {"HOME=/", "TERM=cairn"};

static const struct linux_start start = {
    .argc = 3,
    .argv = argv,
    .envc = 2,
    .envp = envp,
    .phdr = 0x400040,
    .phnum = 7,
    .entry = 0x401000,
    .random = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16},
};

/* The host address of user address va in a buffer mapped to end at TOP. */
static uint8_t *at(uint8_t *buf, size_t size, uint64_t va)
{
    return buf + size - (TOP - va);
}

static uint64_t word(uint8_t *buf, size_t size, uint64_t va)
{
    uint64_t w;
    memcpy(&w, at(buf, size, va), sizeof(w));
    return w;
}

/* The value of key in the auxiliary vector that starts at va, or ~0. */
static uint64_t aux(uint8_t *buf, size_t size, uint64_t va, uint64_t key)
{
    for (;; va += 16) {
        uint64_t k = word(buf, size, va), v = word(buf, size, va + 8);
        if (k == key)
            return v;
        if (k == AT_NULL)
            return ~0ull;
    }
}

static void test_layout(void)
{
    size_t size = 4096;
    uint8_t *buf = malloc(size);
    uint64_t rsp = linux_stack_build(buf, size, TOP, &start);
    CHECK(rsp != 0);
    CHECK_EQ(rsp % 16, 0);
    CHECK(rsp < TOP && rsp >= TOP - size);
    CHECK_EQ(word(buf, size, rsp), 3);
    uint64_t p = rsp + 8;
    for (int i = 0; i < 3; i++, p += 8)
        CHECK_STR((char *)at(buf, size, word(buf, size, p)), argv[i]);
    CHECK_EQ(word(buf, size, p), 0);
    p += 8;
    for (int i = 0; i < 2; i++, p += 8)
        CHECK_STR((char *)at(buf, size, word(buf, size, p)), envp[i]);
    CHECK_EQ(word(buf, size, p), 0);
    p += 8;
    CHECK_EQ(aux(buf, size, p, AT_PHDR), 0x400040);
    CHECK_EQ(aux(buf, size, p, AT_PHNUM), 7);
    CHECK_EQ(aux(buf, size, p, AT_PAGESZ), 4096);
    CHECK_EQ(aux(buf, size, p, AT_ENTRY), 0x401000);
    uint64_t random = aux(buf, size, p, AT_RANDOM);
    CHECK(random > p && random < TOP);
    CHECK(memcmp(at(buf, size, random), start.random, 16) == 0);
    free(buf);
}

/* Every size below the one needed is refused; from it on, accepted. */
static void test_sizes(void)
{
    size_t needed = 0;
    for (size_t size = 0; size <= 1024 && !needed; size++) {
        uint8_t *buf = malloc(size ? size : 1);
        if (linux_stack_build(buf, size, TOP, &start))
            needed = size;
        free(buf);
    }
    CHECK(needed > 0);
    uint8_t *buf = malloc(needed + 100);
    CHECK(linux_stack_build(buf, needed + 100, TOP, &start) != 0);
    free(buf);
}

int main(void)
{
    test_layout();
    test_sizes();
    return CHECK_DONE("linux_stack");
}
