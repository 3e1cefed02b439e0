/*
 * sysfuzz - a seeded, reproducible system-call fuzzer, run as a boot
 * program: `sysfuzz SEED COUNT [TRACE_FROM]`.
 *
 * Makes COUNT random system calls, every call number below SYS_COUNT (so
 * new calls are fuzzed as soon as the table has them) and some invalid
 * ones, with random and boundary arguments (args.h), changed only as the
 * rules say (rules.h). Prints a progress line every 10,000 calls, then
 * `sysfuzz: N calls, seed S, results: ok=X NAME=Y ...`, closes everything
 * it made, stops its helper threads, and checks that the kernel's memory
 * is back where it was: `sysfuzz: no leak` or `sysfuzz: LEAK ...`. From
 * call TRACE_FROM on it prints every call before making it, to find the
 * one that breaks the kernel. Exits 0 only when nothing leaked and the
 * kernel did nothing it must not (`sysfuzz: BUG ...` lines).
 */
#include "args.h"
#include "fuzz.h"
#include "helpers.h"
#include "layout.h"
#include "leak.h"
#include "pool.h"
#include "rules.h"
#include "stats.h"
#include <cairn/startup.h>
#include <rt/rt.h>

#define MS 1000000ull

void sysfuzz_stub_signal(void);

/* Reads a decimal or 0x-prefixed hexadecimal number; false if s is not
 * one or does not fit in 64 bits. */
static bool parse_u64(const char *s, uint64_t *out)
{
    unsigned base = 10;
    uint64_t v = 0;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (!*s)
        return false;
    for (; *s; s++) {
        unsigned digit;
        if (*s >= '0' && *s <= '9')
            digit = (unsigned)(*s - '0');
        else if (base == 16 && *s >= 'a' && *s <= 'f')
            digit = (unsigned)(*s - 'a' + 10);
        else if (base == 16 && *s >= 'A' && *s <= 'F')
            digit = (unsigned)(*s - 'A' + 10);
        else
            return false;
        if (v > (UINT64_MAX - digit) / base)
            return false;
        v = v * base + digit;
    }
    *out = v;
    return true;
}

/* The handle table keeps every chunk it grows and the heap a slab of each
 * size class: grow and warm both before the snapshot, so the run's own
 * handles and objects add nothing that stays. */
static void warm_up(void)
{
    static cairn_handle_t dups[POOL_CAPACITY + 64];
    static uint8_t stack[64] __attribute__((aligned(16)));
    long n = cairn_notification_create();
    long e = cairn_endpoint_create();
    for (unsigned i = 0; i < POOL_CAPACITY + 64; i++)
        dups[i] = (cairn_handle_t)cairn_handle_duplicate(n, CAIRN_RIGHT_SIGNAL);
    for (unsigned i = 0; i < POOL_CAPACITY + 64; i++)
        cairn_handle_close(dups[i]);
    long minted = cairn_handle_mint(e, CAIRN_RIGHT_SIGNAL, 1);
    struct cairn_thread_params params = {
        .entry = (uint64_t)sysfuzz_stub_signal,
        .stack = (uint64_t)(stack + sizeof(stack)),
        .arg = (uint64_t)n,
        .priority = RT_PRIORITY_DEFAULT,
        .affinity = RT_AFFINITY_ANY,
    };
    long t = cairn_thread_create(CAIRN_PROCESS_SELF, &params);
    if (t > 0)
        cairn_notification_wait(n, UINT64_MAX);
    cairn_handle_close(t);
    cairn_handle_close(minted);
    cairn_handle_close(e);
    cairn_handle_close(n);
    /* The first ioport_enable gives the process its I/O bitmap for good. */
    long io = cairn_ioport_create(rt_startup_handle(CAIRN_AT_IOPORT_CONTROL), 0x80, 1);
    cairn_ioport_enable(io);
    cairn_handle_close(io);
    cairn_sleep(2 * MS);
}

/* The initial capabilities join the pool, pinned: the fuzzer keeps them
 * to the end (a revoke through them takes back only what it made). */
static void adopt_startup_handles(void)
{
    static const struct {
        uint64_t key;
        uint32_t type;
    } initial[] = {
        {CAIRN_AT_IRQ_CONTROL, CAIRN_OBJ_IRQ_CONTROL},
        {CAIRN_AT_IOPORT_CONTROL, CAIRN_OBJ_IOPORT_CONTROL},
        {CAIRN_AT_DEVICE_MEMORY, CAIRN_OBJ_DEVICE_MEMORY},
        {CAIRN_AT_INITRD, CAIRN_OBJ_MEMORY},
        {CAIRN_AT_KERNEL_LOG, CAIRN_OBJ_KERNEL_LOG},
    };
    for (unsigned i = 0; i < sizeof(initial) / sizeof(initial[0]); i++) {
        cairn_handle_t h = rt_startup_handle(initial[i].key);
        if (h)
            pool_add(h, initial[i].type, pool_new_object(), ROLE_NONE, true);
    }
}

static void print_summary(const struct fuzz_run *run, unsigned mapped, uint64_t ms)
{
    rt_printf("sysfuzz: %llu calls, seed %llu, results:", (unsigned long long)run->count,
              (unsigned long long)run->seed);
    stats_print_results();
    rt_printf("\nsysfuzz: calls made/ok by number:");
    stats_print_calls();
    rt_printf("\nsysfuzz: digest %#llx, %llu new handles, %u pages left mapped, %llu ms\n",
              (unsigned long long)run->digest, (unsigned long long)run->adopted, mapped,
              (unsigned long long)ms);
}

int main(int argc, char **argv)
{
    struct fuzz_run run = {.trace_from = UINT64_MAX};
    if (argc < 3 || argc > 4 || !parse_u64(argv[1], &run.seed) || !parse_u64(argv[2], &run.count) ||
        (argc == 4 && !parse_u64(argv[3], &run.trace_from))) {
        rt_printf("sysfuzz: error: usage: sysfuzz SEED COUNT [TRACE_FROM]\n");
        return 2;
    }
    layout_init(argv);
    struct cairn_system_info before;
    warm_up();
    cairn_system_info(&before);
    rt_printf("sysfuzz: seed %llu, %llu calls, %u CPUs, %u call numbers\n",
              (unsigned long long)run.seed, (unsigned long long)run.count, before.cpus,
              (unsigned)SYS_COUNT);
    args_init(before.cpus);
    adopt_startup_handles();
    if (!helpers_start(before.cpus))
        return 1;
    uint64_t started = (uint64_t)cairn_clock_get();
    fuzz_run(&run);
    uint64_t ms = ((uint64_t)cairn_clock_get() - started) / MS;
    fuzz_close_all();
    helpers_stop();
    unsigned mapped = rules_unmap_window();
    print_summary(&run, mapped, ms);
    bool ok = leak_check(&before) && run.misrouted == 0;
    if (!layout_readonly_intact()) {
        rt_printf("sysfuzz: BUG: the kernel wrote to a read-only page\n");
        ok = false;
    }
    return ok ? 0 : 1;
}
