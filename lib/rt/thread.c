/*
 * thread.c - thread blocks, and starting and ending threads (see
 * rt/thread.h and docs/runtime.md).
 *
 * An ending thread cannot free the stack it runs on: rt_thread_exit puts
 * its block on a list of ended threads and sets `ended` as its last store
 * before the thread_exit system call, which uses no user stack; whoever
 * calls rt_thread_reap later frees the blocks whose `ended` is set.
 */
#include <cairn/process.h>
#include <cairn/syscalls.h>
#include <rt/ipc.h>
#include <rt/mutex.h>
#include <rt/rt.h>
#include <rt/thread.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_SPACE 128u /* at the top of a stack: the block, aligned */
#define STACK_MIN   1024u
#define STACK_MAX   (1ull << 30)

_Static_assert(sizeof(struct rt_thread) <= BLOCK_SPACE, "the block fits its space");

/* At RT_MAIN_THREAD_BLOCK (rt/thread.h), already pointing to itself. */
static struct rt_thread main_thread __attribute__((section(".rt_main_thread"), aligned(64))) = {
    .self = &main_thread,
    .handle = CAIRN_HANDLE_NONE,
};

static struct rt_mutex ended_lock = RT_MUTEX_INIT;
static struct rt_thread *ended_list; /* under ended_lock */
static unsigned blocks_live;         /* under ended_lock: allocated, not yet freed */

void rt_thread_main_init(void)
{
    cairn_thread_fs_base_set((uint64_t)&main_thread);
}

long rt_thread_attach(struct rt_thread *t)
{
    memset(t, 0, sizeof(*t));
    t->self = t;
    t->handle = CAIRN_HANDLE_NONE;
    return cairn_thread_fs_base_set((uint64_t)t);
}

/* Every runtime thread starts here, its FS base and RDI at its block. */
static __attribute__((noreturn)) void thread_entry(uint64_t arg)
{
    struct rt_thread *t = (struct rt_thread *)arg;
    t->fn(t->arg);
    rt_thread_exit();
}

/* Lays a zeroed block out at the top of [base, base + size). */
static struct rt_thread *block_place(uint8_t *base, size_t size)
{
    uint64_t at = ((uint64_t)base + size - BLOCK_SPACE) & ~(uint64_t)63;
    struct rt_thread *t = (struct rt_thread *)at;
    memset(t, 0, sizeof(*t));
    t->self = t;
    t->handle = CAIRN_HANDLE_NONE;
    return t;
}

/* Creates the thread stopped, records its handle in the block, starts it. */
static long thread_launch(struct rt_thread *t, unsigned priority, uint32_t affinity)
{
    /* As if thread_entry had been called: RSP + 8 is 16-byte aligned. */
    struct cairn_thread_params params = {
        .entry = (uint64_t)thread_entry,
        .stack = ((uint64_t)t & ~15ull) - 8,
        .arg = (uint64_t)t,
        .fs_base = (uint64_t)t,
        .priority = priority,
        .affinity = affinity,
        .flags = CAIRN_THREAD_SUSPENDED,
    };
    long h = cairn_thread_create(CAIRN_PROCESS_SELF, &params);
    if (h < 0)
        return h;
    t->handle = (cairn_handle_t)h;
    long r = cairn_thread_control((cairn_handle_t)h, CAIRN_THREAD_RESUME, 0);
    if (r < 0) {
        /* Cannot happen with the handle just made (it has MANAGE). The
         * thread stays stopped for good, never touching its block, so the
         * caller may free it. */
        cairn_handle_close((cairn_handle_t)h);
        return r;
    }
    return h;
}

/* Counts blocks allocated (1) or freed (-1); counted before the thread
 * starts, so that rt_thread_reap never sees it freed before it counted. */
static void blocks_count(int delta)
{
    rt_mutex_lock(&ended_lock);
    blocks_live += (unsigned)delta;
    rt_mutex_unlock(&ended_lock);
}

long rt_thread_start(void (*fn)(uint64_t), uint64_t arg, void *stack, size_t stack_size,
                     unsigned priority, uint32_t affinity)
{
    void *block = NULL;
    if (stack && stack_size < STACK_MIN)
        return -CAIRN_E_INVALID_ARGUMENT;
    if (!stack) {
        rt_thread_reap();
        if (stack_size == 0)
            stack_size = RT_STACK_DEFAULT;
        if (stack_size > STACK_MAX)
            return -CAIRN_E_TOO_LARGE;
        stack_size = (stack_size + BLOCK_SPACE + 63) & ~(size_t)63;
        block = stack = aligned_alloc(64, stack_size);
        if (!block)
            return -CAIRN_E_NO_MEMORY;
        blocks_count(1);
    }
    struct rt_thread *t = block_place(stack, stack_size);
    t->fn = fn;
    t->arg = arg;
    t->block = block;
    long h = thread_launch(t, priority, affinity);
    if (h < 0 && block) {
        free(block);
        blocks_count(-1);
    }
    return h;
}

/* The last instructions of a thread whose stack is to be freed: marks the
 * block ended and makes thread_exit, touching no memory in between. */
static __attribute__((noreturn)) void thread_end(uint32_t *ended)
{
    __asm__ volatile("movl $1, (%1)\n\t"
                     "syscall"
                     :
                     : "a"((long)SYS_THREAD_EXIT), "r"(ended)
                     : "rcx", "r11", "memory");
    __builtin_unreachable();
}

void rt_thread_exit(void)
{
    struct rt_thread *t = rt_thread_self();
    if (t->own_buffer) {
        rt_ipc_buffer_set(NULL);
        free(t->own_buffer);
        t->own_buffer = NULL;
    }
    if (!t->block)
        cairn_thread_exit();
    rt_thread_reap();
    rt_mutex_lock(&ended_lock);
    t->next = ended_list;
    ended_list = t;
    rt_mutex_unlock(&ended_lock);
    thread_end(&t->ended);
}

unsigned rt_thread_reap(void)
{
    struct rt_thread *done = NULL;
    rt_mutex_lock(&ended_lock);
    for (struct rt_thread **link = &ended_list; *link;) {
        struct rt_thread *t = *link;
        if (__atomic_load_n(&t->ended, __ATOMIC_ACQUIRE)) {
            *link = t->next;
            t->next = done;
            done = t;
            blocks_live--;
        } else {
            link = &t->next;
        }
    }
    unsigned live = blocks_live;
    rt_mutex_unlock(&ended_lock);
    while (done) {
        struct rt_thread *next = done->next;
        free(done->block); /* the block lies in it: read next first */
        done = next;
    }
    return live;
}
