/*
 * process.c - the process object: building, starting and ending user
 * processes (see process.h). Its system calls are in process_syscalls.c.
 */
#include <arch/cpu.h>
#include <arch/layout.h>
#include <arch/percpu.h>
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
#include <core/startup.h>
#include <lib/format.h>
#include <lib/string.h>
#include <mm/kmalloc.h>
#include <object/cap.h>
#include <object/endpoint.h>
#include <object/ioport.h>
#include <object/notification.h>
#include <object/quota.h>

extern uint64_t boot_entry_tsc;

/* The process struct and its root page table, charged to the creator. */
#define PROCESS_CHARGE (sizeof(struct process) + PAGE_SIZE)

static uint32_t next_pid = 1; /* atomic */
static bool first_start_done; /* atomic */

/* What a process owns while it can run: its handles, its mappings and its
 * page tables. The quota stays until the struct goes, because objects
 * charged to it may outlive the process and a call may be looking at it. */
static void process_teardown(struct process *p)
{
    ioport_process_teardown(p);
    cap_table_destroy(&p->handles);
    foreign_process_destroy(p);
    /* With root 0 under the vm lock, no vm call can change the space any
     * more (object/vm.h). */
    bool irq = spin_lock(&p->vm.lock);
    uint64_t root = p->root;
    p->root = 0;
    spin_unlock(&p->vm.lock, irq);
    vm_space_teardown(&p->vm, p->quota); /* object pages leave with their objects */
    if (root)
        paging_root_destroy(root);
}

/* The first reason recorded is the one reported. p->lock held. */
static void record_exit(struct process *p, enum cairn_exit_reason reason, int64_t status)
{
    if (p->exit_reason != CAIRN_EXIT_NONE)
        return;
    p->exit_reason = (uint8_t)reason;
    p->exit_status = status;
}

/* Tears p down and tells its watchers; runs once, for the caller that set
 * p->ended. No locks held. */
static void process_end(struct process *p)
{
    struct process_watch fired[PROCESS_WATCH_MAX];
    process_teardown(p);
    bool irq = spin_lock(&p->lock);
    memcpy(fired, p->watches, sizeof(fired));
    memset(p->watches, 0, sizeof(p->watches));
    spin_unlock(&p->lock, irq);
    for (unsigned i = 0; i < PROCESS_WATCH_MAX; i++) {
        if (!fired[i].notification)
            continue;
        notification_signal(fired[i].notification, fired[i].bits);
        kobject_release(&fired[i].notification->obj);
    }
    if (p->boot_program)
        launcher_next();
}

void process_destroy_object(struct kobject *o)
{
    struct process *p = (struct process *)o;
    ASSERT(p->nthreads == 0, "every thread holds a reference to its process");
    if (!p->ended) { /* no thread ever ran: its last handle ends it */
        p->ended = true;
        p->exiting = true;
        record_exit(p, CAIRN_EXIT_KILLED, 0);
        process_end(p);
    }
    if (p->quota)
        kobject_release(&p->quota->obj);
    quota_uncharge_object(o);
    kfree(p);
}

enum cairn_error process_new(const char *name, struct quota *quota, struct quota *charge_to,
                             struct process **out)
{
    struct process *p = kzalloc(sizeof(*p));
    if (!p) {
        if (quota)
            kobject_release(&quota->obj);
        return CAIRN_E_NO_MEMORY;
    }
    kobject_init(&p->obj, CAIRN_OBJ_PROCESS);
    vm_space_init(&p->vm);
    strlcpy(p->name, name, sizeof(p->name));
    list_init(&p->threads);
    p->quota = quota;
    p->pid = __atomic_fetch_add(&next_pid, 1, __ATOMIC_RELAXED);
    enum cairn_error err = quota ? CAIRN_OK : CAIRN_E_NO_MEMORY;
    if (err == CAIRN_OK && charge_to)
        err = quota_charge_object(charge_to, &p->obj, PROCESS_CHARGE);
    if (err == CAIRN_OK && !(p->root = paging_root_create()))
        err = CAIRN_E_NO_MEMORY;
    if (err == CAIRN_OK)
        err = cap_table_init(&p->handles, &p->handle_ops, quota);
    if (err != CAIRN_OK) {
        kobject_release(&p->obj); /* the destructor frees what was built */
        return err;
    }
    *out = p;
    return CAIRN_OK;
}

