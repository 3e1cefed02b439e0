/*
 * posix - the Linux personality (DESIGN §8), in its first form: it runs one
 * unmodified static Linux x86_64 program from the initial ramdisk in a new
 * process marked with the foreign-ABI hook, and serves that program's
 * system calls until it ends.
 *
 *   posix PATH [ARG...]      e.g. run=posix:linux/hello
 *
 * PATH names a file of the ramdisk; the program sees argv = PATH ARG....
 * Prints "posix: NAME exited with status N" (or how it ended) and exits
 * with the program's status.
 */
#include "linux.h"
#include "load.h"

#include <cairn/error.h>
#include <cairn/foreign.h>
#include <cairn/process.h>
#include <cairn/startup.h>
#include <cairn/vm.h>
#include <lib/cpio.h>
#include <rt/ipc.h>
#include <rt/rt.h>

#define INITRD_VADDR  0x200000000000ull
#define HANDLER_BADGE 1
#define EXIT_BIT      1u

/* The ramdisk, mapped read-only here; NULL with a message when missing. */
static const void *initrd_map(size_t *size)
{
    cairn_handle_t initrd = rt_startup_handle(CAIRN_AT_INITRD);
    uint64_t bytes = 0;
    if (initrd == CAIRN_HANDLE_NONE || !rt_startup_value(CAIRN_AT_INITRD_SIZE, &bytes) || !bytes) {
        rt_printf("posix: error: no initial ramdisk capability\n");
        return NULL;
    }
    *size = bytes;
    long r = cairn_vm_map(CAIRN_PROCESS_SELF, initrd, 0, INITRD_VADDR, (*size + 4095) & ~4095ull,
                          CAIRN_PROT_READ);
    if (r < 0) {
        rt_printf("posix: error: cannot map the ramdisk (%ld)\n", r);
        return NULL;
    }
    return (const void *)INITRD_VADDR;
}

/* Marks lp's process so that its system calls come to endpoint, and has
 * its end signalled on exited. */
static long attach(struct linux_process *lp, cairn_handle_t endpoint, cairn_handle_t exited)
{
    long badged = cairn_handle_mint(endpoint, CAIRN_RIGHT_SIGNAL, HANDLER_BADGE);
    if (badged < 0)
        return badged;
    long r = cairn_process_set_syscall_handler(lp->process, (cairn_handle_t)badged);
    cairn_handle_close((cairn_handle_t)badged);
    if (r >= 0)
        r = cairn_process_watch(lp->process, exited, EXIT_BIT);
    if (r >= 0)
        r = cairn_notification_bind(exited, CAIRN_HANDLE_NONE);
    return r;
}

/* Serves forwarded calls until the process has ended (the bound
 * notification's bit arrives instead of a message). */
static void serve(struct linux_process *lp, cairn_handle_t endpoint)
{
    struct cairn_msg msg;
    long r = rt_ipc_recv(endpoint, UINT64_MAX, &msg);
    while (r >= 0 && !rt_ipc_is_notification(&msg)) {
        if (CAIRN_MSGINFO_LABEL(msg.info) != CAIRN_FOREIGN_SYSCALL) {
            rt_printf("posix: unexpected message label %u\n", CAIRN_MSGINFO_LABEL(msg.info));
            msg.info = CAIRN_MSGINFO(CAIRN_FOREIGN_SYSCALL); /* kills the sender */
            r = rt_ipc_reply_recv(endpoint, &msg);
            continue;
        }
        struct linux_call call = {msg.words[0], msg.words[1], msg.words[2], msg.words[3]};
        struct linux_result res = linux_syscall(lp, &call);
        msg.info = CAIRN_MSGINFO(res.exit ? CAIRN_FOREIGN_EXIT : CAIRN_FOREIGN_RETURN);
        msg.words[0] = res.value;
        r = rt_ipc_reply_recv(endpoint, &msg);
    }
    if (r < 0)
        rt_printf("posix: receive failed (%ld)\n", r);
}

static int report(struct linux_process *lp)
{
    struct cairn_process_info info;
    long r = cairn_process_info(lp->process, &info);
    if (r < 0) {
        rt_printf("posix: %s: process_info failed (%ld)\n", lp->name, r);
        return 1;
    }
    switch (info.exit_reason) {
    case CAIRN_EXIT_STATUS:
        rt_printf("posix: %s exited with status %lld\n", lp->name, (long long)info.exit_status);
        return (int)info.exit_status;
    case CAIRN_EXIT_FAULTED:
        rt_printf("posix: %s was killed by a fault\n", lp->name);
        return 1;
    default:
        rt_printf("posix: %s was killed\n", lp->name);
        return 1;
    }
}

int main(int argc, char **argv)
{
    size_t size;
    struct cpio_entry file;
    struct linux_process lp;

    if (argc < 2) {
        rt_printf("posix: usage: posix PATH [ARG...]\n");
        return 2;
    }
    const void *initrd = initrd_map(&size);
    if (!initrd)
        return 1;
    enum cpio_error e = cpio_find(initrd, size, argv[1], &file);
    if (e != CPIO_OK) {
        rt_printf("posix: %s: %s\n", argv[1], cpio_strerror(e));
        return 1;
    }
    if (linux_load(file.data, file.size, argc - 1, argv + 1, &lp) < 0)
        return 1;
    long endpoint = cairn_endpoint_create();
    long exited = cairn_notification_create();
    long r = endpoint < 0 ? endpoint : exited < 0 ? exited : 0;
    if (r >= 0)
        r = attach(&lp, (cairn_handle_t)endpoint, (cairn_handle_t)exited);
    if (r >= 0)
        r = cairn_thread_control(lp.thread, CAIRN_THREAD_RESUME, NULL);
    if (r < 0) {
        rt_printf("posix: %s: cannot start it (%ld)\n", lp.name, r);
        cairn_process_kill(lp.process);
        return 1;
    }
    serve(&lp, (cairn_handle_t)endpoint);
    return report(&lp);
}
