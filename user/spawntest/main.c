/*
 * spawntest - the program the spawn ktests (user/ktest/spawn.c) start with
 * lib/spawn: it checks the argv, envp and auxiliary vector it was given
 * and the capabilities behind them, signals the notification it was
 * handed, and exits with SPAWNTEST_PASSED, or with 100 + the number of the
 * first failed check (printing which).
 */
#include "spawntest.h"

#include <cairn/handle.h>
#include <cairn/startup.h>
#include <cairn/vm.h>
#include <rt/rt.h>
#include <stdlib.h>

#define AT_PAGESZ 6
#define INITRD_VA 0x200000000000ull

extern const uint64_t *rt_startup_block;

static bool same(const char *a, const char *b)
{
    return a && b && rt_strcmp(a, b) == 0;
}

static bool args_ok(int argc, char **argv)
{
    return argc == 3 && same(argv[0], "spawntest") && same(argv[1], "alpha") &&
           same(argv[2], "two words, one arg") && argv[3] == NULL;
}

static bool env_ok(int argc)
{
    char *const *envp = (char *const *)(rt_startup_block + 1 + argc + 1);
    return same(envp[0], "SPAWN=1") && same(envp[1], "EMPTY=") && envp[2] == NULL;
}

/* getenv finds the same entries by name, and nothing else. */
static bool getenv_ok(void)
{
    return same(getenv("SPAWN"), "1") && same(getenv("EMPTY"), "") && !getenv("SPAW") &&
           !getenv("SPAWN=1") && !getenv("S") && !getenv("") && !getenv("HOME");
}

/* The ramdisk handle is a memory object with exactly READ and MAP, and
 * maps to an archive of the size passed beside it. */
static bool initrd_ok(void)
{
    struct cairn_handle_info info;
    uint64_t size = 0;
    cairn_handle_t h = rt_startup_handle(CAIRN_AT_INITRD);

    if (h == CAIRN_HANDLE_NONE || cairn_handle_info(h, &info) != 0 ||
        info.type != CAIRN_OBJ_MEMORY || info.rights != (CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP))
        return false;
    if (!rt_startup_value(CAIRN_AT_INITRD_SIZE, &size) || size == 0)
        return false;
    uint64_t mapped = (size + CAIRN_PAGE_SIZE - 1) & ~(CAIRN_PAGE_SIZE - 1);
    if (cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, INITRD_VA, mapped, CAIRN_PROT_READ) !=
        (long)INITRD_VA)
        return false;
    const char *p = (const char *)INITRD_VA;
    return p[0] == '0' && p[1] == '7' && p[2] == '0' && p[3] == '7' && p[4] == '0' && p[5] == '1';
}

/* Nothing under the keys of capabilities it was not given. */
static bool nothing_else(void)
{
    return rt_startup_handle(CAIRN_AT_IRQ_CONTROL) == CAIRN_HANDLE_NONE &&
           rt_startup_handle(CAIRN_AT_IOPORT_CONTROL) == CAIRN_HANDLE_NONE &&
           rt_startup_handle(CAIRN_AT_DEVICE_MEMORY) == CAIRN_HANDLE_NONE;
}

int main(int argc, char **argv)
{
    uint64_t page = 0;
    cairn_handle_t notify = rt_startup_handle(SPAWNTEST_AT_NOTIFY);
    const bool checks[] = {
        args_ok(argc, argv),
        env_ok(argc),
        getenv_ok(),
        rt_startup_value(AT_PAGESZ, &page) && page == CAIRN_PAGE_SIZE,
        initrd_ok(),
        nothing_else(),
        notify != CAIRN_HANDLE_NONE && cairn_notification_signal(notify, SPAWNTEST_BIT) == 0,
    };

    for (unsigned i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
        if (!checks[i]) {
            rt_printf("spawntest: check %u failed\n", i);
            return 100 + (int)i;
        }
    }
    return SPAWNTEST_PASSED;
}
