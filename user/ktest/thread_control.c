/*
 * thread_control.c - suspending and resuming threads, reading and writing
 * the registers of a stopped one (in a child process and in this one,
 * running, created suspended, and blocked in a wait), thread_create's
 * parameter block, and thread_control's error paths.
 */
#include "child.h"
#include "ktest.h"
#include "threads.h"
#include <cairn/error.h>
#include <cairn/process.h>
#include <rt/ipc.h>

#define MS        1000000ull
#define RFLAGS_IF 0x200ull

void kt_wait_and_exit(void);
void kt_suspend_self(void);

static uint8_t shared_stack[256] __attribute__((aligned(16)));
#define SHARED_RSP ((uint64_t)(shared_stack + sizeof(shared_stack) - 8))

static struct cairn_thread_info info_of(long thread)
{
    struct cairn_thread_info info = {0};
    EXPECT_EQ(cairn_thread_control(thread, CAIRN_THREAD_INFO, &info), 0);
    return info;
}

KTEST(thread_created_suspended_runs_with_written_registers, KTEST_QUICK)
{
    struct child c;
    struct cairn_thread_regs regs;
    int64_t status = -1;
    if (!kt_child_new(&c, CHILD_QUOTA) ||
        kt_child_start(&c, kt_child_exit_rbx, 9, CAIRN_THREAD_SUSPENDED) <= 0)
        goto out;
    struct cairn_thread_info info = info_of(c.thread);
    EXPECT_EQ(info.state, CAIRN_THREAD_STOPPED);
    EXPECT_EQ(info.suspended, 1);
    EXPECT_EQ(cairn_thread_control(c.thread, CAIRN_THREAD_READ_REGS, &regs), 0);
    EXPECT_EQ(regs.rip, CHILD_ENTRY(kt_child_exit_rbx));
    EXPECT_EQ(regs.rsp, CHILD_STACK_TOP);
    EXPECT_EQ(regs.rdi, 9);
    EXPECT_EQ(regs.rbx, 0);
    EXPECT_TRUE(regs.rflags & RFLAGS_IF);
    /* Only the arithmetic flags and DF can be written; IF stays on. */
    regs.rbx = 77;
    regs.rflags = ~0ull;
    regs.fs_base = 0x1000;
    EXPECT_EQ(cairn_thread_control(c.thread, CAIRN_THREAD_WRITE_REGS, &regs), 0);
    EXPECT_EQ(cairn_thread_control(c.thread, CAIRN_THREAD_READ_REGS, &regs), 0);
    EXPECT_EQ(regs.rbx, 77);
    EXPECT_EQ(regs.rflags, CAIRN_RFLAGS_USER | RFLAGS_IF | 2);
    EXPECT_EQ(regs.fs_base, 0x1000);
    regs.rflags = RFLAGS_IF;
    EXPECT_EQ(cairn_thread_control(c.thread, CAIRN_THREAD_WRITE_REGS, &regs), 0);
    EXPECT_EQ(cairn_thread_control(c.thread, CAIRN_THREAD_RESUME, NULL), 0);
    EXPECT_EQ(kt_child_wait(&c, &status), CAIRN_EXIT_STATUS);
    EXPECT_EQ(status, 77);
out:
    kt_child_free(&c);
}

