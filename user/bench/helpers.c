/*
 * helpers.c - stacks for helper threads (see helpers.h).
 */
#include "helpers.h"
#include "bench.h"
#include <cairn/error.h>

#define HELPER_STACK_SIZE 8192

static uint8_t stacks[BENCH_MAX_HELPERS][HELPER_STACK_SIZE] __attribute__((aligned(16)));
static unsigned stacks_used;

long bench_helper_start(void (*fn)(uint64_t), uint64_t arg, uint32_t cpu)
{
    if (stacks_used == BENCH_MAX_HELPERS)
        return -CAIRN_E_NO_MEMORY;
    long handle =
        rt_thread_start(fn, arg, stacks[stacks_used], HELPER_STACK_SIZE, BENCH_PRIORITY, cpu);
    if (handle >= 0)
        stacks_used++;
    return handle;
}
