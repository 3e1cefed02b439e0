/*
 * launcher.c - the boot program list (see launcher.h).
 */
#include <core/exec.h>
#include <core/launcher.h>
#include <core/log.h>
#include <core/process.h>
#include <core/spinlock.h>
#include <lib/string.h>
#include <mm/frame.h>
#include <mm/kmalloc.h>

#define RUN_LIST_MAX 2048
/* Memory use is compared from this program on: by then every heap size
 * class the boot programs use has a cached slab, so any later growth is a
 * leak. */
#define BASELINE_PROGRAM 2

struct memory_use {
    size_t frames_free;
    size_t heap_bytes;
};

static struct spinlock launcher_lock = SPINLOCK_INIT;
static char run_list[RUN_LIST_MAX];
static size_t run_pos;             /* launcher_lock */
static unsigned programs_ended;    /* launcher_lock */
static struct memory_use baseline; /* launcher_lock */

static void memory_use_now(struct memory_use *m)
{
    struct heap_stats heap;
    kmalloc_stats(&heap);
    m->frames_free = frame_free_count();
    m->heap_bytes = heap.bytes_in_use;
}

/* A spawn/exit loop must leave memory as it found it: say how it stands. */
static void report_memory_use(void)
{
    struct memory_use now;
    if (programs_ended <= BASELINE_PROGRAM)
        return;
    memory_use_now(&now);
    log_info("kernel: boot programs done: free frames %zu after program %u, %zu after program %u; "
             "heap bytes in use %zu after program %u, %zu after program %u",
             baseline.frames_free, BASELINE_PROGRAM, now.frames_free, programs_ended,
             baseline.heap_bytes, BASELINE_PROGRAM, now.heap_bytes, programs_ended);
}

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

/* Starts the next program that can be started; at the end of the list,
 * reports. Caller holds launcher_lock. */
static void run_next_program(void)
{
    char *argv[EXEC_MAX_ARGS];
    int argc;

    while ((argc = next_entry(argv)) > 0) {
        const char *why;
        struct process *p = process_create(argc, argv, &why);
        if (p) {
            process_start(p);
            return;
        }
        log_error("kernel: cannot start %s: %s", argv[0], why);
    }
    report_memory_use();
    log_info("kernel: every boot program has ended");
}

void launcher_next(void)
{
    bool irq = spin_lock(&launcher_lock);
    if (++programs_ended == BASELINE_PROGRAM)
        memory_use_now(&baseline);
    run_next_program();
    spin_unlock(&launcher_lock, irq);
}

void launcher_start(const char *list)
{
    if (strlcpy(run_list, list, sizeof(run_list)) >= sizeof(run_list))
        log_error("kernel: the run list is longer than %zu bytes; running only its start",
                  sizeof(run_list) - 1);
    run_pos = 0;
    bool irq = spin_lock(&launcher_lock);
    run_next_program();
    spin_unlock(&launcher_lock, irq);
}