KTEST(suspend_stops_a_running_thread_and_resume_redirects_it, KTEST_QUICK)
{
    struct child c;
    struct cairn_thread_regs regs, again;
    int64_t status = -1;
    if (!kt_child_new(&c, CHILD_QUOTA) || kt_child_start(&c, kt_child_loop, 0, 0) <= 0)
        goto out;
    cairn_sleep(2 * MS);
    EXPECT_ERR(cairn_thread_control(c.thread, CAIRN_THREAD_READ_REGS, &regs), CAIRN_E_BUSY);
    EXPECT_EQ(cairn_thread_control(c.thread, CAIRN_THREAD_SUSPEND, NULL), 0);
    EXPECT_TRUE(kt_thread_reaches(c.thread, CAIRN_THREAD_STOPPED));
    EXPECT_EQ(cairn_thread_control(c.thread, CAIRN_THREAD_READ_REGS, &regs), 0);
    uint64_t loop = CHILD_ENTRY(kt_child_loop);
    EXPECT_TRUE(regs.rip >= loop && regs.rip < loop + 8);
    EXPECT_TRUE(regs.rbx > 0);
    /* Stopped means stopped: the count does not move. */
    cairn_sleep(2 * MS);
    EXPECT_EQ(cairn_thread_control(c.thread, CAIRN_THREAD_READ_REGS, &again), 0);
    EXPECT_EQ(again.rbx, regs.rbx);
    EXPECT_EQ(again.rip, regs.rip);
    /* A second suspend changes nothing; one resume undoes it. */
    EXPECT_EQ(cairn_thread_control(c.thread, CAIRN_THREAD_SUSPEND, NULL), 0);
    regs.rip = CHILD_ENTRY(kt_child_exit);
    regs.rdi = 5;
    EXPECT_EQ(cairn_thread_control(c.thread, CAIRN_THREAD_WRITE_REGS, &regs), 0);
    EXPECT_EQ(cairn_thread_control(c.thread, CAIRN_THREAD_RESUME, NULL), 0);
    EXPECT_EQ(kt_child_wait(&c, &status), CAIRN_EXIT_STATUS);
    EXPECT_EQ(status, 5);
out:
    kt_child_free(&c);
}

KTEST(suspended_thread_blocked_in_a_wait_stops_when_it_completes, KTEST_QUICK)
{
    long n = cairn_notification_create();
    struct cairn_thread_params params = {.entry = (uint64_t)kt_wait_and_exit,
                                         .stack = SHARED_RSP,
                                         .arg = (uint64_t)n,
                                         .priority = 32,
                                         .affinity = CAIRN_AFFINITY_ANY};
    long t = cairn_thread_create(CAIRN_PROCESS_SELF, &params);
    struct cairn_thread_regs regs;
    EXPECT_TRUE(t > 0);
    EXPECT_TRUE(kt_thread_reaches(t, CAIRN_THREAD_BLOCKED));
    /* The wait is not interrupted: the thread stays blocked, not stopped. */
    EXPECT_EQ(cairn_thread_control(t, CAIRN_THREAD_SUSPEND, NULL), 0);
    cairn_sleep(2 * MS);
    struct cairn_thread_info info = info_of(t);
    EXPECT_EQ(info.state, CAIRN_THREAD_BLOCKED);
    EXPECT_EQ(info.suspended, 1);
    EXPECT_ERR(cairn_thread_control(t, CAIRN_THREAD_READ_REGS, &regs), CAIRN_E_BUSY);
    /* Its wait completes; it stops with the result in its registers. */
    EXPECT_EQ(cairn_notification_signal(n, 8), 0);
    EXPECT_TRUE(kt_thread_reaches(t, CAIRN_THREAD_STOPPED));
    EXPECT_EQ(cairn_thread_control(t, CAIRN_THREAD_READ_REGS, &regs), 0);
    EXPECT_EQ(regs.rax, 8);
    EXPECT_EQ(regs.rdi, (uint64_t)n);
    EXPECT_EQ(regs.rcx, regs.rip);
    EXPECT_EQ(regs.r11, regs.rflags);
    EXPECT_EQ(regs.rsp, SHARED_RSP);
    EXPECT_EQ(cairn_thread_control(t, CAIRN_THREAD_RESUME, NULL), 0);
    EXPECT_TRUE(kt_thread_reaches(t, CAIRN_THREAD_DEAD));
    /* A thread that has ended. */
    EXPECT_ERR(cairn_thread_control(t, CAIRN_THREAD_SUSPEND, NULL), CAIRN_E_PEER_DEAD);
    EXPECT_ERR(cairn_thread_control(t, CAIRN_THREAD_RESUME, NULL), CAIRN_E_PEER_DEAD);
    EXPECT_ERR(cairn_thread_control(t, CAIRN_THREAD_READ_REGS, &regs), CAIRN_E_PEER_DEAD);
    EXPECT_ERR(cairn_thread_control(t, CAIRN_THREAD_WRITE_REGS, &regs), CAIRN_E_PEER_DEAD);
    cairn_handle_close(t);
    cairn_handle_close(n);
}

