/*
 * thread.c - creating and freeing threads and their kernel stacks.
 */
#include <arch/context.h>
#include <arch/cpu.h>
#include <arch/layout.h>
#include <arch/trap.h>
#include <core/panic.h>
#include <core/thread.h>
#include <mm/frame.h>
#include <mm/kmalloc.h>
#include <object/fault.h>
#include <object/quota.h>

static uint32_t next_tid = 1; /* atomic */

static void thread_init_common(struct thread *t)
{
    kobject_init(&t->obj, CAIRN_OBJ_THREAD);
    t->tid = __atomic_fetch_add(&next_tid, 1, __ATOMIC_RELAXED);
    t->state = THREAD_RUNNABLE;
    list_init(&t->run_link);
    list_init(&t->sleep_link);
    list_init(&t->process_link);
    list_init(&t->wait_link);
}

struct thread *thread_create_user(struct process *p, uint64_t entry, uint64_t stack, uint64_t arg,
                                  uint64_t fs_base, uint8_t priority, uint32_t affinity)
{
    struct thread *t = kzalloc(sizeof(*t));
    if (!t)
        return NULL;
    /* Until the thread is set up, a failure frees the struct directly. */
    uint64_t stack_phys = frame_alloc_run(KERNEL_STACK_SIZE / PAGE_SIZE, 1, 0);
    if (!stack_phys) {
        kfree(t);
        return NULL;
    }
    thread_init_common(t);
    t->process = p;
    t->priority = priority < THREAD_PRIORITIES ? priority : THREAD_PRIORITIES - 1;
    t->affinity = affinity;
    t->fs_base = fs_base;
    fpu_state_init(&t->fpu);
    t->kernel_stack = (uint64_t)phys_to_virt(stack_phys);
    t->kernel_stack_top = t->kernel_stack + KERNEL_STACK_SIZE;

    struct trap_frame frame = {
        .rip = entry,
        .cs = USER_CS,
        .rflags = RFLAGS_IF,
        .rsp = stack,
        .ss = USER_DS,
        .rdi = arg,
    };
    t->saved_rsp = context_init_user(t->kernel_stack_top, &frame);
    return t;
}

struct thread *thread_create_idle(unsigned cpu)
{
    struct thread *t = kzalloc(sizeof(*t));
    if (!t)
        panic("thread: out of memory for cpu %u's idle thread", cpu);
    thread_init_common(t);
    t->priority = 0;
    t->affinity = cpu;
    t->cpu = cpu;
    return t;
}

void thread_release(struct thread *t)
{
    ASSERT(t->state == THREAD_DEAD, "only dead threads give up their stack");
    ASSERT(t->process, "idle threads live for ever");
    frame_free_run(virt_to_phys((void *)t->kernel_stack), KERNEL_STACK_SIZE / PAGE_SIZE);
    t->kernel_stack = 0;
    kobject_release(&t->obj);
}

void thread_destroy_object(struct kobject *o)
{
    fault_thread_destroy((struct thread *)o);
    quota_uncharge_object(o);
    kfree(o);
}

struct trap_frame *thread_user_frame(struct thread *t)
{
    return (struct trap_frame *)(t->kernel_stack + KERNEL_STACK_SIZE - sizeof(struct trap_frame));
}
