/*
 * spawn.c - lib/spawn: a program started from the ramdisk sees exactly the
 * argv, envp and auxiliary vector it was given, holds the handed handles
 * with the rights asked for, and its exit status is reported; every
 * refused spawn leaves no process, handle or memory behind.
 */
#include "ktest.h"
#include "leak.h"

#include "../spawntest/spawntest.h"

#include <cairn/error.h>
#include <cairn/handle.h>
#include <cairn/process.h>
#include <cairn/startup.h>
#include <cairn/vm.h>
#include <spawn/spawn.h>

#define INITRD_VA 0x1c0000000000ull /* a gigabyte no other test maps */
#define QUOTA     (1ull << 20)
#define DONE_BIT  1ull
#define SECOND    1000000000ull
#define LONG_ARG  1100 /* SPAWN_MAX_STRINGS of these overflow the stack */

static char *const ARGV[] = {"spawntest", "alpha", "two words, one arg"};
static char *const ENVP[] = {"SPAWN=1", "EMPTY="};

struct fixture {
    long initrd;   /* the ramdisk handle, as the kernel gave it */
    uint64_t size; /* its archive's bytes */
    uint64_t mapped;
    long notify; /* handed to the child with SIGNAL */
    struct spawn_handle handles[2];
    struct spawn_aux values[1];
    struct spawn_params params;
};

static bool fixture_init(struct fixture *f)
{
    *f = (struct fixture){.initrd = rt_startup_handle(CAIRN_AT_INITRD)};
    EXPECT_TRUE(rt_startup_value(CAIRN_AT_INITRD_SIZE, &f->size));
    f->mapped = (f->size + CAIRN_PAGE_SIZE - 1) & ~(CAIRN_PAGE_SIZE - 1);
    f->notify = cairn_notification_create();
    EXPECT_TRUE(f->notify > 0);
    long va = cairn_vm_map(CAIRN_PROCESS_SELF, f->initrd, 0, INITRD_VA, f->mapped, CAIRN_PROT_READ);
    EXPECT_EQ(va, INITRD_VA);
    if (f->notify <= 0 || va != (long)INITRD_VA)
        return false;
    f->handles[0] =
        (struct spawn_handle){f->initrd, CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP, CAIRN_AT_INITRD};
    f->handles[1] = (struct spawn_handle){f->notify, CAIRN_RIGHT_SIGNAL, SPAWNTEST_AT_NOTIFY};
    f->values[0] = (struct spawn_aux){CAIRN_AT_INITRD_SIZE, f->size};
    f->params = (struct spawn_params){
        .initrd = (const void *)INITRD_VA,
        .initrd_size = f->size,
        .path = "bin/spawntest",
        .argc = 3,
        .argv = ARGV,
        .envc = 2,
        .envp = ENVP,
        .handles = f->handles,
        .nhandles = 2,
        .values = f->values,
        .nvalues = 1,
        .quota = QUOTA,
        .priority = RT_PRIORITY_DEFAULT,
        .affinity = CAIRN_AFFINITY_ANY,
    };
    return true;
}

static void fixture_free(struct fixture *f)
{
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, INITRD_VA, f->mapped), 0);
    EXPECT_EQ(cairn_handle_close(f->notify), 0);
}

/* Waits for r's process to end; returns its exit status, or -1. */
static int64_t wait_exit(const struct spawn_result *r)
{
    struct cairn_process_info info;
    long done = cairn_notification_create();
    EXPECT_EQ(cairn_process_watch(r->process, done, DONE_BIT), 0);
    EXPECT_EQ(cairn_notification_wait(done, 10 * SECOND), DONE_BIT);
    EXPECT_EQ(cairn_process_info(r->process, &info), 0);
    EXPECT_EQ(info.state, CAIRN_PROCESS_ENDED);
    EXPECT_EQ(info.exit_reason, CAIRN_EXIT_STATUS);
    cairn_handle_close(done);
    return info.exit_reason == CAIRN_EXIT_STATUS ? info.exit_status : -1;
}

KTEST(spawn_child_sees_its_start_up_block, KTEST_QUICK)
{
    struct fixture f;
    struct spawn_result r = {0};

    if (!fixture_init(&f))
        return;
    EXPECT_EQ(spawn_program(&f.params, &r), 0);
    EXPECT_TRUE(r.process > 0 && r.thread > 0);
    EXPECT_EQ(wait_exit(&r), SPAWNTEST_PASSED);
    EXPECT_EQ(cairn_notification_wait(f.notify, 0), SPAWNTEST_BIT);
    EXPECT_EQ(cairn_handle_close(r.thread), 0);
    EXPECT_EQ(cairn_handle_close(r.process), 0);

    /* The same program with another argv fails its first check. */
    char *const other[] = {"spawntest", "beta", "two words, one arg"};
    f.params.argv = other;
    f.params.name = "spawntest-other";
    EXPECT_EQ(spawn_program(&f.params, &r), 0);
    EXPECT_EQ(wait_exit(&r), 100);
    cairn_handle_close(r.thread);
    cairn_handle_close(r.process);
    fixture_free(&f);
}

