/*
 * thread_syscalls.c - creating, controlling and ending threads from user
 * space: thread_create, thread_control, thread_exit.
 */
#include <arch/context.h>
#include <arch/cpu.h>
#include <arch/layout.h>
#include <arch/percpu.h>
#include <arch/trap.h>
#include <arch/usercopy.h>
#include <cairn/error.h>
#include <cairn/process.h>
#include <core/process.h>
#include <core/sched.h>
#include <core/syscall_table.h>
#include <object/cap.h>
#include <object/quota.h>

#define THREAD_RIGHTS                                                                              \
    (CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE | CAIRN_RIGHT_MANAGE | CAIRN_RIGHT_DUPLICATE |           \
     CAIRN_RIGHT_TRANSFER | CAIRN_RIGHT_REVOKE)

/* What a thread costs its process's quota: the struct and its kernel stack. */
#define THREAD_CHARGE (sizeof(struct thread) + KERNEL_STACK_SIZE)

/* RFLAGS bit 1 is always set; IF keeps interrupts on in ring 3. */
#define RFLAGS_FIXED (RFLAGS_IF | 2ull)

_Static_assert(THREAD_AFFINITY_ANY == CAIRN_AFFINITY_ANY, "one value means any CPU");

/* A user address a register may hold on entry to ring 3: below USER_TOP,
 * so canonical and never at the SYSRET boundary. */
static bool user_address(uint64_t va)
{
    return va <= USER_TOP;
}

static enum cairn_error check_params(const struct cairn_thread_params *tp,
                                     const struct thread *self)
{
    if (!user_address(tp->entry) || tp->entry == USER_TOP || !user_address(tp->stack) ||
        !user_address(tp->fs_base))
        return CAIRN_E_BAD_ADDRESS;
    if (tp->priority >= THREAD_PRIORITIES || (tp->flags & ~CAIRN_THREAD_FLAGS_ALL) || tp->reserved)
        return CAIRN_E_INVALID_ARGUMENT;
    if (tp->affinity != THREAD_AFFINITY_ANY && tp->affinity >= cpu_count)
        return CAIRN_E_INVALID_ARGUMENT;
    if (tp->priority > self->priority)
        return CAIRN_E_ACCESS_DENIED; /* no thread can raise itself through a child */
    return CAIRN_OK;
}

/* Builds, charges and adds the thread, and gives the caller a handle. */
static int64_t thread_spawn(struct process *target, const struct cairn_thread_params *tp)
{
    struct process *self = sched_current()->process;
    struct thread *t = thread_create_user(target, tp->entry, tp->stack, tp->arg, tp->fs_base,
                                          (uint8_t)tp->priority, tp->affinity);
    if (!t)
        return -CAIRN_E_NO_MEMORY;
    enum cairn_error err = quota_charge_object(target->quota, &t->obj, THREAD_CHARGE);
    cairn_handle_t h = CAIRN_HANDLE_NONE;
    if (err == CAIRN_OK) {
        kobject_retain(&t->obj); /* the handle's reference */
        err = cap_install(self, &t->obj, THREAD_RIGHTS, 0, &h);
        if (err != CAIRN_OK)
            kobject_release(&t->obj);
    }
    if (err == CAIRN_OK && tp->flags & CAIRN_THREAD_SUSPENDED)
        sched_park_new(t);
    if (err == CAIRN_OK)
        err = process_add_thread(target, t);
    if (err != CAIRN_OK) {
        if (h != CAIRN_HANDLE_NONE)
            cap_close(self, h);
        t->state = THREAD_DEAD;
        thread_release(t);
        return -(int64_t)err;
    }
    if (!(tp->flags & CAIRN_THREAD_SUSPENDED))
        sched_make_runnable(t);
    return h;
}

SYSCALL_DEFINE(thread_create)
{
    struct cairn_thread_params tp;
    struct process *target;
    if (copy_from_user(&tp, a1, sizeof(tp)) != 0)
        return -CAIRN_E_BAD_ADDRESS;
    enum cairn_error err = check_params(&tp, sched_current());
    if (err == CAIRN_OK)
        err = process_get(a0, CAIRN_RIGHT_MANAGE, &target);
    if (err != CAIRN_OK)
        return -(int64_t)err;
    int64_t ret = thread_spawn(target, &tp);
    kobject_release(&target->obj);
    return ret;
}

/* The thread's own FS base: recorded for later switches and loaded now,
 * with interrupts off so that a switch between the two cannot load the
 * old value back. */
SYSCALL_DEFINE(thread_fs_base_set)
{
    if (!user_address(a0))
        return -CAIRN_E_BAD_ADDRESS;
    bool irq = irq_save();
    sched_current()->fs_base = a0;
    context_load_fs_base(this_cpu(), a0);
    irq_restore(irq);
    return 0;
}

