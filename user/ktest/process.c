/*
 * process.c - processes created from user space: running code in a new
 * address space, exit status and exit notification, kill, faults, a
 * process without threads, handle grant and its revocation, reading and
 * writing another address space, shared memory across processes, and the
 * error paths of process_create, process_watch, process_info, process_kill,
 * handle_grant, vm_read, vm_write and the vm_* calls on another process;
 * a child whose thread waits for ever living on without handles until a
 * kill, which gives back all its memory.
 */
#include "child.h"
#include "ktest.h"
#include "leak.h"
#include <cairn/error.h>
#include <cairn/process.h>
#include <cairn/vm.h>

#define PAGE 4096ull
#define MS   1000000ull
#define RW   (CAIRN_PROT_READ | CAIRN_PROT_WRITE)
#define RX   (CAIRN_PROT_READ | CAIRN_PROT_EXEC)
/* The test's own view of shared pages. */
#define SELF_VA 0x310000000000ull

static const char NAME[] = "kt";

KTEST(process_runs_code_and_reports_exit_status, KTEST_QUICK)
{
    struct child c;
    struct cairn_process_info info;
    int64_t status = -1;
    if (!kt_child_new(&c, CHILD_QUOTA))
        goto out;
    EXPECT_EQ(cairn_process_info(c.process, &info), 0);
    EXPECT_EQ(info.state, CAIRN_PROCESS_NEW);
    EXPECT_EQ(info.exit_reason, CAIRN_EXIT_NONE);
    EXPECT_EQ(info.quota_limit, CHILD_QUOTA);
    EXPECT_TRUE(info.quota_used > 0); /* its handle table's directory, its page tables */
    EXPECT_EQ(rt_strcmp(info.name, "ktest-child"), 0);
    EXPECT_TRUE(kt_child_start(&c, kt_child_exit, 42, 0) > 0);
    EXPECT_EQ(kt_child_wait(&c, &status), CAIRN_EXIT_STATUS);
    EXPECT_EQ(status, 42);
    EXPECT_EQ(cairn_process_info(c.process, &info), 0);
    EXPECT_EQ(info.threads, 0);
    /* Its thread handle stays valid and reports the thread dead. */
    struct cairn_thread_info ti;
    EXPECT_EQ(cairn_thread_control(c.thread, CAIRN_THREAD_INFO, &ti), 0);
    EXPECT_EQ(ti.state, CAIRN_THREAD_DEAD);
out:
    kt_child_free(&c);
}

KTEST(process_last_thread_exit_and_fault_are_reported, KTEST_QUICK)
{
    struct child c;
    int64_t status = -1;
    if (kt_child_new(&c, CHILD_QUOTA) && kt_child_start(&c, kt_child_thread_exit, 0, 0) > 0) {
        EXPECT_EQ(kt_child_wait(&c, &status), CAIRN_EXIT_STATUS);
        EXPECT_EQ(status, 0);
    }
    kt_child_free(&c);
    if (kt_child_new(&c, CHILD_QUOTA) && kt_child_start(&c, kt_child_fault, 0, 0) > 0)
        EXPECT_EQ(kt_child_wait(&c, &status), CAIRN_EXIT_FAULTED);
    kt_child_free(&c);
}

