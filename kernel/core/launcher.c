/*
 * launcher.c - the boot program list (see launcher.h).
 */
#include <arch/cpu.h>
#include <core/exec.h>
#include <core/launcher.h>
#include <core/log.h>
#include <core/process.h>
#include <lib/string.h>

#define RUN_LIST_MAX 512

static char run_list[RUN_LIST_MAX];
static size_t run_pos; /* boot CPU only */

/* Cuts the next entry out of run_list into argv (in place). */
static int next_entry(char *argv[])
{
    int argc = 0;
    char *p = run_list + run_pos;
    if (*p == '\0')
        return 0;
    argv[argc++] = p;
    for (; *p && *p != ','; p++) {
        if (*p == ':') {
            *p = '\0';
            if (argc < EXEC_MAX_ARGS)
                argv[argc++] = p + 1;
        }
    }
    if (*p == ',')
        *p++ = '\0';
    run_pos = (size_t)(p - run_list);
    return argc;
}

void launcher_next(void)
{
    char *argv[EXEC_MAX_ARGS];
    int argc;

    while ((argc = next_entry(argv)) > 0) {
        const char *why;
        struct process *p = process_create(argc, argv, &why);
        if (p)
            process_start(p);
        log_error("kernel: cannot start %s: %s", argv[0], why);
    }
    log_info("kernel: every boot program has ended; cpu 0 is idle");
    for (;;) {
        irq_enable();
        cpu_halt();
    }
}

void launcher_start(const char *list)
{
    strlcpy(run_list, list, sizeof(run_list));
    run_pos = 0;
    launcher_next();
}