struct process *process_create(int argc, char *const argv[], const char **why)
{
    char path[64];
    size_t size;
    uint64_t entry, stack;
    struct process *p;

    if (argc < 1) {
        *why = "no program name";
        return NULL;
    }
    fmt_snprintf(path, sizeof(path), "bin/%s", argv[0]);
    const void *image = initrd_find(path, &size, why);
    if (!image)
        return NULL;
    if (process_new(argv[0], quota_create(PROCESS_BOOT_QUOTA), NULL, &p) != CAIRN_OK) {
        *why = "out of memory";
        return NULL;
    }
    struct exec_aux aux[STARTUP_MAX_AUX];
    int naux = startup_grant(p, aux, why); /* boot programs get the initial capabilities */
    if (naux < 0 || exec_load_elf(p->root, image, size, &entry, why) < 0 ||
        exec_setup_stack(p->root, argc, argv, aux, (unsigned)naux, &stack, why) < 0) {
        kobject_release(&p->obj);
        return NULL;
    }
    p->main =
        thread_create_user(p, entry, stack, 0, 0, THREAD_PRIORITY_DEFAULT, THREAD_AFFINITY_ANY);
    if (!p->main || process_add_thread(p, p->main) != CAIRN_OK) {
        if (p->main) {
            p->main->state = THREAD_DEAD;
            thread_release(p->main);
        }
        kobject_release(&p->obj);
        *why = "out of memory for the main thread";
        return NULL;
    }
    p->boot_program = true;
    return p;
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
    kobject_release(&p->obj); /* the main thread holds the process now */
}

enum cairn_error process_add_thread(struct process *p, struct thread *t)
{
    bool irq = spin_lock(&p->lock);
    bool alive = !p->exiting;
    if (alive) {
        list_push_back(&p->threads, &t->process_link);
        p->nthreads++;
        p->started = true;
        kobject_retain(&p->obj);
    }
    spin_unlock(&p->lock, irq);
    return alive ? CAIRN_OK : CAIRN_E_PEER_DEAD;
}

enum cairn_error process_get(uint64_t reg, uint32_t rights, struct process **out)
{
    struct process *self = sched_current()->process;
    if (reg > UINT32_MAX)
        return CAIRN_E_BAD_HANDLE;
    if (reg == CAIRN_PROCESS_SELF) {
        kobject_retain(&self->obj);
        *out = self;
        return CAIRN_OK;
    }
    struct kobject *o;
    enum cairn_error err =
        cap_lookup(self, (cairn_handle_t)reg, CAIRN_OBJ_PROCESS, rights, &o, NULL);
    if (err == CAIRN_OK)
        *out = (struct process *)o;
    return err;
}

/* Marks p exiting and gets every thread of it but the caller into the
 * kernel, where it ends: blocked and stopped ones are woken, running ones
 * interrupted. p->lock held. */
static void begin_exit_locked(struct process *p)
{
    struct thread *self = sched_current();
    __atomic_store_n(&p->exiting, true, __ATOMIC_RELEASE);
    struct thread *t, *tmp;
    list_for_each_entry_safe(t, tmp, &p->threads, process_link)
    {
        if (t != self && !sched_wake(t, WAKE_KILLED))
            sched_kick_cpu(t->cpu);
    }
}

/* Ends the calling thread's process with reason and status. */
__attribute__((noreturn)) static void exit_current(enum cairn_exit_reason reason, int64_t status)
{
    struct process *p = sched_current()->process;
    ASSERT(p, "a process exits only from its own system call or fault");
    bool irq = spin_lock(&p->lock);
    record_exit(p, reason, status);
    begin_exit_locked(p);
    spin_unlock(&p->lock, irq);
    sched_exit_current();
}

