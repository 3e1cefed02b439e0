/*
 * bench - the in-guest microbenchmarks, run as a boot program:
 * `bench MODE [NAME...]`. MODE is the unit the TSC counts in under this
 * QEMU, `insns` (-icount) or `ticks`, and is only printed; the NAMEs pick
 * benchmarks (default: all, in the order of the benches section). Prints
 * one BENCH line per benchmark (see bench.h) and "bench: done" last;
 * tools/bench.py (make bench) waits for that line.
 */
#include "bench.h"

extern const struct bench *const __start_benches[], *const __stop_benches[];

static const struct bench *bench_find(const char *name)
{
    for (const struct bench *const *entry = __start_benches; entry < __stop_benches; entry++) {
        if (rt_strcmp((*entry)->name, name) == 0)
            return *entry;
    }
    return 0;
}

/* True when no names were given or b is one of them. */
static bool bench_selected(const struct bench *b, int count, char **names)
{
    if (count == 0)
        return true;
    for (int i = 0; i < count; i++) {
        if (rt_strcmp(b->name, names[i]) == 0)
            return true;
    }
    return false;
}

/* Checks every name before anything runs, so a typo costs no run time. */
static bool names_known(int count, char **names)
{
    bool known = true;
    for (int i = 0; i < count; i++) {
        if (!bench_find(names[i])) {
            rt_printf("bench: error: no benchmark named \"%s\"\n", names[i]);
            known = false;
        }
    }
    return known;
}

int main(int argc, char **argv)
{
    int failed = 0;

    if (argc < 2 || (rt_strcmp(argv[1], "insns") != 0 && rt_strcmp(argv[1], "ticks") != 0)) {
        rt_printf("bench: error: usage: bench insns|ticks [NAME...]\n");
        return 2;
    }
    if (!names_known(argc - 2, argv + 2))
        return 2;
    for (const struct bench *const *entry = __start_benches; entry < __stop_benches; entry++) {
        if (bench_selected(*entry, argc - 2, argv + 2) && !bench_run(*entry, argv[1]))
            failed++;
    }
    rt_puts("bench: done\n");
    return failed ? 1 : 0;
}
