/*
 * process.h - user processes: an address space, a handle table and a
 * quota, and the threads that run in them.
 *
 * A process is built empty (process_new) by process_create(2) or, from a
 * program in the initial ramdisk, by the boot-program launcher. It ends
 * once: when its last thread ends, when a thread calls exit, when it is
 * killed (process_kill or a fatal fault), or - if no thread ever ran in it
 * - when the last reference goes. Ending tears down its handles, mappings
 * and page tables, records why it ended and signals its watchers; the
 * struct lives on while handles to it remain, and its quota until then
 * too.
 *
 * References: every handle, every thread of the process (until it is
 * reaped), and system calls between looking it up and finishing.
 */
#ifndef CAIRN_CORE_PROCESS_H
#define CAIRN_CORE_PROCESS_H

#include <cairn/error.h>
#include <cairn/process.h>
#include <core/spinlock.h>
#include <core/thread.h>
#include <lib/list.h>
#include <object/handle_table.h>
#include <object/kobject.h>
#include <object/vm.h>
#include <stdint.h>

struct endpoint;
struct quota;
struct iopb;
struct notification;

/* Kernel memory each boot program may cause to be allocated. */
#define PROCESS_BOOT_QUOTA (16u << 20)

#define PROCESS_NAME_MAX (CAIRN_PROCESS_NAME_MAX + 1)

/* Notifications one process can signal when it ends (process_watch). */
#define PROCESS_WATCH_MAX 4

struct process_watch {
    struct notification *notification; /* a reference is held; NULL: slot free */
    uint64_t bits;
};

struct process {
    struct kobject obj;
    uint32_t pid;
    uint64_t root; /* physical address of the PML4; vm.lock; 0 once ended */
    char name[PROCESS_NAME_MAX];
    struct spinlock lock;
    struct list threads;          /* lock */
    unsigned nthreads;            /* lock */
    struct thread *main;          /* boot programs: the first thread, until it is started */
    struct handle_table handles;  /* the cap lock (object/cap.h) */
    struct handle_ops handle_ops; /* the table's, charging its chunks to quota; fixed */
    struct quota *quota;          /* what its objects are charged to; held until destroyed */
    struct vm_space vm;           /* its mappings of memory objects (object/vm.h) */
    struct iopb *iopb;            /* its I/O ports, or NULL (object/ioport.h); read by the switch */
    bool exiting;                 /* lock to set; set once by its end, exit, kill or a fault */
    bool started;                 /* lock: a thread was ever added */
    bool ended;                   /* lock: set by whoever then tears it down (once) */
    bool boot_program;            /* fixed: its end starts the next boot program */
    uint8_t exit_reason;          /* lock: enum cairn_exit_reason, set once */
    int64_t exit_status;          /* lock */
    struct process_watch watches[PROCESS_WATCH_MAX]; /* lock */
    struct endpoint *foreign_ep;  /* lock: its system calls go here (core/foreign.h) */
    uint64_t foreign_badge;       /* lock: the badge of the handle that named it */
};

static inline bool process_exiting(const struct process *p)
{
    return __atomic_load_n(&p->exiting, __ATOMIC_ACQUIRE);
}

/* On the way back to ring 3: a thread of an exiting process ends here. */
void process_check_exiting(void);

/* On the way back to ring 3, with every user register in the thread's
 * frame: ends the thread if its process is exiting, and stops it while a
 * suspension is requested (thread_control). */
void process_return_to_user(void);

/* A new process with an empty address space and handle table, named
 * `name` (truncated to PROCESS_NAME_MAX - 1), whose objects are charged
 * to `quota` (the caller's reference passes to the process, whatever the
 * result). The process struct and its root page table are charged to
 * `charge_to` (NULL: nothing). Errors: NO_MEMORY, QUOTA. */
enum cairn_error process_new(const char *name, struct quota *quota, struct quota *charge_to,
                             struct process **out);

/* Builds a process from the initial-ramdisk file bin/<argv[0]> with its
 * main thread ready to start. Returns NULL and *why when the program is
 * missing or not a valid executable, or memory ran out. */
struct process *process_create(int argc, char *const argv[], const char **why);

/* Makes the main thread of a boot program runnable; the launcher's
 * reference passes to it. */
void process_start(struct process *p);

static inline uint64_t process_root(const struct process *p)
{
    return p->root;
}

/* Adds a new thread (not yet runnable) to p, which it holds a reference
 * to until it is reaped. CAIRN_E_PEER_DEAD when p is ending or ended. */
enum cairn_error process_add_thread(struct process *p, struct thread *t);

/* The process a process-handle argument names, with `rights`, and a new
 * reference the caller drops: CAIRN_PROCESS_SELF is the caller's own.
 * Errors as cap_lookup() (BAD_HANDLE for a value above 32 bits). */
enum cairn_error process_get(uint64_t reg, uint32_t rights, struct process **out);

/* Ends p as killed (process_kill): at once if it has no thread, else as
 * soon as each thread of it is back in the kernel. Idempotent. */
void process_kill(struct process *p);

/* Signals `bits` on n when p ends (at once if it has). CAIRN_E_BUSY when
 * PROCESS_WATCH_MAX watches are set already. Takes a reference to n. */
enum cairn_error process_watch(struct process *p, struct notification *n, uint64_t bits);

void process_info(struct process *p, struct cairn_process_info *info);

/* End the calling thread's process (from its system call or fault). */
__attribute__((noreturn)) void process_exit_current(int status);
__attribute__((noreturn)) void process_kill_current(const char *reason);

/* The scheduler hands over a dead thread once no CPU runs on its stack;
 * the last thread of a process takes the process with it. */
void process_reap_thread(struct thread *t);

#endif
