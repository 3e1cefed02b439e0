/*
 * syscall.c - system-call dispatch, and the calls that belong to no object:
 * the table itself is generated from kernel/syscalls.tbl.
 */
#include <arch/trap.h>
#include <arch/usercopy.h>
#include <cairn/abi.h>
#include <cairn/error.h>
#include <cairn/syscalls.h>
#include <core/log.h>
#include <core/process.h>
#include <core/sched.h>
#include <core/syscall_table.h>
#include <mm/frame.h>
#include <mm/kmalloc.h>
#include <arch/percpu.h>
#include <cairn/system.h>
#include <object/kobject.h>

/* All or nothing: the whole buffer is copied in before any of it is shown. */
SYSCALL_DEFINE(debug_write)
{
    uint64_t buf = a0, len = a1;
    if (len > CAIRN_DEBUG_WRITE_MAX)
        return -CAIRN_E_TOO_LARGE;
    if (len == 0)
        return 0;
    char *copy = kmalloc(len);
    if (!copy)
        return -CAIRN_E_NO_MEMORY;
    int err = copy_from_user(copy, buf, len);
    if (err == 0)
        log_write_raw(copy, len);
    kfree(copy);
    return err < 0 ? err : (int64_t)len;
}

SYSCALL_DEFINE(system_info)
{
    struct heap_stats heap;
    kmalloc_stats(&heap);
    struct cairn_system_info info = {
        .cpus = cpu_count,
        .frames_free = frame_free_count(),
        .frames_total = frame_total_count(),
        .heap_bytes = heap.bytes_in_use,
        .heap_pages = heap.pages_held,
    };
    return copy_to_user(a0, &info, sizeof(info));
}

SYSCALL_DEFINE(null)
{
    return 0;
}

SYSCALL_DEFINE(exit)
{
    process_exit_current((int)a0);
}

int syscall_exit_work(struct trap_frame *f);

/* The slow half of the SYSCALL return, when struct cpu's exit_work is set:
 * destroy objects released during the call, switch if a better thread
 * waits, end the thread if its process is exiting, stop it if it is to be
 * suspended. Returns 1 when the thread stopped: its registers may have
 * been written, so the entry path restores all of them from f (IRETQ)
 * instead of returning by SYSRET. */
int syscall_exit_work(struct trap_frame *f)
{
    this_cpu()->exit_work = 0;
    kobject_reap();
    sched_preempt_point();
    process_check_exiting();
    if (!__atomic_load_n(&sched_current()->suspend_requested, __ATOMIC_ACQUIRE))
        return 0;
    f->rcx = f->rip; /* what SYSRET would have left in them */
    f->r11 = f->rflags;
    process_return_to_user();
    return 1;
}

_Static_assert(offsetof(struct syscall_entry, handler) == 8 && sizeof(struct syscall_entry) == 24,
               "syscall_entry.S indexes the table with this layout");
