/*
 * layout.c - the fuzzer's own memory (see layout.h).
 */
#include "layout.h"

#define READONLY_FILL 0xa5
#define STACK_RESERVE (1024 * 1024ull) /* more than the 64 KiB stack, to be safe */

/* Both from GNU ld's default script: the first byte of the image and the
 * first byte after its .bss. */
extern const char __executable_start[], _end[];

static uint8_t arena[ARENA_GUARD + SCRATCH_SIZE + ARENA_GUARD] __attribute__((aligned(4096)));

static const uint8_t readonly_page[PAGE_SIZE] __attribute__((aligned(4096))) = {
    [0 ... PAGE_SIZE - 1] = READONLY_FILL,
};

static uint64_t stack_low, stack_high;

void layout_init(char **argv)
{
    stack_high = ((uint64_t)argv + PAGE_SIZE) & ~(PAGE_SIZE - 1);
    stack_low = stack_high - STACK_RESERVE;
}

uint64_t layout_scratch(void)
{
    return (uint64_t)arena + ARENA_GUARD;
}

static uint8_t ipc_page[PAGE_SIZE] __attribute__((aligned(4096)));

uint64_t layout_ipc_page(void)
{
    return (uint64_t)ipc_page;
}

uint64_t layout_readonly(void)
{
    return (uint64_t)readonly_page;
}

uint64_t layout_image_start(void)
{
    return (uint64_t)__executable_start;
}

static bool inside(uint64_t addr, uint64_t start, uint64_t end)
{
    return addr >= start && addr < end;
}

bool layout_is_protected(uint64_t addr)
{
    uint64_t image_low = (uint64_t)__executable_start - PAGE_SIZE;
    uint64_t image_high = (uint64_t)_end + PAGE_SIZE;
    uint64_t arena_start = (uint64_t)arena;
    if (inside(addr, arena_start, arena_start + sizeof(arena) - WRITE_MAX))
        return false;
    if (inside(addr, layout_readonly(), layout_readonly() + PAGE_SIZE - WRITE_MAX))
        return false;
    return inside(addr, image_low, image_high) || inside(addr, stack_low, stack_high + PAGE_SIZE);
}

uint64_t layout_redirect(uint64_t addr)
{
    return layout_scratch() + addr % (SCRATCH_SIZE - WRITE_MAX);
}

bool layout_readonly_intact(void)
{
    const volatile uint8_t *page = readonly_page;
    for (uint64_t i = 0; i < PAGE_SIZE; i++) {
        if (page[i] != READONLY_FILL)
            return false;
    }
    return true;
}
