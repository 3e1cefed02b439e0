/*
 * rt/thread.h - the native runtime's threads and their thread blocks
 * (docs/runtime.md, "Threads").
 *
 * Every thread the runtime knows has a thread block, struct rt_thread,
 * that its FS base points at: the first word of the block points to the
 * block itself (the System V TLS ABI's thread pointer, variant II's
 * self-pointer), so `mov %fs:0, reg` finds it in one instruction. The
 * block holds what must be per thread: errno, the thread's IPC buffer
 * (rt_ipc_buffer in <rt/ipc.h>) and its handle.
 *
 * Threads that have a block: the initial thread (its block is static, at
 * RT_MAIN_THREAD_BLOCK; crt0 points the FS base at it before main), threads started with
 * rt_thread_start, and threads that called rt_thread_attach. A thread started any other way (a raw
 * thread_create, a thread in a copy of the program) has FS base 0 and must call rt_thread_attach
 * before it touches errno, rt_ipc_buffer, rt_ipc_buffer_set, or the IDL stubs and server loop (it
 * faults otherwise).
 */
#ifndef CAIRN_RT_THREAD_H
#define CAIRN_RT_THREAD_H

#include <cairn/handle.h>
#include <cairn/ipc.h>
#include <stddef.h>
#include <stdint.h>

struct rt_thread {
    struct rt_thread *self; /* %fs:0: this block */
    /* The page named with ipc_buffer_set through rt_ipc_buffer_set or
     * rt_ipc_buffer, or 0 while there is none. Only the thread itself
     * reads and writes it (as the fields below unless said otherwise). */
    struct cairn_ipc_buffer *ipc_buffer;
    struct cairn_ipc_buffer *own_buffer; /* the one rt_ipc_buffer allocated, or 0 */
    int err;                             /* errno */
    /* The handle rt_thread_start returned (the starter's: valid while it
     * keeps it open), or CAIRN_HANDLE_NONE (the initial thread, an
     * attached one). Written before the thread runs. */
    cairn_handle_t handle;
    void (*fn)(uint64_t); /* what rt_thread_start runs, with arg */
    uint64_t arg;
    void *block;            /* the stack and this block from malloc, or 0: not the runtime's */
    struct rt_thread *next; /* in the list of ended threads (under the list's lock) */
    uint32_t ended;         /* atomic: set last, once the thread no longer uses its stack */
};

/* The calling thread's block (read through FS: see above). */
static inline struct rt_thread *rt_thread_self(void)
{
    struct rt_thread *t;
    __asm__ volatile("mov %%fs:0, %0" : "=r"(t));
    return t;
}

/*
 * Where the initial thread's block lies in every native program (the
 * linker places section .rt_main_thread here: USER_LDFLAGS in the
 * Makefile). One address for all programs because the kernel writes the
 * FS base on a switch only when it changes: a call and its reply between
 * two programs' initial threads (single-threaded services and their
 * clients, the common case) then cost no FS base write, where different
 * addresses would add one on each switch of the IPC fast path. Below
 * 2 GiB so that code built for the small model reaches it.
 */
#define RT_MAIN_THREAD_BLOCK 0x7ffff000ull

/* The stack rt_thread_start allocates when given none and no size. */
#define RT_STACK_DEFAULT (64u << 10)

/* Starts fn(arg) in a new thread of this process (not suspended), with its
 * own thread block. With stack NULL the runtime allocates the stack
 * (stack_size bytes, RT_STACK_DEFAULT when 0) and the block with malloc
 * and frees both after the thread ends; otherwise the thread runs on the
 * caller's stack memory [stack, stack + stack_size), whose top 128 bytes
 * hold the block, and the memory stays the caller's. fn ends the thread by
 * returning or calling rt_thread_exit; a thread that calls
 * cairn_thread_exit directly leaks its IPC buffer and allocated stack.
 * Returns the thread handle or a negative error: as thread_create, and
 * INVALID_ARGUMENT (stack given and stack_size below 1 KiB), NO_MEMORY
 * (the allocation). */
long rt_thread_start(void (*fn)(uint64_t), uint64_t arg, void *stack, size_t stack_size,
                     unsigned priority, uint32_t affinity);

/* Ends the calling thread: names no IPC buffer, frees the one
 * rt_ipc_buffer allocated, hands an allocated stack to rt_thread_reap,
 * then thread_exit. In the initial thread, as thread_exit (the process
 * ends with its last thread). */
__attribute__((noreturn)) void rt_thread_exit(void);

/* Frees the stacks and blocks of the threads rt_thread_start allocated
 * that have ended (rt_thread_start and rt_thread_exit call it too), and
 * returns how many such blocks are still not freed: threads still
 * running, or ending but not yet past their last instruction on their
 * stack (a later call frees those). */
unsigned rt_thread_reap(void);

/* Makes t (memory the caller keeps while the thread lives; zeroed here)
 * the calling thread's block and points its FS base at it: for a thread
 * the runtime did not start, such as the initial thread of a copy of the
 * program (which may reuse its copy of RT_MAIN_THREAD_BLOCK). Call it first: code in the same
 * function may have read the old FS base. Returns 0 or the error of thread_fs_base_set. */
long rt_thread_attach(struct rt_thread *t);

/* Makes the initial thread's block: crt0 calls it before main. */
void rt_thread_main_init(void);

#endif
