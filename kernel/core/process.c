/*
 * process.c - creating, starting and ending user processes.
 */
#include <arch/cpu.h>
#include <arch/paging.h>
#include <arch/percpu.h>
#include <arch/timer.h>
#include <arch/trap.h>
#include <core/exec.h>
#include <core/initrd.h>
#include <core/launcher.h>
#include <core/log.h>
#include <core/panic.h>
#include <core/process.h>
#include <lib/format.h>
#include <lib/string.h>
#include <mm/kmalloc.h>

extern uint64_t boot_entry_tsc;

static uint32_t next_pid = 1;
static bool first_entry_done;

struct process *process_create(int argc, char *const argv[], const char **why)
{
    char path[64];
    size_t size;

    if (argc < 1) {
        *why = "no program name";
        return NULL;
    }
    fmt_snprintf(path, sizeof(path), "bin/%s", argv[0]);
    const void *image = initrd_find(path, &size, why);
    if (!image)
        return NULL;

    struct process *p = kzalloc(sizeof(*p));
    if (!p) {
        *why = "out of memory";
        return NULL;
    }
    p->root = paging_root_create();
    if (!p->root) {
        kfree(p);
        *why = "out of memory";
        return NULL;
    }
    if (exec_load_elf(p->root, image, size, &p->entry, why) < 0 ||
        exec_setup_stack(p->root, argc, argv, &p->stack, why) < 0) {
        paging_root_destroy(p->root);
        kfree(p);
        return NULL;
    }
    p->pid = next_pid++;
    strlcpy(p->name, argv[0], sizeof(p->name));
    return p;
}

static void report_first_entry(void)
{
    if (first_entry_done)
        return;
    first_entry_done = true;
    log_info("boot: first user instruction after %llu us",
             (unsigned long long)tsc_to_us(rdtsc() - boot_entry_tsc));
}

void process_start(struct process *p)
{
    struct trap_frame frame = {
        .rip = p->entry,
        .cs = USER_CS,
        .rflags = RFLAGS_IF,
        .rsp = p->stack,
        .ss = USER_DS,
    };
    this_cpu()->current = p;
    paging_switch(p->root);
    log_info("kernel: started %s pid %u", p->name, p->pid);
    report_first_entry();
    user_enter(&frame);
}

static void process_destroy(struct process *p)
{
    this_cpu()->current = NULL;
    paging_switch(paging_kernel_root());
    paging_root_destroy(p->root);
    kfree(p);
}

void process_exit_current(int status)
{
    struct process *p = this_cpu()->current;
    ASSERT(p, "a process exits only from its own system call");
    log_info("kernel: pid %u (%s) exited with status %d", p->pid, p->name, status);
    process_destroy(p);
    launcher_next();
}

void process_kill_current(const char *reason)
{
    struct process *p = this_cpu()->current;
    ASSERT(p, "a user fault happens only while a process runs");
    log_warn("kernel: killed pid %u (%s)", p->pid, reason);
    process_destroy(p);
    launcher_next();
}
