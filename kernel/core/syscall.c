/*
 * syscall.c - the provisional system calls of this stage (see
 * include/cairn/syscall.h and docs/syscalls.md).
 */
#include <arch/trap.h>
#include <arch/usercopy.h>
#include <cairn/error.h>
#include <cairn/syscall.h>
#include <core/log.h>
#include <core/process.h>
#include <core/sched.h>

#include <mm/kmalloc.h>

/* All or nothing: the whole buffer is copied in before any of it is shown. */
static int64_t sys_debug_write(uint64_t buf, uint64_t len)
{
    if (len > SYS_DEBUG_WRITE_MAX)
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

void syscall_dispatch(struct trap_frame *f);

void syscall_dispatch(struct trap_frame *f)
{
    switch (f->rax) {
    case SYS_DEBUG_WRITE:
        f->rax = (uint64_t)sys_debug_write(f->rdi, f->rsi);
        break;
    case SYS_EXIT:
        process_exit_current((int)f->rdi);
    default:
        f->rax = (uint64_t)-CAIRN_E_INVALID_SYSCALL;
        break;
    }
    sched_preempt_point();
}