KTEST(thread_suspends_itself_and_resumes_with_written_registers, KTEST_QUICK)
{
    static volatile uint64_t args[2];
    struct cairn_thread_regs regs;
    long n = cairn_notification_create();
    struct cairn_thread_params params = {.entry = (uint64_t)kt_suspend_self,
                                         .stack = SHARED_RSP,
                                         .arg = (uint64_t)args,
                                         .priority = 32,
                                         .affinity = CAIRN_AFFINITY_ANY,
                                         .flags = CAIRN_THREAD_SUSPENDED};
    long t = cairn_thread_create(CAIRN_PROCESS_SELF, &params);
    EXPECT_TRUE(t > 0);
    args[0] = (uint64_t)t;
    args[1] = (uint64_t)n;
    EXPECT_EQ(cairn_thread_control(t, CAIRN_THREAD_RESUME, NULL), 0);
    /* It stops at the end of its own suspend call, every register kept. */
    EXPECT_TRUE(kt_thread_reaches(t, CAIRN_THREAD_STOPPED));
    EXPECT_EQ(cairn_thread_control(t, CAIRN_THREAD_READ_REGS, &regs), 0);
    EXPECT_EQ(regs.rax, 0);
    EXPECT_EQ(regs.rbx, 0x1111);
    EXPECT_EQ(regs.rbp, (uint64_t)args);
    EXPECT_EQ(regs.r12, 0x1212);
    EXPECT_EQ(regs.r15, 0x1515);
    EXPECT_EQ(regs.rcx, regs.rip);
    regs.r12 = 0x4242;
    EXPECT_EQ(cairn_thread_control(t, CAIRN_THREAD_WRITE_REGS, &regs), 0);
    EXPECT_EQ(cairn_thread_control(t, CAIRN_THREAD_RESUME, NULL), 0);
    EXPECT_EQ(cairn_notification_wait(n, 2000 * MS), 1);
    EXPECT_TRUE(kt_thread_reaches(t, CAIRN_THREAD_DEAD));
    cairn_handle_close(t);
    cairn_handle_close(n);
}

/* Receives one message and answers it with its words plus one. */
static void answer_once(uint64_t endpoint)
{
    struct cairn_msg m;
    if (rt_ipc_recv((cairn_handle_t)endpoint, UINT64_MAX, &m) == 0) {
        for (int i = 0; i < CAIRN_IPC_WORDS; i++)
            m.words[i] += 1;
        rt_ipc_reply(&m);
    }
    kt_thread_done();
}

static volatile int call_result; /* 1: the call got the answer; -1: it did not */

static void call_once(uint64_t endpoint)
{
    struct cairn_msg m = {.info = CAIRN_MSGINFO(3), .words = {7, 8, 9, 10}};
    long r = rt_ipc_call((cairn_handle_t)endpoint, &m);
    call_result = r == 0 && m.words[0] == 8 && m.words[3] == 11 ? 1 : -1;
    kt_thread_done();
}