KTEST(process_kill_ends_a_looping_child, KTEST_QUICK)
{
    struct child c;
    struct cairn_process_info info;
    int64_t status;
    if (!kt_child_new(&c, CHILD_QUOTA) || kt_child_start(&c, kt_child_loop, 0, 0) <= 0)
        goto out;
    cairn_sleep(2 * MS);
    EXPECT_EQ(cairn_process_info(c.process, &info), 0);
    EXPECT_EQ(info.state, CAIRN_PROCESS_RUNNING);
    EXPECT_EQ(info.threads, 1);
    EXPECT_ERR(cairn_notification_wait(c.done, 0), CAIRN_E_WOULD_BLOCK);
    EXPECT_EQ(cairn_process_kill(c.process), 0);
    EXPECT_EQ(kt_child_wait(&c, &status), CAIRN_EXIT_KILLED);
    /* Killing it again changes nothing; nothing more can start in it. */
    EXPECT_EQ(cairn_process_kill(c.process), 0);
    EXPECT_ERR(kt_child_start(&c, kt_child_exit, 0, 0), CAIRN_E_PEER_DEAD);
    EXPECT_ERR(cairn_vm_map(c.process, c.stack, 0, CHILD_STACK + 0x100000, PAGE, RW),
               CAIRN_E_PEER_DEAD);
    EXPECT_ERR(cairn_vm_unmap(c.process, CHILD_STACK, PAGE), CAIRN_E_PEER_DEAD);
    EXPECT_ERR(cairn_vm_protect(c.process, CHILD_STACK, PAGE, CAIRN_PROT_READ), CAIRN_E_PEER_DEAD);
    EXPECT_ERR(cairn_handle_grant(c.process, c.done, CAIRN_RIGHT_SIGNAL), CAIRN_E_PEER_DEAD);
    uint64_t word;
    EXPECT_ERR(cairn_vm_read(c.process, CHILD_STACK, &word, 8), CAIRN_E_PEER_DEAD);
    /* A watch set now fires at once. */
    EXPECT_EQ(cairn_process_watch(c.process, c.done, 4), 0);
    EXPECT_EQ(cairn_notification_wait(c.done, 0), 4);
out:
    kt_child_free(&c);
}

KTEST(process_without_threads_ends_with_its_last_handle, KTEST_QUICK)
{
    long n = cairn_notification_create();
    long p = cairn_process_create(NAME, 2, CHILD_QUOTA);
    EXPECT_TRUE(p > 0);
    long dup = cairn_handle_duplicate(p, CAIRN_RIGHT_READ);
    EXPECT_TRUE(dup > 0);
    EXPECT_EQ(cairn_process_watch(p, n, 2), 0);
    EXPECT_EQ(cairn_handle_close(p), 0);
    EXPECT_ERR(cairn_notification_wait(n, 0), CAIRN_E_WOULD_BLOCK);
    EXPECT_EQ(cairn_handle_close(dup), 0);
    EXPECT_EQ(cairn_notification_wait(n, 1000 * MS), 2);
    cairn_handle_close(n);
}

KTEST(process_create_rejects_bad_arguments, KTEST_QUICK)
{
    static const char long_name[] = "0123456789abcdef0123456789abcdef";
    struct cairn_process_info self;
    EXPECT_ERR(cairn_process_create(long_name, 32, CHILD_QUOTA), CAIRN_E_TOO_LARGE);
    EXPECT_ERR(cairn_process_create((const char *)0xffff800000000000ull, 4, CHILD_QUOTA),
               CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_process_create((const char *)0x1000, 4, CHILD_QUOTA), CAIRN_E_BAD_ADDRESS);
    EXPECT_EQ(cairn_process_info(CAIRN_PROCESS_SELF, &self), 0);
    EXPECT_EQ(self.state, CAIRN_PROCESS_RUNNING);
    EXPECT_EQ(rt_strcmp(self.name, "ktest"), 0);
    EXPECT_ERR(cairn_process_create(NAME, 2, self.quota_limit), CAIRN_E_QUOTA);
    EXPECT_ERR(cairn_process_create(NAME, 2, UINT64_MAX), CAIRN_E_QUOTA);
    EXPECT_ERR(cairn_process_create(NAME, 2, 100), CAIRN_E_QUOTA); /* no room for its table */
    /* A name may be empty, and the longest one is kept whole. */
    long p = cairn_process_create((const char *)0, 0, CHILD_QUOTA);
    EXPECT_TRUE(p > 0);
    cairn_handle_close(p);
    p = cairn_process_create(long_name, 31, CHILD_QUOTA);
    struct cairn_process_info info;
    EXPECT_EQ(cairn_process_info(p, &info), 0);
    EXPECT_EQ(rt_strlen(info.name), 31);
    EXPECT_ERR(cairn_process_info(p, (struct cairn_process_info *)0x1000), CAIRN_E_BAD_ADDRESS);
    cairn_handle_close(p);
    /* What the caller pays comes back. */
    struct cairn_process_info after;
    EXPECT_EQ(cairn_process_info(CAIRN_PROCESS_SELF, &after), 0);
    EXPECT_EQ(after.quota_used, self.quota_used);
}

