/*
 * cairn/process.h - processes and threads created and controlled from user
 * space: the structures and constants of process_create, thread_create,
 * thread_control, process_info, vm_read and vm_write (see
 * docs/syscalls.md). Values are ABI: append, never renumber.
 */
#ifndef CAIRN_PROCESS_H
#define CAIRN_PROCESS_H

#include <cairn/handle.h>
#include <stdint.h>

/* As a process argument: the calling process itself, with every right. */
#define CAIRN_PROCESS_SELF CAIRN_HANDLE_NONE

/* Longest process name, in bytes, without a terminating NUL. */
#define CAIRN_PROCESS_NAME_MAX 31

/* Most bytes one vm_read or vm_write copies. */
#define CAIRN_VM_ACCESS_MAX 16384u

/* Any online CPU, for cairn_thread_params.affinity. */
#define CAIRN_AFFINITY_ANY 0xffffffffu

/* cairn_thread_params.flags */
#define CAIRN_THREAD_SUSPENDED (1u << 0) /* create it stopped: thread_control RESUME starts it */
#define CAIRN_THREAD_FLAGS_ALL CAIRN_THREAD_SUSPENDED

/* What thread_create needs to start a thread. */
struct cairn_thread_params {
    uint64_t entry;    /* RIP at entry: a user address */
    uint64_t stack;    /* RSP at entry: a user address (or the top of user space) */
    uint64_t arg;      /* RDI at entry */
    uint64_t fs_base;  /* FS base (TLS): a user address, or 0 */
    uint32_t priority; /* 0 .. 63, at most the caller's */
    uint32_t affinity; /* a CPU index, or CAIRN_AFFINITY_ANY */
    uint32_t flags;    /* CAIRN_THREAD_* */
    uint32_t reserved; /* 0 */
};

/* thread_control operations. */
enum cairn_thread_op {
    CAIRN_THREAD_SUSPEND = 0,    /* MANAGE: stop it at its next return to user mode */
    CAIRN_THREAD_RESUME = 1,     /* MANAGE: let a suspended thread run again */
    CAIRN_THREAD_READ_REGS = 2,  /* READ: ptr is a struct cairn_thread_regs to fill */
    CAIRN_THREAD_WRITE_REGS = 3, /* WRITE: ptr is the struct cairn_thread_regs to load */
    CAIRN_THREAD_INFO = 4,       /* READ: ptr is a struct cairn_thread_info to fill */
};

/* A thread's user registers, as a stopped thread will resume with them. */
struct cairn_thread_regs {
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rip;
    uint64_t rflags; /* only CAIRN_RFLAGS_USER bits are written */
    uint64_t fs_base;
};

/* The flags WRITE_REGS changes: CF PF AF ZF SF DF OF. */
#define CAIRN_RFLAGS_USER 0x0cd5ull

enum cairn_thread_state {
    CAIRN_THREAD_RUNNING = 0, /* running or ready to run */
    CAIRN_THREAD_BLOCKED = 1, /* waiting inside a system call */
    CAIRN_THREAD_STOPPED = 2, /* suspended: its registers may be read and written */
    CAIRN_THREAD_DEAD = 3,    /* ended */
};

struct cairn_thread_info {
    uint32_t state;     /* enum cairn_thread_state */
    uint32_t suspended; /* 1 while a suspension is requested (it may not have stopped yet) */
    uint64_t id;        /* the kernel's thread id, for logs */
};

enum cairn_process_state {
    CAIRN_PROCESS_NEW = 0,     /* created, no thread has run in it yet */
    CAIRN_PROCESS_RUNNING = 1, /* it has threads */
    CAIRN_PROCESS_ENDED = 2,   /* ended: its memory, handles and threads are gone */
};

enum cairn_exit_reason {
    CAIRN_EXIT_NONE = 0,    /* has not ended */
    CAIRN_EXIT_STATUS = 1,  /* exit (status), or its last thread ended (status 0) */
    CAIRN_EXIT_KILLED = 2,  /* process_kill */
    CAIRN_EXIT_FAULTED = 3, /* a fault no one handled */
};

/* What process_info reports. */
struct cairn_process_info {
    uint32_t state;       /* enum cairn_process_state */
    uint32_t exit_reason; /* enum cairn_exit_reason */
    int64_t exit_status;  /* the exit status, for CAIRN_EXIT_STATUS */
    uint32_t id;          /* the kernel's process id, for logs */
    uint32_t threads;     /* threads alive */
    uint64_t quota_limit; /* bytes of kernel memory it may use */
    uint64_t quota_used;
    char name[CAIRN_PROCESS_NAME_MAX + 1];
};

#endif
