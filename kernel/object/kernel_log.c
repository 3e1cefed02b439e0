/*
 * kernel_log.c - the kernel log capability and log_read (see kernel_log.h).
 */
#include <arch/usercopy.h>
#include <cairn/error.h>
#include <core/log_ring.h>
#include <core/panic.h>
#include <core/process.h>
#include <core/sched.h>
#include <core/syscall_table.h>
#include <mm/kmalloc.h>
#include <object/cap.h>
#include <object/kernel_log.h>

static struct kobject kernel_log = {
    .refs = 1, /* the kernel's: never destroyed */
    .type = CAIRN_OBJ_KERNEL_LOG,
    .reap_link = LIST_INIT(kernel_log.reap_link),
};

struct kobject *kernel_log_object(void)
{
    return &kernel_log;
}

void kernel_log_destroy_object(struct kobject *o)
{
    (void)o;
    panic("kernel_log: the kernel log lost the kernel's reference");
}

/* log_read(log, seq, buf, len, pos): see kernel/syscalls.tbl. */
SYSCALL_DEFINE(log_read)
{
    struct process *p = sched_current()->process;
    struct kobject *log;
    struct cairn_log_position pos;

    if (a0 > UINT32_MAX)
        return -CAIRN_E_BAD_HANDLE;
    enum cairn_error err =
        cap_lookup(p, (cairn_handle_t)a0, CAIRN_OBJ_KERNEL_LOG, CAIRN_RIGHT_READ, &log, NULL);
    if (err != CAIRN_OK)
        return -(int64_t)err;
    kobject_release(log); /* the kernel log is never destroyed */
    uint64_t seq = a1, buf = a2, len = a3;
    if (len > CAIRN_LOG_READ_MAX)
        return -CAIRN_E_TOO_LARGE;
    if (len != 0 && len < CAIRN_LOG_RECORD_MAX)
        return -CAIRN_E_INVALID_ARGUMENT;
    if (seq > log_ring_next())
        return -CAIRN_E_INVALID_ARGUMENT;
    if ((len && !user_range_ok(buf, len)) || !user_range_ok(a4, sizeof(pos)))
        return -CAIRN_E_BAD_ADDRESS;
    if (len == 0) {
        log_ring_copy(seq, NULL, 0, &pos);
        return copy_to_user(a4, &pos, sizeof(pos)) < 0 ? -CAIRN_E_BAD_ADDRESS : 0;
    }
    char *copy = kmalloc(len);
    if (!copy)
        return -CAIRN_E_NO_MEMORY;
    size_t used = log_ring_copy(seq, copy, len, &pos);
    int rc = copy_to_user(buf, copy, used);
    kfree(copy);
    if (rc == 0)
        rc = copy_to_user(a4, &pos, sizeof(pos));
    return rc < 0 ? rc : (int64_t)used;
}