/* A one-file archive whose file "bad" is not an executable. */
static const char BAD_ARCHIVE[] = "070701"
                                  "00000001000081a4000000000000000000000001"
                                  "00000000000000080000000000000000"
                                  "000000000000000000000004"
                                  "00000000"
                                  "bad\0\0\0"
                                  "notanelf";

static char long_arg[LONG_ARG];

/* Expects p to be refused with code and to leave kernel memory as it was. */
static void expect_refused(const struct spawn_params *p, enum cairn_error code)
{
    struct spawn_result r = {0};
    struct cairn_system_info before;

    cairn_system_info(&before);
    EXPECT_ERR(spawn_program(p, &r), code);
    EXPECT_TRUE(r.process == 0 && r.thread == 0);
    EXPECT_TRUE(kt_memory_back_to(&before));
}

KTEST(spawn_errors_leave_nothing_behind, KTEST_QUICK)
{
    struct fixture f;
    struct spawn_params p;

    if (!fixture_init(&f))
        return;
    /* Let the reaper finish whatever earlier tests left, so memory is quiet. */
    cairn_sleep(200000000);

    p = f.params;
    p.path = "bin/no-such-program";
    expect_refused(&p, CAIRN_E_NOT_FOUND);

    p = f.params;
    p.initrd = BAD_ARCHIVE;
    p.initrd_size = sizeof(BAD_ARCHIVE) - 1;
    p.path = "bad";
    expect_refused(&p, CAIRN_E_INVALID_ARGUMENT);

    p = f.params;
    p.argc = 0;
    expect_refused(&p, CAIRN_E_INVALID_ARGUMENT);
    p = f.params;
    p.argv = NULL;
    expect_refused(&p, CAIRN_E_INVALID_ARGUMENT);
    p = f.params;
    p.initrd = NULL;
    expect_refused(&p, CAIRN_E_INVALID_ARGUMENT);

    struct spawn_handle keyless[1] = {{f.notify, CAIRN_RIGHT_SIGNAL, 0}};
    p = f.params;
    p.handles = keyless;
    p.nhandles = 1;
    expect_refused(&p, CAIRN_E_INVALID_ARGUMENT);
    struct spawn_aux pagesz[1] = {{6, 8192}};
    p = f.params;
    p.values = pagesz;
    expect_refused(&p, CAIRN_E_INVALID_ARGUMENT);

    p = f.params;
    p.nhandles = SPAWN_MAX_HANDLES + 1;
    expect_refused(&p, CAIRN_E_TOO_LARGE);
    p = f.params;
    p.nvalues = SPAWN_MAX_VALUES + 1;
    expect_refused(&p, CAIRN_E_TOO_LARGE);
    p = f.params;
    p.envc = SPAWN_MAX_STRINGS;
    expect_refused(&p, CAIRN_E_TOO_LARGE);

    /* Strings that do not fit in the stack: found after the process, its
     * segments and its handles were made. */
    char *long_argv[SPAWN_MAX_STRINGS];
    for (int i = 0; i < LONG_ARG - 1; i++)
        long_arg[i] = 'x';
    for (int i = 0; i < SPAWN_MAX_STRINGS; i++)
        long_argv[i] = long_arg;
    p = f.params;
    p.argc = SPAWN_MAX_STRINGS;
    p.argv = long_argv;
    p.envc = 0;
    expect_refused(&p, CAIRN_E_TOO_LARGE);

    /* Handles that cannot be handed: stale, without TRANSFER, or asked
     * for more rights than they have. */
    struct spawn_handle bad[1] = {{f.notify, CAIRN_RIGHT_SIGNAL, SPAWNTEST_AT_NOTIFY}};
    p = f.params;
    p.handles = bad;
    p.nhandles = 1;
    long dup = cairn_handle_duplicate(f.notify, CAIRN_RIGHT_SIGNAL);
    EXPECT_TRUE(dup > 0);
    bad[0].handle = dup;
    expect_refused(&p, CAIRN_E_ACCESS_DENIED);
    EXPECT_EQ(cairn_handle_close(dup), 0);
    bad[0].handle = dup;
    expect_refused(&p, CAIRN_E_BAD_HANDLE);
    bad[0] = (struct spawn_handle){f.notify, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_MANAGE,
                                   SPAWNTEST_AT_NOTIFY};
    expect_refused(&p, CAIRN_E_ACCESS_DENIED);

    /* A quota too small for the process itself, and a priority above ours. */
    p = f.params;
    p.quota = 0;
    expect_refused(&p, CAIRN_E_QUOTA);
    p = f.params;
    p.priority = 64;
    expect_refused(&p, CAIRN_E_INVALID_ARGUMENT);
    fixture_free(&f);
}
