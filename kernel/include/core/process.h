/*
 * process.h - user processes: an address space and the threads that run in
 * it. In this provisional form a process is built from a program in the
 * initial ramdisk and has one thread.
 */
#ifndef CAIRN_CORE_PROCESS_H
#define CAIRN_CORE_PROCESS_H

#include <core/spinlock.h>
#include <core/thread.h>
#include <lib/list.h>
#include <object/handle_table.h>
#include <object/kobject.h>
#include <object/vm.h>
#include <stdint.h>

struct endpoint;
struct quota;

/* Kernel memory each boot program may cause to be allocated. */
#define PROCESS_BOOT_QUOTA (16u << 20)

#define PROCESS_NAME_MAX 32

struct process {
    struct kobject obj; /* one reference is held while any thread lives */
    uint32_t pid;
    uint64_t root; /* physical address of the PML4 */
    char name[PROCESS_NAME_MAX];
    struct spinlock lock;
    struct list threads;         /* lock */
    unsigned nthreads;           /* lock */
    struct thread *main;         /* the first thread, until it is started */
    struct handle_table handles; /* the cap lock (object/cap.h) */
    struct quota *quota;         /* what its objects are charged to */
    struct vm_space vm;          /* its mappings of memory objects (object/vm.h) */
    bool exiting;                /* set once by exit or a fatal fault; never cleared */
    struct endpoint *foreign_ep; /* lock: its system calls go here (core/foreign.h) */
    uint64_t foreign_badge;      /* lock: the badge of the handle that named it */
};

static inline bool process_exiting(const struct process *p)
{
    return __atomic_load_n(&p->exiting, __ATOMIC_ACQUIRE);
}

/* On the way back to ring 3: a thread of an exiting process ends here. */
void process_check_exiting(void);

/* Builds a process from the initial-ramdisk file bin/<argv[0]> with its
 * main thread ready to start. Returns NULL and *why when the program is
 * missing or not a valid executable, or memory ran out. */
struct process *process_create(int argc, char *const argv[], const char **why);

/* Makes the main thread runnable. */
void process_start(struct process *p);

uint64_t process_root(const struct process *p);

/* End the calling thread's process (from its system call or fault). */
__attribute__((noreturn)) void process_exit_current(int status);
__attribute__((noreturn)) void process_kill_current(const char *reason);

/* The scheduler hands over a dead thread once no CPU runs on its stack;
 * the last thread of a process takes the process with it. */
void process_reap_thread(struct thread *t);

#endif