KTEST(suspended_receiver_stops_with_the_message_and_answers_once_resumed, KTEST_QUICK)
{
    struct cairn_thread_regs regs;
    long ep = cairn_endpoint_create();
    call_result = 0;
    long server = kt_spawn(answer_once, (uint64_t)ep, RT_AFFINITY_ANY);
    EXPECT_TRUE(server > 0 && kt_thread_reaches(server, CAIRN_THREAD_BLOCKED));
    EXPECT_EQ(cairn_thread_control(server, CAIRN_THREAD_SUSPEND, NULL), 0);
    long client = kt_spawn(call_once, (uint64_t)ep, RT_AFFINITY_ANY);
    EXPECT_TRUE(client > 0);
    /* The receive completes; the receiver stops holding the message, and
     * the caller waits for the reply meanwhile. */
    EXPECT_TRUE(kt_thread_reaches(server, CAIRN_THREAD_STOPPED));
    EXPECT_EQ(cairn_thread_control(server, CAIRN_THREAD_READ_REGS, &regs), 0);
    EXPECT_EQ(regs.rax, 0);
    EXPECT_EQ(CAIRN_MSGINFO_LABEL(regs.rsi), 3);
    EXPECT_EQ(regs.rdx, 7);
    EXPECT_EQ(regs.r10, 8);
    EXPECT_EQ(regs.r8, 9);
    EXPECT_EQ(regs.r9, 10);
    EXPECT_TRUE(kt_thread_reaches(client, CAIRN_THREAD_BLOCKED));
    EXPECT_EQ(call_result, 0);
    EXPECT_EQ(cairn_thread_control(server, CAIRN_THREAD_RESUME, NULL), 0);
    kt_join(2);
    EXPECT_EQ(call_result, 1);
    cairn_handle_close(server);
    cairn_handle_close(client);
    cairn_handle_close(ep);
}

KTEST(killing_a_process_ends_its_stopped_threads, KTEST_QUICK)
{
    struct child c;
    int64_t status;
    if (kt_child_new(&c, CHILD_QUOTA) &&
        kt_child_start(&c, kt_child_exit, 3, CAIRN_THREAD_SUSPENDED) > 0) {
        EXPECT_EQ(cairn_process_kill(c.process), 0);
        EXPECT_EQ(kt_child_wait(&c, &status), CAIRN_EXIT_KILLED);
        EXPECT_TRUE(kt_thread_reaches(c.thread, CAIRN_THREAD_DEAD));
    }
    kt_child_free(&c);
}