SYSCALL_DEFINE(thread_exit)
{
    sched_exit_current();
}

static void regs_read(struct thread *t, void *ctx)
{
    const struct trap_frame *f = thread_user_frame(t);
    *(struct cairn_thread_regs *)ctx = (struct cairn_thread_regs){
        .rax = f->rax,
        .rbx = f->rbx,
        .rcx = f->rcx,
        .rdx = f->rdx,
        .rsi = f->rsi,
        .rdi = f->rdi,
        .rbp = f->rbp,
        .rsp = f->rsp,
        .r8 = f->r8,
        .r9 = f->r9,
        .r10 = f->r10,
        .r11 = f->r11,
        .r12 = f->r12,
        .r13 = f->r13,
        .r14 = f->r14,
        .r15 = f->r15,
        .rip = f->rip,
        .rflags = f->rflags,
        .fs_base = t->fs_base,
    };
}

static void regs_write(struct thread *t, void *ctx)
{
    const struct cairn_thread_regs *r = ctx;
    struct trap_frame *f = thread_user_frame(t);
    f->rax = r->rax, f->rbx = r->rbx, f->rcx = r->rcx, f->rdx = r->rdx;
    f->rsi = r->rsi, f->rdi = r->rdi, f->rbp = r->rbp, f->rsp = r->rsp;
    f->r8 = r->r8, f->r9 = r->r9, f->r10 = r->r10, f->r11 = r->r11;
    f->r12 = r->r12, f->r13 = r->r13, f->r14 = r->r14, f->r15 = r->r15;
    f->rip = r->rip;
    f->rflags = (r->rflags & CAIRN_RFLAGS_USER) | RFLAGS_FIXED;
    t->fs_base = r->fs_base; /* loaded when the thread is next switched to */
}

static int64_t control_regs(struct thread *t, uint64_t op, uint64_t ptr)
{
    struct cairn_thread_regs regs;
    if (op == CAIRN_THREAD_READ_REGS) {
        if (!sched_with_stopped(t, regs_read, &regs))
            return t->state == THREAD_DEAD ? -CAIRN_E_PEER_DEAD : -CAIRN_E_BUSY;
        return copy_to_user(ptr, &regs, sizeof(regs));
    }
    if (copy_from_user(&regs, ptr, sizeof(regs)) != 0)
        return -CAIRN_E_BAD_ADDRESS;
    if (!user_address(regs.rip) || regs.rip == USER_TOP || !user_address(regs.rsp) ||
        !user_address(regs.fs_base))
        return -CAIRN_E_BAD_ADDRESS;
    if (!sched_with_stopped(t, regs_write, &regs))
        return t->state == THREAD_DEAD ? -CAIRN_E_PEER_DEAD : -CAIRN_E_BUSY;
    return 0;
}

static int64_t control_info(struct thread *t, uint64_t ptr)
{
    bool suspended;
    struct cairn_thread_info info = {0};
    info.state = sched_thread_state(t, &suspended);
    info.suspended = suspended;
    info.id = t->tid;
    return copy_to_user(ptr, &info, sizeof(info));
}

/* The right each operation needs. */
static const uint32_t OP_RIGHTS[] = {
    [CAIRN_THREAD_SUSPEND] = CAIRN_RIGHT_MANAGE, [CAIRN_THREAD_RESUME] = CAIRN_RIGHT_MANAGE,
    [CAIRN_THREAD_READ_REGS] = CAIRN_RIGHT_READ, [CAIRN_THREAD_WRITE_REGS] = CAIRN_RIGHT_WRITE,
    [CAIRN_THREAD_INFO] = CAIRN_RIGHT_READ,
};

SYSCALL_DEFINE(thread_control)
{
    uint64_t op = a1, ptr = a2;
    struct kobject *o;
    if (a0 > UINT32_MAX)
        return -CAIRN_E_BAD_HANDLE;
    if (op >= sizeof(OP_RIGHTS) / sizeof(OP_RIGHTS[0]))
        return -CAIRN_E_INVALID_ARGUMENT;
    enum cairn_error err = cap_lookup(sched_current()->process, (cairn_handle_t)a0,
                                      CAIRN_OBJ_THREAD, OP_RIGHTS[op], &o, NULL);
    if (err != CAIRN_OK)
        return -(int64_t)err;
    struct thread *t = (struct thread *)o;
    int64_t ret;
    switch (op) {
    case CAIRN_THREAD_SUSPEND:
        ret = -(int64_t)sched_suspend(t);
        break;
    case CAIRN_THREAD_RESUME:
        ret = -(int64_t)sched_resume(t);
        break;
    case CAIRN_THREAD_INFO:
        ret = control_info(t, ptr);
        break;
    default:
        ret = control_regs(t, op, ptr);
        break;
    }
    kobject_release(o);
    return ret;
}