void process_exit_current(int status)
{
    struct process *p = sched_current()->process;
    if (p->boot_program)
        log_info("kernel: pid %u (%s) exited with status %d", p->pid, p->name, status);
    exit_current(CAIRN_EXIT_STATUS, status);
}

void process_kill_current(const char *reason)
{
    struct process *p = sched_current()->process;
    /* A boot program's fault is news; a child's is its creator's to
     * report (process_info), and a fuzzer makes thousands of them. */
    if (p->boot_program)
        log_warn("kernel: killed pid %u (%s)", p->pid, reason);
    else
        log_debug("kernel: process %u (%s) faulted: %s", p->pid, p->name, reason);
    exit_current(CAIRN_EXIT_FAULTED, 0);
}

void process_kill(struct process *p)
{
    bool end_now = false;
    bool irq = spin_lock(&p->lock);
    if (!p->exiting) {
        record_exit(p, CAIRN_EXIT_KILLED, 0);
        begin_exit_locked(p);
        end_now = p->nthreads == 0;
        p->ended = end_now;
    }
    spin_unlock(&p->lock, irq);
    if (p == sched_current()->process)
        this_cpu()->exit_work = 1; /* the caller ends on its way out */
    if (end_now)
        process_end(p);
}

enum cairn_error process_watch(struct process *p, struct notification *n, uint64_t bits)
{
    enum cairn_error err = CAIRN_E_BUSY;
    bool irq = spin_lock(&p->lock);
    bool ended = p->ended;
    for (unsigned i = 0; !ended && err != CAIRN_OK && i < PROCESS_WATCH_MAX; i++) {
        if (!p->watches[i].notification) {
            kobject_retain(&n->obj);
            p->watches[i] = (struct process_watch){n, bits};
            err = CAIRN_OK;
        }
    }
    spin_unlock(&p->lock, irq);
    if (ended) {
        notification_signal(n, bits);
        err = CAIRN_OK;
    }
    return err;
}

void process_info(struct process *p, struct cairn_process_info *info)
{
    *info = (struct cairn_process_info){0};
    bool irq = spin_lock(&p->lock);
    info->state = p->ended     ? CAIRN_PROCESS_ENDED
                  : p->started ? CAIRN_PROCESS_RUNNING
                               : CAIRN_PROCESS_NEW;
    info->exit_reason = p->ended ? p->exit_reason : CAIRN_EXIT_NONE;
    info->exit_status = p->ended ? p->exit_status : 0;
    info->id = p->pid;
    info->threads = p->nthreads;
    spin_unlock(&p->lock, irq);
    irq = spin_lock(&p->quota->lock);
    info->quota_limit = p->quota->limit;
    info->quota_used = p->quota->used;
    spin_unlock(&p->quota->lock, irq);
    strlcpy(info->name, p->name, sizeof(info->name));
}

void process_check_exiting(void)
{
    struct thread *self = sched_current();
    if (self->process && process_exiting(self->process))
        sched_exit_current();
}

void process_return_to_user(void)
{
    process_check_exiting();
    if (__atomic_load_n(&sched_current()->suspend_requested, __ATOMIC_ACQUIRE)) {
        sched_stop_current();
        process_check_exiting();
    }
}

void process_reap_thread(struct thread *t)
{
    struct process *p = t->process;
    bool irq = spin_lock(&p->lock);
    list_remove(&t->process_link);
    bool last = --p->nthreads == 0;
    if (last) {
        record_exit(p, CAIRN_EXIT_STATUS, 0);
        __atomic_store_n(&p->exiting, true, __ATOMIC_RELEASE);
        p->ended = true;
    }
    spin_unlock(&p->lock, irq);
    endpoint_thread_exit(t);
    notification_thread_exit(t);
    thread_release(t);
    if (last)
        process_end(p);
    kobject_release(&p->obj); /* the thread's reference */
    kobject_reap();
}
