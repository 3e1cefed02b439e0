/*
 * threads.c - helper threads for the tests (see threads.h).
 */
#include "threads.h"
#include "ktest.h"
#include <cairn/system.h>

#define STACK_SIZE 8192

static uint8_t stacks[KT_MAX_THREADS][STACK_SIZE] __attribute__((aligned(16)));
static long handles[KT_MAX_THREADS]; /* of the helpers started since kt_reset */
static int next_stack;
static volatile int finished;

long kt_spawn(void (*fn)(uint64_t), uint64_t arg, uint32_t affinity)
{
    if (next_stack == KT_MAX_THREADS)
        return -CAIRN_E_NO_MEMORY;
    void *stack = stacks[next_stack];
    long h = rt_thread_start(fn, arg, stack, STACK_SIZE, RT_PRIORITY_DEFAULT, affinity);
    handles[next_stack++] = h;
    return h;
}

void kt_thread_done(void)
{
    __atomic_fetch_add(&finished, 1, __ATOMIC_RELEASE);
    cairn_thread_exit();
}

void kt_join(int count)
{
    while (__atomic_load_n(&finished, __ATOMIC_ACQUIRE) < count)
        cairn_sleep(1000000);
    cairn_sleep(2000000); /* let their thread_exit calls finish */
}

void kt_reset(void)
{
    /* A handle keeps its dead thread's struct and quota charge; closing it
     * never stops a thread, and a test that closed it already gets a
     * harmless BAD_HANDLE. */
    for (int i = 0; i < next_stack; i++) {
        if (handles[i] > 0)
            cairn_handle_close((cairn_handle_t)handles[i]);
    }
    next_stack = 0;
    finished = 0;
}

unsigned kt_cpus(void)
{
    struct cairn_system_info info;
    return cairn_system_info(&info) == 0 ? info.cpus : 1;
}

uint32_t kt_other_cpu(uint32_t cpu)
{
    return kt_cpus() > 1 ? (cpu + 1) % kt_cpus() : cpu;
}

bool kt_need_cpus(unsigned count)
{
    unsigned online = kt_cpus();
    if (online >= count)
        return true;
    rt_printf("ktest: skipped: needs %u CPUs, %u online\n", count, online);
    return false;
}