KTEST(process_handles_are_checked, KTEST_QUICK)
{
    struct cairn_process_info info;
    long n = cairn_notification_create();
    long p = cairn_process_create(NAME, 2, CHILD_QUOTA);
    long weak = cairn_handle_duplicate(p, CAIRN_RIGHT_DUPLICATE);
    long closed = cairn_handle_duplicate(p, CAIRN_RIGHT_READ);
    long revoked = cairn_handle_duplicate(p, CAIRN_RIGHT_READ | CAIRN_RIGHT_MANAGE);
    cairn_handle_close(closed);
    long mem = cairn_memory_create(PAGE);
    /* Stale, wrong type, too few rights, above 32 bits. */
    EXPECT_ERR(cairn_process_info(closed, &info), CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(cairn_process_info(n, &info), CAIRN_E_WRONG_TYPE);
    EXPECT_ERR(cairn_process_info(weak, &info), CAIRN_E_ACCESS_DENIED);
    EXPECT_ERR(ktest_syscall(SYS_PROCESS_INFO, (1l << 32) | p, (long)&info), CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(cairn_process_kill(weak), CAIRN_E_ACCESS_DENIED);
    EXPECT_ERR(cairn_process_kill(n), CAIRN_E_WRONG_TYPE);
    EXPECT_ERR(cairn_process_kill(closed), CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(cairn_vm_map(weak, mem, 0, CHILD_STACK, PAGE, RW), CAIRN_E_ACCESS_DENIED);
    EXPECT_ERR(cairn_vm_map(n, mem, 0, CHILD_STACK, PAGE, RW), CAIRN_E_WRONG_TYPE);
    EXPECT_ERR(cairn_vm_unmap(weak, CHILD_STACK, PAGE), CAIRN_E_ACCESS_DENIED);
    EXPECT_ERR(cairn_vm_protect(closed, CHILD_STACK, PAGE, RW), CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(cairn_handle_grant(weak, n, CAIRN_RIGHT_SIGNAL), CAIRN_E_ACCESS_DENIED);
    EXPECT_ERR(cairn_process_watch(weak, n, 1), CAIRN_E_ACCESS_DENIED);
    struct cairn_thread_params params = {.entry = CHILD_CODE,
                                         .stack = CHILD_STACK_TOP,
                                         .priority = 1,
                                         .affinity = CAIRN_AFFINITY_ANY};
    EXPECT_ERR(cairn_thread_create(weak, &params), CAIRN_E_ACCESS_DENIED);
    EXPECT_ERR(cairn_thread_create(closed, &params), CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(cairn_thread_create(n, &params), CAIRN_E_WRONG_TYPE);
    /* Revoked. */
    EXPECT_EQ(cairn_handle_revoke(p), 0);
    EXPECT_ERR(cairn_process_info(revoked, &info), CAIRN_E_REVOKED);
    EXPECT_ERR(cairn_process_kill(revoked), CAIRN_E_REVOKED);
    EXPECT_ERR(cairn_vm_map(revoked, mem, 0, CHILD_STACK, PAGE, RW), CAIRN_E_REVOKED);
    EXPECT_ERR(cairn_thread_create(revoked, &params), CAIRN_E_REVOKED);
    long handles[] = {n, p, weak, revoked, mem};
    for (unsigned i = 0; i < sizeof(handles) / sizeof(handles[0]); i++)
        cairn_handle_close(handles[i]);
}

KTEST(process_watch_rejects_bad_arguments, KTEST_QUICK)
{
    long n = cairn_notification_create();
    long wait_only = cairn_handle_duplicate(n, CAIRN_RIGHT_WAIT);
    long p = cairn_process_create(NAME, 2, CHILD_QUOTA);
    EXPECT_ERR(cairn_process_watch(p, n, 0), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_process_watch(p, n, 1ull << 63), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_process_watch(p, wait_only, 1), CAIRN_E_ACCESS_DENIED);
    EXPECT_ERR(cairn_process_watch(p, p, 1), CAIRN_E_WRONG_TYPE);
    EXPECT_ERR(cairn_process_watch(p, 0x12345, 1), CAIRN_E_BAD_HANDLE);
    for (int i = 0; i < 4; i++)
        EXPECT_EQ(cairn_process_watch(p, n, 1ull << i), 0);
    EXPECT_ERR(cairn_process_watch(p, n, 16), CAIRN_E_BUSY);
    /* Every watch fires once the process ends, closing the handle included. */
    cairn_handle_close(n);
    cairn_handle_close(p);
    EXPECT_EQ(cairn_notification_wait(wait_only, 1000 * MS), 0xf);
    cairn_handle_close(wait_only);
}

KTEST(handle_grant_gives_a_revocable_capability, KTEST_QUICK)
{
    struct child c;
    long n = cairn_notification_create();
    int64_t status = -1;
    if (!kt_child_new(&c, CHILD_QUOTA))
        goto out;
    /* Fewer rights: the child can signal, and nothing more. */
    long granted = cairn_handle_grant(c.process, n, CAIRN_RIGHT_SIGNAL);
    EXPECT_TRUE(granted > 0);
    EXPECT_TRUE(kt_child_start(&c, kt_child_signal, (uint64_t)granted, 0) > 0);
    EXPECT_EQ(kt_child_wait(&c, &status), CAIRN_EXIT_STATUS);
    EXPECT_EQ(status, 0);
    EXPECT_EQ(cairn_notification_wait(n, 0), 1);
    kt_child_free(&c);

    /* A revoke of the source reaches the granted handle. */
    if (!kt_child_new(&c, CHILD_QUOTA))
        goto out;
    granted = cairn_handle_grant(c.process, n, CAIRN_RIGHT_SIGNAL);
    EXPECT_TRUE(granted > 0);
    EXPECT_EQ(cairn_handle_revoke(n), 0);
    EXPECT_TRUE(kt_child_start(&c, kt_child_signal, (uint64_t)granted, 0) > 0);
    EXPECT_EQ(kt_child_wait(&c, &status), CAIRN_EXIT_STATUS);
    EXPECT_EQ(status, -CAIRN_E_REVOKED);
out:
    kt_child_free(&c);
    cairn_handle_close(n);
}

KTEST(handle_grant_rejects_bad_arguments, KTEST_QUICK)
{
    long n = cairn_notification_create();
    long no_transfer = cairn_handle_duplicate(n, CAIRN_RIGHT_SIGNAL);
    long p = cairn_process_create(NAME, 2, CHILD_QUOTA);
    EXPECT_ERR(cairn_handle_grant(p, n, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_MANAGE),
               CAIRN_E_ACCESS_DENIED);
    EXPECT_ERR(cairn_handle_grant(p, no_transfer, CAIRN_RIGHT_SIGNAL), CAIRN_E_ACCESS_DENIED);
    EXPECT_ERR(cairn_handle_grant(p, 0x4321, 0), CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(cairn_handle_grant(n, n, 0), CAIRN_E_WRONG_TYPE);
    long r;
    register long rdx __asm__("rdx") = 1l << 32;
    __asm__ volatile("syscall"
                     : "=a"(r)
                     : "a"(SYS_HANDLE_GRANT), "D"(p), "S"(n), "r"(rdx)
                     : "rcx", "r11", "memory");
    EXPECT_ERR(r, CAIRN_E_INVALID_ARGUMENT);
    /* Into the caller's own table it is a duplicate that needs TRANSFER. */
    long mine = cairn_handle_grant(CAIRN_PROCESS_SELF, n, CAIRN_RIGHT_WAIT);
    struct cairn_handle_info info;
    EXPECT_EQ(cairn_handle_info(mine, &info), 0);
    EXPECT_EQ(info.type, CAIRN_OBJ_NOTIFICATION);
    EXPECT_EQ(info.rights, CAIRN_RIGHT_WAIT);
    long handles[] = {n, no_transfer, p, mine};
    for (unsigned i = 0; i < sizeof(handles) / sizeof(handles[0]); i++)
        cairn_handle_close(handles[i]);
}

KTEST(vm_read_and_write_another_process, KTEST_QUICK)
{
    struct child c;
    uint8_t buf[64], back[64];
    if (!kt_child_new(&c, CHILD_QUOTA))
        goto out;
    for (unsigned i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)(i * 7 + 1);
    /* Across a page boundary of the child's stack. */
    uint64_t at = CHILD_STACK + PAGE - 20;
    EXPECT_EQ(cairn_vm_write(c.process, at, buf, sizeof(buf)), sizeof(buf));
    EXPECT_EQ(cairn_vm_read(c.process, at, back, sizeof(back)), sizeof(back));
    for (unsigned i = 0; i < sizeof(buf); i++)
        EXPECT_EQ(back[i], buf[i]);
    /* The code page reads back as the stubs, and cannot be written. */
    EXPECT_EQ(cairn_vm_read(c.process, CHILD_ENTRY(kt_child_exit), back, 8), 8);
    for (unsigned i = 0; i < 8; i++)
        EXPECT_EQ(back[i], ((const uint8_t *)kt_child_exit)[i]);
    EXPECT_ERR(cairn_vm_write(c.process, CHILD_CODE, buf, 8), CAIRN_E_ACCESS_DENIED);
    /* What the process cannot write, neither can a holder of WRITE. */
    EXPECT_EQ(cairn_vm_protect(c.process, CHILD_STACK, PAGE, CAIRN_PROT_READ), 0);
    EXPECT_ERR(cairn_vm_write(c.process, at, buf, sizeof(buf)), CAIRN_E_ACCESS_DENIED);
    EXPECT_EQ(cairn_vm_read(c.process, at, back, sizeof(back)), sizeof(back));
    EXPECT_EQ(cairn_vm_protect(c.process, CHILD_STACK, PAGE, RW), 0);
    /* Unmapped pages, in full or in part, and nothing was copied. */
    EXPECT_ERR(cairn_vm_read(c.process, 0x50000000, back, 8), CAIRN_E_NOT_FOUND);
    EXPECT_ERR(cairn_vm_write(c.process, CHILD_STACK + CHILD_STACK_SIZE - 8, buf, 16),
               CAIRN_E_NOT_FOUND);
    /* Lengths, addresses and buffers. */
    EXPECT_ERR(cairn_vm_read(c.process, CHILD_STACK, back, CAIRN_VM_ACCESS_MAX + 1),
               CAIRN_E_TOO_LARGE);
    EXPECT_ERR(cairn_vm_read(c.process, 0xffff800000000000ull, back, 8), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_vm_read(c.process, CHILD_STACK, (void *)0xffff800000000000ull, 8),
               CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_vm_read(c.process, CHILD_STACK, (void *)0x1000, 8), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_vm_write(c.process, CHILD_STACK, (const void *)0x1000, 8),
               CAIRN_E_BAD_ADDRESS);
    EXPECT_EQ(cairn_vm_read(c.process, CHILD_STACK, back, 0), 0);
    /* Rights on the process handle. */
    long ro = cairn_handle_duplicate(c.process, CAIRN_RIGHT_READ);
    long wo = cairn_handle_duplicate(c.process, CAIRN_RIGHT_WRITE);
    EXPECT_EQ(cairn_vm_read(ro, at, back, 8), 8);
    EXPECT_ERR(cairn_vm_write(ro, at, buf, 8), CAIRN_E_ACCESS_DENIED);
    EXPECT_ERR(cairn_vm_read(wo, at, back, 8), CAIRN_E_ACCESS_DENIED);
    EXPECT_EQ(cairn_vm_write(wo, at, buf, 8), 8);
    EXPECT_ERR(cairn_vm_read(c.done, at, back, 8), CAIRN_E_WRONG_TYPE);
    cairn_handle_close(ro);
    cairn_handle_close(wo);
    /* The caller's own memory, through CAIRN_PROCESS_SELF. */
    static uint64_t mine = 0x1122334455667788ull;
    uint64_t got = 0;
    EXPECT_EQ(cairn_vm_read(CAIRN_PROCESS_SELF, (uint64_t)&mine, &got, 8), 8);
    EXPECT_EQ(got, mine);
out:
    kt_child_free(&c);
}

KTEST(shared_memory_across_two_processes, KTEST_QUICK)
{
    struct child a, b;
    int64_t status;
    long shared = cairn_memory_create(PAGE);
    bool ok = kt_child_new(&a, CHILD_QUOTA) && kt_child_new(&b, CHILD_QUOTA);
    if (!ok || shared < 0)
        goto out;
    /* One object, three address spaces, three addresses. */
    EXPECT_EQ(cairn_vm_map(a.process, shared, 0, 0x40000000, PAGE, RW), 0x40000000);
    EXPECT_EQ(cairn_vm_map(b.process, shared, 0, 0x48000000, PAGE, RW), 0x48000000);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, shared, 0, SELF_VA, PAGE, RW), (long)SELF_VA);
    /* a stores through its mapping; b's and ours show it. */
    EXPECT_TRUE(kt_child_start(&a, kt_child_store, 0x40000000 + 64, 0) > 0);
    EXPECT_EQ(kt_child_wait(&a, &status), CAIRN_EXIT_STATUS);
    EXPECT_EQ(status, 0);
    uint64_t got = 0;
    EXPECT_EQ(*(volatile uint64_t *)(SELF_VA + 64), KT_CHILD_MARKER);
    EXPECT_EQ(cairn_vm_read(b.process, 0x48000000 + 64, &got, 8), 8);
    EXPECT_EQ(got, KT_CHILD_MARKER);
    /* And the other way: written into b, seen by us. The pages outlive a,
     * which has ended and dropped its mapping. */
    uint64_t marker = 0xc0ffee0000c0ffeeull;
    EXPECT_EQ(cairn_vm_write(b.process, 0x48000000 + 128, &marker, 8), 8);
    EXPECT_EQ(*(volatile uint64_t *)(SELF_VA + 128), marker);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, SELF_VA, PAGE), 0);
out:
    kt_child_free(&a);
    kt_child_free(&b);
    cairn_handle_close(shared);
}

KTEST(child_quota_exhaustion_fails_cleanly, KTEST_QUICK)
{
    struct cairn_process_info before, after;
    EXPECT_EQ(cairn_process_info(CAIRN_PROCESS_SELF, &before), 0);
    /* Room for the table's directory but not a chunk of handles. */
    long p = cairn_process_create(NAME, 2, 1024);
    long n = cairn_notification_create();
    EXPECT_TRUE(p > 0);
    EXPECT_ERR(cairn_handle_grant(p, n, CAIRN_RIGHT_SIGNAL), CAIRN_E_QUOTA);
    cairn_handle_close(p);
    /* Room for handles, not for a thread (struct and 16 KiB stack). */
    struct child c;
    if (kt_child_new(&c, 24u << 10))
        EXPECT_ERR(kt_child_start(&c, kt_child_exit, 0, 0), CAIRN_E_QUOTA);
    kt_child_free(&c);
    cairn_handle_close(n);
    EXPECT_EQ(cairn_process_info(CAIRN_PROCESS_SELF, &after), 0);
    EXPECT_EQ(after.quota_used, before.quota_used);
}

/* Starts a thread in c that faults at once (nothing is mapped at its
 * entry) and is sent to ep, on which nothing receives: it waits in the
 * pager call for ever. Returns once it is blocked there. */
static bool start_stuck_thread(struct child *c, long ep)
{
    struct cairn_thread_params params = {.entry = CHILD_CODE + (64ull << 20),
                                         .stack = CHILD_STACK_TOP,
                                         .priority = 32,
                                         .affinity = CAIRN_AFFINITY_ANY,
                                         .flags = CAIRN_THREAD_SUSPENDED};
    c->thread = cairn_thread_create(c->process, &params);
    EXPECT_TRUE(c->thread > 0);
    EXPECT_EQ(cairn_thread_set_fault_endpoint(c->thread, ep), 0);
    EXPECT_EQ(cairn_thread_control(c->thread, CAIRN_THREAD_RESUME, 0), 0);
    struct cairn_thread_info info = {0};
    for (int tries = 0; tries < 1000 && info.state != CAIRN_THREAD_BLOCKED; tries++) {
        cairn_sleep(MS);
        EXPECT_EQ(cairn_thread_control(c->thread, CAIRN_THREAD_INFO, &info), 0);
    }
    EXPECT_EQ(info.state, CAIRN_THREAD_BLOCKED);
    return info.state == CAIRN_THREAD_BLOCKED;
}

/* What the system-call fuzzer once did (sysfuzz seed 1, 1,000,000 calls,
 * reported as a leak): its child's only thread waits in a pager call on
 * an endpoint nobody can receive on, and every handle to the child, the
 * thread and the endpoint goes but one. Since endpoints end with their
 * last handle (docs/kernel.md, "The end of an endpoint"), closing the
 * pager endpoint's last handle fails the queued fault call, and the
 * child ends as faulted by itself: no kill is needed, and every frame and
 * heap byte comes back. */
static void orphaned_waiter_ends_with_its_pager(void)
{
    struct child c;
    long ep = cairn_endpoint_create();
    EXPECT_TRUE(ep > 0);
    if (!kt_child_new(&c, CHILD_QUOTA) || !start_stuck_thread(&c, ep))
        goto out;
    long keep = cairn_handle_duplicate(c.process, CAIRN_RIGHT_READ | CAIRN_RIGHT_MANAGE);
    EXPECT_TRUE(keep > 0);
    EXPECT_EQ(cairn_handle_close(c.thread), 0);
    EXPECT_EQ(cairn_handle_close(c.process), 0);
    c.thread = 0;
    c.process = keep;
    EXPECT_EQ(cairn_handle_close(ep), 0);
    ep = 0;
    EXPECT_EQ(cairn_notification_wait(c.done, 1000 * MS), CHILD_DONE);
    struct cairn_process_info info;
    EXPECT_EQ(cairn_process_info(keep, &info), 0);
    EXPECT_EQ(info.state, CAIRN_PROCESS_ENDED);
    EXPECT_EQ(info.exit_reason, CAIRN_EXIT_FAULTED);
out:
    kt_child_free(&c);
    if (ep > 0)
        cairn_handle_close(ep);
}

/* A snapshot once the kernel's memory use has settled: the same in two
 * readings a few milliseconds apart (a child that just ended is freed a
 * moment after its watch fires). */
static void settled_memory(struct cairn_system_info *out)
{
    struct cairn_system_info prev;
    cairn_system_info(&prev);
    for (int tries = 0; tries < 200; tries++) {
        cairn_sleep(5 * MS);
        cairn_system_info(out);
        if (kt_same_memory(out, &prev))
            return;
        prev = *out;
    }
}

KTEST(process_waiting_on_a_pager_whose_endpoint_ends_ends_faulted, KTEST_QUICK)
{
    struct cairn_system_info before;
    orphaned_waiter_ends_with_its_pager(); /* grows the handle table as the checked run will */
    settled_memory(&before);
    orphaned_waiter_ends_with_its_pager();
    EXPECT_TRUE(kt_memory_back_to(&before));
}
