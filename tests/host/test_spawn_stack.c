/*
 * test_spawn_stack.c - host tests for lib/spawn/stack.c, the System V
 * start-up block: the layout lib/rt's crt0 and rt_startup_value() read
 * (argc, argv[], NULL, envp[], NULL, the auxiliary vector ending with
 * AT_NULL), the extra data and its aux entry, alignment, and that a buffer
 * too small is refused without a byte written outside it (exact-size heap
 * buffers, so AddressSanitizer sees any overrun).
 */
#include <spawn/stack.h>

#include <stdlib.h>

#include "check.h"

#define TOP 0x7ffffffe0000ull

static char *const argv[] = {"bin/log", "--mirror", "two words"};
static char *const envp[] = {"HOME=/", "EMPTY="};
static const struct spawn_aux aux[] = {{6, 4096}, {0x1003, 5}, {0x1005, 12345}, {25, 0}};
static const uint8_t data[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

static const struct spawn_startup startup = {
    .argc = 3,
    .argv = argv,
    .envc = 2,
    .envp = envp,
    .aux = aux,
    .naux = 4,
};

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

static const char *string(uint8_t *buf, size_t size, uint64_t va)
{
    return (const char *)at(buf, size, va);
}

static void test_layout(void)
{
    size_t size = 4096;
    uint8_t *buf = malloc(size);
    uint64_t rsp = spawn_stack_build(buf, size, TOP, &startup);

    CHECK(rsp != 0);
    CHECK_EQ(rsp % 16, 0);
    CHECK(rsp < TOP && rsp >= TOP - size);
    uint64_t va = rsp;
    CHECK_EQ(word(buf, size, va), 3);
    for (int i = 0; i < 3; i++)
        CHECK_STR(string(buf, size, word(buf, size, va + 8 + 8 * (uint64_t)i)), argv[i]);
    CHECK_EQ(word(buf, size, va + 32), 0);
    va += 40;
    for (int i = 0; i < 2; i++)
        CHECK_STR(string(buf, size, word(buf, size, va + 8 * (uint64_t)i)), envp[i]);
    CHECK_EQ(word(buf, size, va + 16), 0);
    va += 24;
    for (int i = 0; i < 4; i++) {
        CHECK_EQ(word(buf, size, va + 16 * (uint64_t)i), aux[i].key);
        CHECK_EQ(word(buf, size, va + 16 * (uint64_t)i + 8), aux[i].value);
    }
    CHECK_EQ(word(buf, size, va + 64), 0);
    CHECK_EQ(word(buf, size, va + 72), 0);
    /* The strings lie above the vectors, inside the buffer. */
    CHECK(word(buf, size, rsp + 8) > va + 72);
    free(buf);
}

static void test_data(void)
{
    size_t size = 1024;
    uint8_t *buf = malloc(size);
    struct spawn_startup s = startup;
    s.data = data;
    s.data_len = sizeof(data);
    s.data_key = 25;

    uint64_t rsp = spawn_stack_build(buf, size, TOP, &s);
    CHECK(rsp != 0);
    uint64_t auxv = rsp + 8 * (1 + 3 + 1 + 2 + 1);
    CHECK_EQ(word(buf, size, auxv + 48), 25);
    uint64_t where = word(buf, size, auxv + 56);
    CHECK(where > rsp && where + sizeof(data) <= TOP);
    CHECK(memcmp(at(buf, size, where), data, sizeof(data)) == 0);
    /* Other entries keep their values. */
    CHECK_EQ(word(buf, size, auxv + 24), 5);
    free(buf);
}

static void test_empty(void)
{
    size_t size = 64;
    uint8_t *buf = malloc(size);
    char *const one[] = {"x"};
    const struct spawn_startup s = {.argc = 1, .argv = one};

    uint64_t rsp = spawn_stack_build(buf, size, TOP, &s);
    CHECK(rsp != 0);
    CHECK_EQ(rsp % 16, 0);
    CHECK_EQ(word(buf, size, rsp), 1);
    CHECK_EQ(word(buf, size, rsp + 16), 0); /* argv NULL */
    CHECK_EQ(word(buf, size, rsp + 24), 0); /* envp NULL */
    CHECK_EQ(word(buf, size, rsp + 32), 0); /* AT_NULL */
    free(buf);
}

/* Every size below the one needed is refused; the needed one works. */
static void test_too_small(void)
{
    size_t need = 0;
    for (size_t size = 1; size <= 1024 && !need; size++) {
        uint8_t *buf = malloc(size);
        if (spawn_stack_build(buf, size, TOP, &startup))
            need = size;
        free(buf);
    }
    CHECK(need > 0);
    /* 3 argv + 2 envp strings and 1 + 4 + 3 + 10 words, 16-aligned. */
    CHECK(need >= 8 * 18 + 45);

    const struct spawn_startup bad = {.argc = -1, .argv = argv};
    uint8_t *buf = malloc(256);
    CHECK_EQ(spawn_stack_build(buf, 256, TOP, &bad), 0);
    free(buf);
}

int main(void)
{
    test_layout();
    test_data();
    test_empty();
    test_too_small();
    return CHECK_DONE("spawn_stack");
}