KTEST(thread_control_rejects_bad_arguments, KTEST_QUICK)
{
    struct child c;
    struct cairn_thread_regs regs;
    if (!kt_child_new(&c, CHILD_QUOTA) ||
        kt_child_start(&c, kt_child_exit, 0, CAIRN_THREAD_SUSPENDED) <= 0)
        goto out;
    long t = c.thread;
    EXPECT_ERR(cairn_thread_control(t, 5, NULL), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_thread_control(t, 1ull << 40, NULL), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_thread_control(c.done, CAIRN_THREAD_INFO, &regs), CAIRN_E_WRONG_TYPE);
    EXPECT_ERR(cairn_thread_control(0x7777, CAIRN_THREAD_INFO, &regs), CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(ktest_syscall(SYS_THREAD_CONTROL, (1l << 32) | t, CAIRN_THREAD_RESUME),
               CAIRN_E_BAD_HANDLE);
    long reader = cairn_handle_duplicate(t, CAIRN_RIGHT_READ | CAIRN_RIGHT_DUPLICATE);
    long manager = cairn_handle_duplicate(t, CAIRN_RIGHT_MANAGE);
    EXPECT_ERR(cairn_thread_control(reader, CAIRN_THREAD_SUSPEND, NULL), CAIRN_E_ACCESS_DENIED);
    EXPECT_ERR(cairn_thread_control(reader, CAIRN_THREAD_RESUME, NULL), CAIRN_E_ACCESS_DENIED);
    EXPECT_ERR(cairn_thread_control(reader, CAIRN_THREAD_WRITE_REGS, &regs), CAIRN_E_ACCESS_DENIED);
    EXPECT_EQ(cairn_thread_control(reader, CAIRN_THREAD_READ_REGS, &regs), 0);
    EXPECT_ERR(cairn_thread_control(manager, CAIRN_THREAD_READ_REGS, &regs), CAIRN_E_ACCESS_DENIED);
    EXPECT_ERR(cairn_thread_control(manager, CAIRN_THREAD_INFO, &regs), CAIRN_E_ACCESS_DENIED);
    /* Pointers, and registers that would leave user space. */
    EXPECT_ERR(cairn_thread_control(t, CAIRN_THREAD_READ_REGS, (void *)0x1000),
               CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_thread_control(t, CAIRN_THREAD_INFO, (void *)0xffff800000000000ull),
               CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_thread_control(t, CAIRN_THREAD_WRITE_REGS, (void *)0x1000),
               CAIRN_E_BAD_ADDRESS);
    struct cairn_thread_regs bad = regs;
    bad.rip = 0xffff800000000000ull;
    EXPECT_ERR(cairn_thread_control(t, CAIRN_THREAD_WRITE_REGS, &bad), CAIRN_E_BAD_ADDRESS);
    bad = regs;
    bad.rsp = 0x0000800000000000ull;
    EXPECT_ERR(cairn_thread_control(t, CAIRN_THREAD_WRITE_REGS, &bad), CAIRN_E_BAD_ADDRESS);
    bad = regs;
    bad.fs_base = 0xffffffff80000000ull;
    EXPECT_ERR(cairn_thread_control(t, CAIRN_THREAD_WRITE_REGS, &bad), CAIRN_E_BAD_ADDRESS);
    EXPECT_EQ(cairn_thread_control(t, CAIRN_THREAD_READ_REGS, &bad), 0);
    EXPECT_EQ(bad.rip, regs.rip); /* nothing was written */
    /* Revoked. */
    EXPECT_EQ(cairn_handle_revoke(t), 0);
    EXPECT_ERR(cairn_thread_control(reader, CAIRN_THREAD_INFO, &regs), CAIRN_E_REVOKED);
    cairn_handle_close(reader);
    cairn_handle_close(manager);
out:
    kt_child_free(&c);
}

KTEST(thread_create_checks_its_parameter_block, KTEST_QUICK)
{
    struct child c;
    if (!kt_child_new(&c, CHILD_QUOTA))
        goto out;
    struct cairn_thread_params good = {.entry = CHILD_ENTRY(kt_child_exit),
                                       .stack = CHILD_STACK_TOP,
                                       .priority = 32,
                                       .affinity = CAIRN_AFFINITY_ANY};
    struct cairn_thread_params p = good;
    p.flags = 2;
    EXPECT_ERR(cairn_thread_create(c.process, &p), CAIRN_E_INVALID_ARGUMENT);
    p = good;
    p.reserved = 1;
    EXPECT_ERR(cairn_thread_create(c.process, &p), CAIRN_E_INVALID_ARGUMENT);
    p = good;
    p.fs_base = 0xffff800000000000ull;
    EXPECT_ERR(cairn_thread_create(c.process, &p), CAIRN_E_BAD_ADDRESS);
    p = good;
    p.entry = 0x0000800000000000ull;
    EXPECT_ERR(cairn_thread_create(c.process, &p), CAIRN_E_BAD_ADDRESS);
    p = good;
    p.priority = 33;
    EXPECT_ERR(cairn_thread_create(c.process, &p), CAIRN_E_ACCESS_DENIED);
    p = good;
    p.affinity = 1000;
    EXPECT_ERR(cairn_thread_create(c.process, &p), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_thread_create(c.process, (const struct cairn_thread_params *)0x1000),
               CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(
        cairn_thread_create(c.process, (const struct cairn_thread_params *)0xffff800000000000ull),
        CAIRN_E_BAD_ADDRESS);
    /* TLS: the FS base a thread starts with, seen by its code. */
    uint32_t word = 0x1234;
    int64_t status = -1;
    EXPECT_EQ(cairn_vm_write(c.process, CHILD_STACK + 64, &word, 4), 4);
    p = good;
    p.entry = CHILD_ENTRY(kt_child_exit_tls);
    p.fs_base = CHILD_STACK + 64;
    p.flags = CAIRN_THREAD_SUSPENDED;
    long t = cairn_thread_create(c.process, &p);
    struct cairn_thread_regs regs;
    EXPECT_EQ(cairn_thread_control(t, CAIRN_THREAD_READ_REGS, &regs), 0);
    EXPECT_EQ(regs.fs_base, CHILD_STACK + 64);
    EXPECT_EQ(cairn_thread_control(t, CAIRN_THREAD_RESUME, NULL), 0);
    c.thread = t;
    EXPECT_EQ(kt_child_wait(&c, &status), CAIRN_EXIT_STATUS);
    EXPECT_EQ(status, 0x1234);
out:
    kt_child_free(&c);
}
