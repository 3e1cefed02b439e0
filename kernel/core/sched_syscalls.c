/*
 * sched_syscalls.c - the system calls about time and the CPU: yield,
 * clock_get, sleep.
 */
#include <arch/cpu.h>
#include <arch/timer.h>
#include <core/sched.h>
#include <core/syscall_table.h>

extern uint64_t boot_entry_tsc;

SYSCALL_DEFINE(yield)
{
    sched_yield();
    return 0;
}

SYSCALL_DEFINE(clock_get)
{
    return (int64_t)tsc_to_ns(rdtsc() - boot_entry_tsc);
}

SYSCALL_DEFINE(sleep)
{
    uint64_t ns = a0;
    if (ns == 0) {
        sched_yield();
        return 0;
    }
    uint64_t deadline = tsc_after_ns(rdtsc(), ns);
    struct thread *self = sched_current();
    self->state = THREAD_BLOCKED;
    sched_block(deadline);
    return 0;
}
