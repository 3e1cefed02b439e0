/*
 * ktest - the kernel's in-guest test suite, run as a boot program:
 * `ktest quick` (make test) or `ktest full`. Prints one line per test and
 * ends with "ktest: N passed, N failed".
 */
#include "ktest.h"
#include "threads.h"

extern const struct ktest *const __start_ktests[], *const __stop_ktests[];

static const struct ktest *running;
static bool running_failed;

void ktest_fail(const char *file, int line, const char *expr, long long expected, long long got)
{
    running_failed = true;
    rt_printf("ktest: %s: %s:%d: %s: expected %lld, got %lld\n", running->name, file, line, expr,
              expected, got);
}

int main(int argc, char **argv)
{
    enum ktest_mode mode = KTEST_QUICK;
    int passed = 0, failed = 0;

    if (argc > 1 && rt_strcmp(argv[1], "full") == 0)
        mode = KTEST_FULL;
    else if (argc > 1 && rt_strcmp(argv[1], "quick") != 0) {
        rt_printf("ktest: unknown mode \"%s\" (quick or full)\n", argv[1]);
        return 2;
    }
    rt_printf("ktest: running the %s suite\n", mode == KTEST_FULL ? "full" : "quick");
    for (const struct ktest *const *entry = __start_ktests; entry < __stop_ktests; entry++) {
        const struct ktest *t = *entry;
        if (t->mode == KTEST_FULL && mode != KTEST_FULL)
            continue;
        running = t;
        running_failed = false;
        kt_reset();
        t->run();
        rt_printf("ktest: %s %s\n", running_failed ? "FAIL" : "PASS", t->name);
        if (running_failed)
            failed++;
        else
            passed++;
    }
    rt_printf("ktest: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
