/*
 * process.c - creating, starting and ending user processes.
 */
#include <arch/cpu.h>
#include <arch/paging.h>
#include <arch/timer.h>
#include <core/exec.h>
#include <core/initrd.h>
#include <core/launcher.h>
#include <core/log.h>
#include <core/panic.h>
#include <core/foreign.h>
#include <core/process.h>
#include <core/sched.h>
#include <lib/format.h>
#include <lib/string.h>
#include <mm/kmalloc.h>
#include <object/cap.h>
#include <object/endpoint.h>
#include <object/quota.h>

extern uint64_t boot_entry_tsc;

static uint32_t next_pid = 1; /* atomic */
static bool first_start_done; /* atomic */

/* What a process owns while it can run: its address space, its handles
 * and its quota. Torn down when its last thread is reaped (or when creation
 * fails); the struct itself lives on while handles to it remain. */
static void process_teardown(struct process *p)
{
    cap_table_destroy(&p->handles);
    foreign_process_destroy(p);
    vm_space_teardown(&p->vm, p->quota); /* object pages leave with their objects */
    if (p->root)
        paging_root_destroy(p->root);
    p->root = 0;
    if (p->quota)
        kobject_release(&p->quota->obj);
    p->quota = NULL;
}

void process_destroy_object(struct kobject *o)
{
    kfree((struct process *)o);
}

/* Teardown, then drop the running reference; the object goes when the
 * last handle to it does. */
static void process_end(struct process *p)
{
    process_teardown(p);
    kobject_release(&p->obj);
    kobject_reap();
}

static struct process *process_alloc(const char *name, const char **why)
{
    struct process *p = kzalloc(sizeof(*p));
    if (!p) {
        *why = "out of memory";
        return NULL;
    }
    kobject_init(&p->obj, CAIRN_OBJ_PROCESS);
    vm_space_init(&p->vm);
    strlcpy(p->name, name, sizeof(p->name));
    list_init(&p->threads);
    p->root = paging_root_create();
    p->quota = quota_create(PROCESS_BOOT_QUOTA);
    if (!p->root || !p->quota || cap_table_init(&p->handles) != CAIRN_OK) {
        process_end(p);
        *why = "out of memory";
        return NULL;
    }
    return p;
}

struct process *process_create(int argc, char *const argv[], const char **why)
{
    char path[64];
    size_t size;
    uint64_t entry, stack;

    if (argc < 1) {
        *why = "no program name";
        return NULL;
    }
    fmt_snprintf(path, sizeof(path), "bin/%s", argv[0]);
    const void *image = initrd_find(path, &size, why);
    if (!image)
        return NULL;
    struct process *p = process_alloc(argv[0], why);
    if (!p)
        return NULL;
    if (exec_load_elf(p->root, image, size, &entry, why) < 0 ||
        exec_setup_stack(p->root, argc, argv, &stack, why) < 0) {
        process_end(p);
        return NULL;
    }
    p->main = thread_create_user(p, entry, stack, 0, THREAD_PRIORITY_DEFAULT, THREAD_AFFINITY_ANY);
    if (!p->main) {
        process_end(p);
        *why = "out of memory for the main thread";
        return NULL;
    }
    list_push_back(&p->threads, &p->main->process_link);
    p->nthreads = 1;
    p->pid = __atomic_fetch_add(&next_pid, 1, __ATOMIC_RELAXED);
    return p;
}

uint64_t process_root(const struct process *p)
{
    return p->root;
}

void process_start(struct process *p)
{
    log_info("kernel: started %s pid %u", p->name, p->pid);
    if (!__atomic_exchange_n(&first_start_done, true, __ATOMIC_RELAXED))
        log_info("boot: first user instruction after %llu us",
                 (unsigned long long)tsc_to_us(rdtsc() - boot_entry_tsc));
    struct thread *main = p->main;
    p->main = NULL;
    sched_make_runnable(main);
}

/* Marks p exiting and gets every other thread of it into the kernel, where
 * it ends: blocked ones are woken, running ones interrupted. */
static void process_begin_exit(struct process *p)
{
    struct thread *self = sched_current();
    __atomic_store_n(&p->exiting, true, __ATOMIC_RELEASE);
    bool irq = spin_lock(&p->lock);
    struct thread *t, *tmp;
    list_for_each_entry_safe(t, tmp, &p->threads, process_link)
    {
        if (t != self && !sched_wake(t, WAKE_KILLED))
            sched_kick_cpu(t->cpu);
    }
    spin_unlock(&p->lock, irq);
}

void process_exit_current(int status)
{
    struct process *p = sched_current()->process;
    ASSERT(p, "a process exits only from its own system call");
    log_info("kernel: pid %u (%s) exited with status %d", p->pid, p->name, status);
    process_begin_exit(p);
    sched_exit_current();
}

void process_kill_current(const char *reason)
{
    struct process *p = sched_current()->process;
    ASSERT(p, "a user fault happens only while a process runs");
    log_warn("kernel: killed pid %u (%s)", p->pid, reason);
    process_begin_exit(p);
    sched_exit_current();
}

void process_check_exiting(void)
{
    struct thread *self = sched_current();
    if (self->process && process_exiting(self->process))
        sched_exit_current();
}

void process_reap_thread(struct thread *t)
{
    struct process *p = t->process;
    bool irq = spin_lock(&p->lock);
    list_remove(&t->process_link);
    bool last = --p->nthreads == 0;
    spin_unlock(&p->lock, irq);
    endpoint_thread_exit(t);
    thread_release(t);
    if (last) {
        process_end(p);
        launcher_next();
    }
}
