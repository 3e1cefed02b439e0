/*
 * process.c - the life of a process: created empty, given a code page and
 * a thread that exits at once, watched, and its handle closed once the
 * exit notification arrives. Everything it owned (address space, page
 * tables, handle table, thread, quota) is torn down within the sample.
 *
 * The code object (a stub that calls exit(0) without touching the stack)
 * is made once and mapped executable into each new process.
 */
#include "bench.h"
#include <cairn/process.h>
#include <cairn/vm.h>

#define PROCESS_ITERATIONS 200u
#define PROCESS_WARMUP     20u
#define PROCESS_QUOTA      (64u << 10)

#define CODE_VA 0x10000000ull /* in each child */
#define FILL_VA 0x300000000000ull

#define STRINGIFY(x) #x
#define STRING_OF(x) STRINGIFY(x)

void bench_exit_stub(void), bench_exit_stub_end(void);
// clang-format off
__asm__(".text\n"
        "bench_exit_stub:\n"
        "    mov $" STRING_OF(SYS_EXIT) ", %eax\n"
        "    xor %edi, %edi\n"
        "    syscall\n"
        "    ud2\n"
        "bench_exit_stub_end:\n");
// clang-format on

static long code;  /* the memory object holding the stub */
static long ended; /* the notification each process's watch signals */

static bool process_start(void)
{
    code = cairn_memory_create(CAIRN_PAGE_SIZE);
    ended = cairn_notification_create();
    long va = code < 0 ? code
                       : cairn_vm_map(CAIRN_PROCESS_SELF, code, 0, FILL_VA, CAIRN_PAGE_SIZE,
                                      CAIRN_PROT_READ | CAIRN_PROT_WRITE);
    if (code < 0 || ended < 0 || va < 0) {
        bench_fail("process benchmark set-up", code < 0 ? code : ended < 0 ? ended : va);
        return false;
    }
    const uint8_t *from = (const uint8_t *)bench_exit_stub;
    for (uint64_t i = 0; i < (uint64_t)bench_exit_stub_end - (uint64_t)bench_exit_stub; i++)
        ((uint8_t *)FILL_VA)[i] = from[i];
    cairn_vm_unmap(CAIRN_PROCESS_SELF, FILL_VA, CAIRN_PAGE_SIZE);
    return true;
}

static void process_stop(void)
{
    cairn_handle_close(code);
    cairn_handle_close(ended);
}

static const struct bench_fixture process_fixture = {
    .cpus = 1, .start = process_start, .stop = process_stop};

/* One process's life; 0 or the first error. */
static long one_process(void)
{
    static const char name[] = "bench";
    const struct cairn_thread_params params = {
        .entry = CODE_VA,
        .stack = CODE_VA + CAIRN_PAGE_SIZE, /* never touched */
        .priority = BENCH_PRIORITY,
        .affinity = BENCH_CPU,
    };
    long p = cairn_process_create(name, sizeof(name) - 1, PROCESS_QUOTA);
    if (p < 0)
        return p;
    long r = cairn_vm_map(p, code, 0, CODE_VA, CAIRN_PAGE_SIZE, CAIRN_PROT_READ | CAIRN_PROT_EXEC);
    if (r >= 0)
        r = cairn_process_watch(p, ended, 1);
    long t = r < 0 ? r : cairn_thread_create(p, &params);
    if (t >= 0) {
        r = cairn_notification_wait(ended, UINT64_MAX);
        r = r == 1 ? 0 : r < 0 ? r : -1;
        cairn_handle_close(t);
    } else {
        r = t;
    }
    cairn_handle_close(p);
    return r;
}

BENCH_WITH(process_create_exit, PROCESS_ITERATIONS, PROCESS_WARMUP, &process_fixture)
{
    uint64_t start = bench_now();
    long r = one_process();
    uint64_t cost = bench_now() - start;
    if (r != 0)
        bench_fail("process_create_exit", r);
    return cost;
}
