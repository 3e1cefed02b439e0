/*
 * linux.c - the Linux system calls (linux.h). Each takes the call's
 * arguments and returns what Linux would: a result or -errno.
 */
#include "linux.h"

#include <cairn/process.h>
#include <rt/rt.h>

/* Linux x86_64 system-call numbers (arch/x86/entry/syscalls/syscall_64.tbl). */
enum {
    LINUX_WRITE = 1,
    LINUX_IOCTL = 16,
    LINUX_WRITEV = 20,
    LINUX_GETPID = 39,
    LINUX_EXIT = 60,
    LINUX_ARCH_PRCTL = 158,
    LINUX_SET_TID_ADDRESS = 218,
    LINUX_EXIT_GROUP = 231,
};

/* errno values (include/uapi/asm-generic/errno-base.h). */
enum {
    LINUX_EBADF = 9,
    LINUX_EFAULT = 14,
    LINUX_EINVAL = 22,
    LINUX_ENOTTY = 25,
    LINUX_ENOSYS = 38,
};

#define LINUX_ARCH_SET_FS 0x1002
#define LINUX_IOV_MAX     1024
#define LINUX_PID         1 /* each personality process is alone in its pid namespace */
#define CHUNK             512

static struct linux_result ret(int64_t value)
{
    return (struct linux_result){.value = (uint64_t)value};
}

/* Copies len bytes at addr in the process to the console: stdout and
 * stderr both go there for now. Returns the bytes written or -errno. */
static int64_t write_out(struct linux_process *lp, uint64_t addr, uint64_t len)
{
    char buf[CHUNK];
    uint64_t done = 0;
    while (done < len) {
        uint64_t n = len - done < CHUNK ? len - done : CHUNK;
        if (cairn_vm_read(lp->process, addr + done, buf, n) < 0)
            return done ? (int64_t)done : -LINUX_EFAULT;
        cairn_debug_write(buf, n);
        done += n;
    }
    return (int64_t)done;
}

static bool is_console(uint64_t fd)
{
    return fd == 1 || fd == 2;
}

static int64_t linux_write(struct linux_process *lp, const struct linux_call *c)
{
    if (!is_console(c->a0))
        return -LINUX_EBADF;
    return write_out(lp, c->a1, c->a2);
}

static int64_t linux_writev(struct linux_process *lp, const struct linux_call *c)
{
    struct {
        uint64_t base, len;
    } iov;
    int64_t total = 0;
    if (!is_console(c->a0))
        return -LINUX_EBADF;
    if (c->a2 > LINUX_IOV_MAX)
        return -LINUX_EINVAL;
    for (uint64_t i = 0; i < c->a2; i++) {
        if (cairn_vm_read(lp->process, c->a1 + i * sizeof(iov), &iov, sizeof(iov)) < 0)
            return -LINUX_EFAULT;
        int64_t n = write_out(lp, iov.base, iov.len);
        if (n < 0)
            return total ? total : n;
        total += n;
    }
    return total;
}

/* ARCH_SET_FS: the thread is stopped for us while its call is forwarded,
 * so its FS base is set through its registers. */
static int64_t linux_arch_prctl(struct linux_process *lp, const struct linux_call *c)
{
    struct cairn_thread_regs regs;
    if (c->a0 != LINUX_ARCH_SET_FS)
        return -LINUX_EINVAL;
    if (cairn_thread_control(lp->thread, CAIRN_THREAD_READ_REGS, &regs) < 0)
        return -LINUX_EFAULT;
    regs.fs_base = c->a1;
    if (cairn_thread_control(lp->thread, CAIRN_THREAD_WRITE_REGS, &regs) < 0)
        return -LINUX_EFAULT;
    return 0;
}

struct linux_result linux_syscall(struct linux_process *lp, const struct linux_call *c)
{
    switch (c->nr) {
    case LINUX_WRITE:
        return ret(linux_write(lp, c));
    case LINUX_WRITEV:
        return ret(linux_writev(lp, c));
    case LINUX_IOCTL:
        return ret(-LINUX_ENOTTY);
    case LINUX_GETPID:
        return ret(LINUX_PID);
    case LINUX_ARCH_PRCTL:
        return ret(linux_arch_prctl(lp, c));
    case LINUX_SET_TID_ADDRESS:
        return ret(LINUX_PID);
    case LINUX_EXIT:
    case LINUX_EXIT_GROUP:
        return (struct linux_result){.exit = true, .value = c->a0 & 0xff};
    default:
        rt_printf("posix: %s: system call %lu is not implemented (ENOSYS)\n", lp->name,
                  (unsigned long)c->nr);
        return ret(-LINUX_ENOSYS);
    }
}
