/*
 * foreign.c - the foreign-ABI hook (cairn/foreign.h): children marked with
 * process_set_syscall_handler run the stubs of foreign_stubs.S, and the
 * test is their handler, receiving each SYSCALL as a message and replying.
 * Checked by what the child sees and how it ends: the words and badge of
 * a forwarded call, the reply in RAX, the registers the handler reads and
 * writes while it holds the call, exit and death by reply, a handler that
 * ends, unmarking and re-marking, every error of the call, the SYSCALL
 * entry switched back for native processes on the same CPU, and memory.
 */
#include "child.h"
#include "ktest.h"
#include "leak.h"
#include "threads.h"
#include <cairn/error.h>
#include <cairn/foreign.h>
#include <cairn/process.h>
#include <cairn/syscalls.h>
#include <cairn/vm.h>
#include <rt/ipc.h>

#define PAGE   4096ull
#define MS     1000000ull
#define SECOND 1000000000ull
/* Where the stubs of foreign_stubs.S are in the child (child.c's own are
 * at CHILD_CODE), and where the test maps their object while it fills it. */
#define FOREIGN_CODE    (CHILD_CODE + 0x100000ull)
#define FOREIGN_FILL_VA 0x300000100000ull
#define TAKE_TIMEOUT    (5 * SECOND)
#define NOT_A_HANDLE    0x7fff0000ull /* an index and generation no table hands out here */
#define ABOVE_32_BITS   (1ull << 32)
#define PROCESS_RIGHTS                                                                             \
    (CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE | CAIRN_RIGHT_MAP | CAIRN_RIGHT_MANAGE |                 \
     CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER | CAIRN_RIGHT_REVOKE)

void kt_foreign_code(void), kt_foreign_code_end(void);
void kt_foreign_regs(void), kt_foreign_regs_after(void), kt_foreign_regs_spin(void);
void kt_foreign_chain(void), kt_foreign_call_then_exit(void), kt_foreign_spin_then_exit(void);

#define FOREIGN_ENTRY(stub) (FOREIGN_CODE + ((uint64_t)(stub) - (uint64_t)kt_foreign_code))

static long set_handler(uint64_t process, uint64_t endpoint)
{
    return ktest_syscall(SYS_PROCESS_SET_SYSCALL_HANDLER, (long)process, (long)endpoint);
}

/* A one-page memory object holding the stubs of foreign_stubs.S. */
static long foreign_code_object(void)
{
    long h = cairn_memory_create(PAGE);
    if (h < 0)
        return h;
    long va = cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, FOREIGN_FILL_VA, PAGE,
                           CAIRN_PROT_READ | CAIRN_PROT_WRITE);
    if (va < 0) {
        cairn_handle_close(h);
        return va;
    }
    const uint8_t *from = (const uint8_t *)kt_foreign_code;
    uint8_t *to = (uint8_t *)FOREIGN_FILL_VA;
    for (uint64_t i = 0; i < (uint64_t)kt_foreign_code_end - (uint64_t)kt_foreign_code; i++)
        to[i] = from[i];
    cairn_vm_unmap(CAIRN_PROCESS_SELF, FOREIGN_FILL_VA, PAGE);
    return h;
}

/* A child of child.h with the foreign stubs mapped at FOREIGN_CODE too. */
struct fchild {
    struct child c;
    long code; /* the foreign stubs' memory object */
};

static bool fchild_new(struct fchild *f)
{
    f->code = 0;
    if (!kt_child_new(&f->c, CHILD_QUOTA))
        return false;
    f->code = foreign_code_object();
    EXPECT_TRUE(f->code > 0);
    if (f->code <= 0)
        return false;
    long va = cairn_vm_map(f->c.process, f->code, 0, FOREIGN_CODE, PAGE,
                           CAIRN_PROT_READ | CAIRN_PROT_EXEC);
    EXPECT_EQ(va, FOREIGN_CODE);
    return va == (long)FOREIGN_CODE;
}

static void fchild_free(struct fchild *f)
{
    kt_child_free(&f->c);
    if (f->code > 0)
        cairn_handle_close(f->code);
    f->code = 0;
}

/* A thread of f at entry (an address in the child) with RDI = arg, created
 * suspended so that a mark made before it is resumed takes effect. */
static long fchild_thread(struct fchild *f, uint64_t entry, uint64_t arg, uint32_t affinity)
{
    struct cairn_thread_params params = {
        .entry = entry,
        .stack = CHILD_STACK_TOP,
        .arg = arg,
        .priority = 32,
        .affinity = affinity,
        .flags = CAIRN_THREAD_SUSPENDED,
    };
    f->c.thread = cairn_thread_create(f->c.process, &params);
    EXPECT_TRUE(f->c.thread > 0);
    return f->c.thread;
}

/* Marks f with a handle of ep badged `badge` (closed again at once: the
 * mark keeps the endpoint) and starts a thread at entry. */
static bool fchild_run_marked(struct fchild *f, long ep, uint64_t badge, uint64_t entry,
                              uint64_t arg, uint32_t affinity)
{
    long minted = cairn_handle_mint(ep, CAIRN_RIGHT_SIGNAL, badge);
    EXPECT_TRUE(minted > 0);
    if (minted <= 0 || fchild_thread(f, entry, arg, affinity) <= 0) {
        cairn_handle_close(minted);
        return false;
    }
    long marked = cairn_process_set_syscall_handler(f->c.process, minted);
    EXPECT_EQ(marked, 0);
    cairn_handle_close(minted);
    long resumed = cairn_thread_control(f->c.thread, CAIRN_THREAD_RESUME, NULL);
    EXPECT_EQ(resumed, 0);
    return marked == 0 && resumed == 0;
}

/* A new child marked with ep (badge) running entry(arg) on any CPU. */
static bool marked_child(struct fchild *f, long ep, uint64_t badge, uint64_t entry, uint64_t arg)
{
    return fchild_new(f) && fchild_run_marked(f, ep, badge, entry, arg, CAIRN_AFFINITY_ANY);
}

/* Receives the next forwarded call on ep: true when one came, and it
 * looks like one (label, no bytes, no capabilities). */
static bool take(long ep, struct cairn_msg *m)
{
    *m = (struct cairn_msg){0};
    long got = rt_ipc_recv((cairn_handle_t)ep, TAKE_TIMEOUT, m);
    EXPECT_EQ(got, 0);
    if (got != 0)
        return false;
    EXPECT_EQ(m->info, CAIRN_MSGINFO(CAIRN_FOREIGN_SYSCALL));
    return true;
}

static long answer(uint32_t label, uint64_t word)
{
    struct cairn_msg m = {.info = CAIRN_MSGINFO(label), .words = {word}};
    return rt_ipc_reply(&m);
}

static void expect_words(const struct cairn_msg *m, uint64_t w0, uint64_t w1, uint64_t w2,
                         uint64_t w3)
{
    EXPECT_EQ(m->words[0], w0);
    EXPECT_EQ(m->words[1], w1);
    EXPECT_EQ(m->words[2], w2);
    EXPECT_EQ(m->words[3], w3);
}

/* No call waits on ep. */
static void expect_no_call(long ep)
{
    struct cairn_msg m;
    EXPECT_ERR(rt_ipc_recv((cairn_handle_t)ep, 0, &m), CAIRN_E_WOULD_BLOCK);
}

/* The thread's registers, read as soon as it is stopped for its handler
 * (it may still be on its way into the wait when the message arrives);
 * false after 2 s of BUSY. */
static bool read_stopped(long thread, struct cairn_thread_regs *regs)
{
    for (int i = 0; i < 2000; i++) {
        long r = cairn_thread_control(thread, CAIRN_THREAD_READ_REGS, regs);
        if (r == 0)
            return true;
        if (r != -CAIRN_E_BUSY)
            break;
        cairn_sleep(MS);
    }
    EXPECT_TRUE(false);
    return false;
}

KTEST(foreign_call_forwards_rax_rdi_rsi_rdx_and_badge_and_the_reply_sets_rax, KTEST_QUICK)
{
    static const uint64_t replies[] = {
        0,
        1,
        UINT64_MAX,
        0x8000000000000000ull,
        (uint64_t)-CAIRN_E_BAD_HANDLE,
        0x0123456789abcdefull,
    };
    const uint64_t base = 0xfedcba9876540000ull; /* no native call has such a number */
    struct fchild f;
    struct cairn_msg m;
    int64_t status = -1;
    long ep = cairn_endpoint_create();
    if (!marked_child(&f, ep, 0x77, FOREIGN_ENTRY(kt_foreign_chain), base))
        goto out;
    uint64_t previous = 0;
    for (uint64_t n = 1; n <= sizeof(replies) / sizeof(replies[0]); n++) {
        if (!take(ep, &m))
            goto out;
        EXPECT_EQ(m.badge, 0x77);
        expect_words(&m, base + n, base, n, previous);
        EXPECT_EQ(answer(CAIRN_FOREIGN_RETURN, replies[n - 1]), 0);
        previous = replies[n - 1];
    }
    /* The last reply came back too; then the handler ends the child. */
    if (take(ep, &m))
        EXPECT_EQ(m.words[3], previous);
    EXPECT_EQ(answer(CAIRN_FOREIGN_EXIT, 42), 0);
    EXPECT_EQ(kt_child_wait(&f.c, &status), CAIRN_EXIT_STATUS);
    EXPECT_EQ(status, 42);
out:
    fchild_free(&f);
    cairn_handle_close(ep);
}

/* The registers of kt_foreign_regs (base + k), read while the handler
 * holds its first call. */
static void expect_regs_at_first_call(const struct cairn_thread_regs *r, uint64_t base)
{
    EXPECT_EQ(r->rax, base + 1);
    EXPECT_EQ(r->rdi, base);
    EXPECT_EQ(r->rsi, base + 2);
    EXPECT_EQ(r->rdx, base + 3);
    EXPECT_EQ(r->r10, base + 4);
    EXPECT_EQ(r->r8, base + 5);
    EXPECT_EQ(r->r9, base + 6);
    EXPECT_EQ(r->rbx, base + 7);
    EXPECT_EQ(r->rbp, base + 8);
    EXPECT_EQ(r->r12, base);
    EXPECT_EQ(r->r13, base + 13);
    EXPECT_EQ(r->r14, base + 14);
    EXPECT_EQ(r->r15, base + 15);
    EXPECT_EQ(r->rip, FOREIGN_ENTRY(kt_foreign_regs_after));
    EXPECT_EQ(r->rcx, r->rip); /* as SYSCALL left them */
    EXPECT_EQ(r->r11, r->rflags);
    EXPECT_TRUE(r->rflags & 0x200);
    EXPECT_EQ(r->rsp, CHILD_STACK_TOP);
    EXPECT_EQ(r->fs_base, 0);
}

KTEST(foreign_call_registers_are_read_and_written_until_the_reply, KTEST_QUICK)
{
    const uint64_t base = 0x5eed000000000000ull;
    const uint64_t marker = 0xf5f5a5a5c3c3e1e1ull;
    struct fchild f;
    struct cairn_msg m;
    struct cairn_thread_regs regs, again;
    struct cairn_thread_info info = {0};
    int64_t status = -1;
    long ep = cairn_endpoint_create();
    if (!fchild_new(&f))
        goto out;
    /* The word the new FS base will point at: the bottom of its stack. */
    EXPECT_EQ(cairn_vm_write(f.c.process, CHILD_STACK, &marker, sizeof(marker)), sizeof(marker));
    if (!fchild_run_marked(&f, ep, 1, FOREIGN_ENTRY(kt_foreign_regs), base, CAIRN_AFFINITY_ANY) ||
        !take(ep, &m))
        goto out;
    expect_words(&m, base + 1, base, base + 2, base + 3);
    if (!read_stopped(f.c.thread, &regs))
        goto out;
    expect_regs_at_first_call(&regs, base);
    /* Stopped for the handler is not suspended: INFO calls it blocked. */
    EXPECT_EQ(cairn_thread_control(f.c.thread, CAIRN_THREAD_INFO, &info), 0);
    EXPECT_EQ(info.state, CAIRN_THREAD_BLOCKED);
    EXPECT_EQ(info.suspended, 0);
    /* A general register and the FS base (arch_prctl's way); RAX is the
     * reply's to set. */
    regs.rbx = 0x7777;
    regs.fs_base = CHILD_STACK;
    regs.rax = 0xdead;
    EXPECT_EQ(cairn_thread_control(f.c.thread, CAIRN_THREAD_WRITE_REGS, &regs), 0);
    EXPECT_EQ(cairn_thread_control(f.c.thread, CAIRN_THREAD_READ_REGS, &again), 0);
    EXPECT_EQ(again.rbx, 0x7777);
    EXPECT_EQ(again.fs_base, CHILD_STACK);
    EXPECT_EQ(again.r10, base + 4);
    EXPECT_EQ(answer(CAIRN_FOREIGN_RETURN, 0xfeed), 0);
    /* The child reports RAX, RBX and FS:0 as it resumed with them. */
    if (!take(ep, &m))
        goto out;
    expect_words(&m, base + 16, 0xfeed, 0x7777, marker);
    EXPECT_EQ(answer(CAIRN_FOREIGN_RETURN, 0), 0);
    /* Replied to, it runs again (it spins): its registers are not to be
     * had until it stops. */
    EXPECT_ERR(cairn_thread_control(f.c.thread, CAIRN_THREAD_READ_REGS, &regs), CAIRN_E_BUSY);
    EXPECT_ERR(cairn_thread_control(f.c.thread, CAIRN_THREAD_WRITE_REGS, &again), CAIRN_E_BUSY);
    EXPECT_EQ(cairn_thread_control(f.c.thread, CAIRN_THREAD_INFO, &info), 0);
    EXPECT_EQ(info.state, CAIRN_THREAD_RUNNING);
    /* Suspended in its loop it shows what both calls left. */
    EXPECT_EQ(cairn_thread_control(f.c.thread, CAIRN_THREAD_SUSPEND, NULL), 0);
    EXPECT_TRUE(kt_thread_reaches(f.c.thread, CAIRN_THREAD_STOPPED));
    EXPECT_EQ(cairn_thread_control(f.c.thread, CAIRN_THREAD_READ_REGS, &regs), 0);
    uint64_t spin = FOREIGN_ENTRY(kt_foreign_regs_spin);
    EXPECT_TRUE(regs.rip >= spin && regs.rip < spin + 4);
    EXPECT_EQ(regs.rcx, spin);
    EXPECT_EQ(regs.rax, 0);
    EXPECT_EQ(regs.rbx, 0x7777);
    EXPECT_EQ(regs.r8, base + 5);
    EXPECT_EQ(regs.r9, base + 6);
    EXPECT_EQ(regs.r10, base + 4);
    EXPECT_EQ(regs.fs_base, CHILD_STACK);
    EXPECT_EQ(cairn_process_kill(f.c.process), 0);
    EXPECT_EQ(kt_child_wait(&f.c, &status), CAIRN_EXIT_KILLED);
out:
    fchild_free(&f);
    cairn_handle_close(ep);
}

KTEST(foreign_call_suspended_meanwhile_stops_with_the_reply_in_rax, KTEST_QUICK)
{
    const uint64_t base = 0x7fff0000ull;
    struct fchild f;
    struct cairn_msg m;
    struct cairn_thread_regs regs;
    struct cairn_thread_info info = {0};
    int64_t status = -1;
    long ep = cairn_endpoint_create();
    if (!marked_child(&f, ep, 2, FOREIGN_ENTRY(kt_foreign_chain), base) || !take(ep, &m))
        goto out;
    EXPECT_EQ(cairn_thread_control(f.c.thread, CAIRN_THREAD_SUSPEND, NULL), 0);
    EXPECT_EQ(cairn_thread_control(f.c.thread, CAIRN_THREAD_INFO, &info), 0);
    EXPECT_EQ(info.suspended, 1);
    EXPECT_EQ(answer(CAIRN_FOREIGN_RETURN, 0x55), 0);
    EXPECT_TRUE(kt_thread_reaches(f.c.thread, CAIRN_THREAD_STOPPED));
    EXPECT_EQ(cairn_thread_control(f.c.thread, CAIRN_THREAD_READ_REGS, &regs), 0);
    EXPECT_EQ(regs.rax, 0x55);
    EXPECT_EQ(regs.rsi, 1);
    EXPECT_EQ(regs.rcx, regs.rip);
    /* Nothing more arrives while it is stopped; resumed, it goes on. */
    expect_no_call(ep);
    EXPECT_EQ(cairn_thread_control(f.c.thread, CAIRN_THREAD_RESUME, NULL), 0);
    if (take(ep, &m))
        expect_words(&m, base + 2, base, 2, 0x55);
    EXPECT_EQ(answer(CAIRN_FOREIGN_EXIT, 0), 0);
    EXPECT_EQ(kt_child_wait(&f.c, &status), CAIRN_EXIT_STATUS);
    EXPECT_EQ(status, 0);
out:
    fchild_free(&f);
    cairn_handle_close(ep);
}

KTEST(foreign_exit_reply_ends_the_child_with_that_status, KTEST_QUICK)
{
    struct fchild f;
    struct cairn_msg m;
    int64_t status = 0;
    long ep = cairn_endpoint_create();
    if (!marked_child(&f, ep, 3, FOREIGN_ENTRY(kt_foreign_call_then_exit), 0x1234) || !take(ep, &m))
        goto out;
    expect_words(&m, 0x1234, 0x1234, 0, 0);
    EXPECT_EQ(answer(CAIRN_FOREIGN_EXIT, (uint64_t)-7), 0);
    EXPECT_EQ(kt_child_wait(&f.c, &status), CAIRN_EXIT_STATUS);
    EXPECT_EQ(status, -7);
    /* It never made its second call. */
    expect_no_call(ep);
out:
    fchild_free(&f);
    cairn_handle_close(ep);
}

KTEST(foreign_reply_with_an_unknown_label_kills_the_child, KTEST_QUICK)
{
    static const uint32_t labels[] = {2, CAIRN_FOREIGN_SYSCALL, 0xffffffffu};
    for (unsigned i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
        struct fchild f;
        struct cairn_msg m;
        int64_t status = -1;
        long ep = cairn_endpoint_create();
        if (marked_child(&f, ep, 4, FOREIGN_ENTRY(kt_foreign_call_then_exit), 9) && take(ep, &m)) {
            EXPECT_EQ(answer(labels[i], 5), 0);
            EXPECT_EQ(kt_child_wait(&f.c, &status), CAIRN_EXIT_FAULTED);
            EXPECT_EQ(status, 0);
            expect_no_call(ep);
        }
        fchild_free(&f);
        cairn_handle_close(ep);
    }
}

static volatile uint64_t taken_word; /* what the vanishing handler received */

/* Receives one call and ends without replying. */
static void take_and_vanish(uint64_t ep)
{
    struct cairn_msg m = {0};
    if (rt_ipc_recv((cairn_handle_t)ep, TAKE_TIMEOUT, &m) == 0)
        taken_word = m.words[0];
    kt_thread_done();
}

KTEST(foreign_handler_ending_before_replying_kills_the_child, KTEST_QUICK)
{
    struct fchild f;
    int64_t status = -1;
    long ep = cairn_endpoint_create();
    taken_word = 0;
    if (marked_child(&f, ep, 5, FOREIGN_ENTRY(kt_foreign_call_then_exit), 0xabc)) {
        EXPECT_TRUE(kt_spawn(take_and_vanish, (uint64_t)ep, CAIRN_AFFINITY_ANY) > 0);
        kt_join(1);
        EXPECT_EQ(taken_word, 0xabc);
        EXPECT_EQ(kt_child_wait(&f.c, &status), CAIRN_EXIT_FAULTED);
        EXPECT_EQ(status, 0);
    }
    fchild_free(&f);
    cairn_handle_close(ep);
}

KTEST(foreign_child_killed_during_a_call_ends_and_the_late_reply_finds_no_one, KTEST_QUICK)
{
    struct fchild f;
    struct cairn_msg m;
    int64_t status = -1;
    long ep = cairn_endpoint_create();
    if (marked_child(&f, ep, 6, FOREIGN_ENTRY(kt_foreign_chain), 0x100) && take(ep, &m)) {
        EXPECT_EQ(cairn_process_kill(f.c.process), 0);
        EXPECT_EQ(kt_child_wait(&f.c, &status), CAIRN_EXIT_KILLED);
        EXPECT_ERR(answer(CAIRN_FOREIGN_RETURN, 1), CAIRN_E_PEER_DEAD);
        EXPECT_ERR(answer(CAIRN_FOREIGN_RETURN, 1), CAIRN_E_NOT_FOUND);
    }
    fchild_free(&f);
    cairn_handle_close(ep);
}

KTEST(foreign_fault_of_a_marked_child_kills_it_without_a_call, KTEST_QUICK)
{
    struct fchild f;
    int64_t status = -1;
    long ep = cairn_endpoint_create();
    if (marked_child(&f, ep, 7, CHILD_ENTRY(kt_child_fault), 0)) {
        EXPECT_EQ(kt_child_wait(&f.c, &status), CAIRN_EXIT_FAULTED);
        expect_no_call(ep);
    }
    fchild_free(&f);
    cairn_handle_close(ep);
}

KTEST(foreign_unmarked_child_makes_native_calls, KTEST_QUICK)
{
    struct fchild f;
    int64_t status = -1;
    long ep = cairn_endpoint_create();
    if (fchild_new(&f) &&
        fchild_thread(&f, CHILD_ENTRY(kt_child_exit), 7, CAIRN_AFFINITY_ANY) > 0) {
        EXPECT_EQ(cairn_process_set_syscall_handler(f.c.process, ep), 0);
        EXPECT_EQ(cairn_process_set_syscall_handler(f.c.process, CAIRN_HANDLE_NONE), 0);
        /* Unmarking an unmarked process changes nothing either. */
        EXPECT_EQ(cairn_process_set_syscall_handler(f.c.process, CAIRN_HANDLE_NONE), 0);
        EXPECT_EQ(cairn_thread_control(f.c.thread, CAIRN_THREAD_RESUME, NULL), 0);
        EXPECT_EQ(kt_child_wait(&f.c, &status), CAIRN_EXIT_STATUS);
        EXPECT_EQ(status, 7);
        expect_no_call(ep);
    }
    fchild_free(&f);
    cairn_handle_close(ep);
}

KTEST(foreign_unmarked_during_a_call_resumes_with_native_calls, KTEST_QUICK)
{
    struct fchild f;
    struct cairn_msg m;
    int64_t status = -1;
    long ep = cairn_endpoint_create();
    if (marked_child(&f, ep, 8, FOREIGN_ENTRY(kt_foreign_call_then_exit), 0x4242) && take(ep, &m)) {
        EXPECT_EQ(cairn_process_set_syscall_handler(f.c.process, CAIRN_HANDLE_NONE), 0);
        /* Its exit, with the reply's word, is Cairn's own now. */
        EXPECT_EQ(answer(CAIRN_FOREIGN_RETURN, 9), 0);
        EXPECT_EQ(kt_child_wait(&f.c, &status), CAIRN_EXIT_STATUS);
        EXPECT_EQ(status, 9);
        expect_no_call(ep);
    }
    fchild_free(&f);
    cairn_handle_close(ep);
}

/* Unmarked while it runs, on any CPU: its next system call is its own,
 * whether or not it was switched out in between. */
KTEST(foreign_unmarked_while_running_makes_native_calls, KTEST_QUICK)
{
    const uint64_t go = 5;
    for (uint32_t cpu = 0; cpu < kt_cpus(); cpu++) {
        struct fchild f;
        int64_t status = -1;
        long ep = cairn_endpoint_create();
        if (fchild_new(&f) &&
            fchild_run_marked(&f, ep, 10, FOREIGN_ENTRY(kt_foreign_spin_then_exit), CHILD_STACK,
                              cpu)) {
            cairn_sleep(5 * MS);
            EXPECT_EQ(cairn_process_set_syscall_handler(f.c.process, CAIRN_HANDLE_NONE), 0);
            EXPECT_EQ(cairn_vm_write(f.c.process, CHILD_STACK, &go, sizeof(go)), sizeof(go));
            EXPECT_EQ(kt_child_wait(&f.c, &status), CAIRN_EXIT_STATUS);
            EXPECT_EQ(status, 5);
            expect_no_call(ep);
        }
        fchild_free(&f);
        cairn_handle_close(ep);
    }
}

KTEST(foreign_marking_again_replaces_the_endpoint_and_badge, KTEST_QUICK)
{
    struct fchild f;
    struct cairn_msg m;
    int64_t status = -1;
    long ep1 = cairn_endpoint_create(), ep2 = cairn_endpoint_create();
    long first = cairn_handle_mint(ep1, CAIRN_RIGHT_SIGNAL, 1);
    long second = cairn_handle_mint(ep2, CAIRN_RIGHT_SIGNAL, 2);
    if (fchild_new(&f) &&
        fchild_thread(&f, CHILD_ENTRY(kt_child_exit), 5, CAIRN_AFFINITY_ANY) > 0) {
        EXPECT_EQ(cairn_process_set_syscall_handler(f.c.process, first), 0);
        EXPECT_EQ(cairn_process_set_syscall_handler(f.c.process, second), 0);
        EXPECT_EQ(cairn_thread_control(f.c.thread, CAIRN_THREAD_RESUME, NULL), 0);
        /* Cairn's exit stub, forwarded like any SYSCALL of a marked child. */
        if (take(ep2, &m)) {
            EXPECT_EQ(m.badge, 2);
            expect_words(&m, SYS_EXIT, 5, 0, 0);
            EXPECT_EQ(answer(CAIRN_FOREIGN_EXIT, m.words[1] + 1), 0);
        }
        EXPECT_EQ(kt_child_wait(&f.c, &status), CAIRN_EXIT_STATUS);
        EXPECT_EQ(status, 6);
        expect_no_call(ep1);
    }
    fchild_free(&f);
    long handles[] = {first, second, ep1, ep2};
    for (unsigned i = 0; i < sizeof(handles) / sizeof(handles[0]); i++)
        cairn_handle_close(handles[i]);
}

KTEST(foreign_mark_survives_revoking_and_closing_the_handle_that_named_it, KTEST_QUICK)
{
    struct fchild f;
    struct cairn_msg m;
    int64_t status = -1;
    long ep = cairn_endpoint_create();
    long minted = cairn_handle_mint(ep, CAIRN_RIGHT_SIGNAL, 0x99);
    if (fchild_new(&f) &&
        fchild_thread(&f, FOREIGN_ENTRY(kt_foreign_call_then_exit), 3, CAIRN_AFFINITY_ANY) > 0) {
        EXPECT_EQ(cairn_process_set_syscall_handler(f.c.process, minted), 0);
        EXPECT_EQ(cairn_handle_revoke(ep), 0);
        EXPECT_ERR(cairn_process_set_syscall_handler(f.c.process, minted), CAIRN_E_REVOKED);
        EXPECT_EQ(cairn_handle_close(minted), 0);
        minted = 0;
        EXPECT_EQ(cairn_thread_control(f.c.thread, CAIRN_THREAD_RESUME, NULL), 0);
        if (take(ep, &m)) {
            EXPECT_EQ(m.badge, 0x99);
            EXPECT_EQ(m.words[0], 3);
            EXPECT_EQ(answer(CAIRN_FOREIGN_EXIT, 12), 0);
        }
        EXPECT_EQ(kt_child_wait(&f.c, &status), CAIRN_EXIT_STATUS);
        EXPECT_EQ(status, 12);
    }
    fchild_free(&f);
    if (minted > 0)
        cairn_handle_close(minted);
    cairn_handle_close(ep);
}

/* The mark keeps the endpoint object, but once its last handle is gone no
 * one can receive on it: the forwarded call fails with PEER_DEAD rather
 * than wait for ever, which kills the process as a handler that ended. */
KTEST(foreign_mark_fails_after_the_endpoints_last_handle_closes, KTEST_QUICK)
{
    struct fchild f;
    int64_t status = -1;
    long ep = cairn_endpoint_create();
    if (fchild_new(&f) &&
        fchild_thread(&f, FOREIGN_ENTRY(kt_foreign_chain), 0x200, CAIRN_AFFINITY_ANY) > 0) {
        EXPECT_EQ(cairn_process_set_syscall_handler(f.c.process, ep), 0);
        EXPECT_EQ(cairn_handle_close(ep), 0);
        ep = 0;
        EXPECT_EQ(cairn_thread_control(f.c.thread, CAIRN_THREAD_RESUME, NULL), 0);
        EXPECT_EQ(kt_child_wait(&f.c, &status), CAIRN_EXIT_FAULTED);
    }
    fchild_free(&f);
    if (ep > 0)
        cairn_handle_close(ep);
}

/* Serves whichever thread of a two-threaded chain child calls: the reply
 * to call RAX is REPLY_OF(RAX), so every call shows whether the previous
 * reply reached the thread that made the call it answered. */
#define REPLY_OF(rax) ((rax) ^ 0x5a5a000000000000ull)
#define TWO_BASES     2
#define TWO_CALLS     40

static volatile uint64_t two_seen[TWO_BASES]; /* highest n seen per thread */
static volatile int two_wrong, two_stop;

static void serve_two(uint64_t ep)
{
    while (!__atomic_load_n(&two_stop, __ATOMIC_ACQUIRE)) {
        struct cairn_msg m;
        if (rt_ipc_recv((cairn_handle_t)ep, 10 * MS, &m) != 0)
            continue;
        uint64_t base = m.words[1], n = m.words[2];
        unsigned which = base == 0x1000 ? 0 : base == 0x2000 ? 1 : 2;
        uint64_t previous = n > 1 ? REPLY_OF(base + n - 1) : 0;
        if (which == TWO_BASES || m.words[0] != base + n || m.words[3] != previous)
            __atomic_fetch_add(&two_wrong, 1, __ATOMIC_RELAXED);
        else if (n > two_seen[which])
            two_seen[which] = n;
        answer(CAIRN_FOREIGN_RETURN, REPLY_OF(m.words[0]));
    }
    kt_thread_done();
}

KTEST(foreign_calls_of_two_threads_each_get_their_own_reply, KTEST_QUICK)
{
    struct fchild f;
    int64_t status = -1;
    long ep = cairn_endpoint_create();
    two_seen[0] = two_seen[1] = 0;
    two_wrong = two_stop = 0;
    EXPECT_TRUE(kt_spawn(serve_two, (uint64_t)ep, CAIRN_AFFINITY_ANY) > 0);
    EXPECT_TRUE(kt_spawn(serve_two, (uint64_t)ep, CAIRN_AFFINITY_ANY) > 0);
    if (marked_child(&f, ep, 9, FOREIGN_ENTRY(kt_foreign_chain), 0x1000)) {
        long first = f.c.thread;
        /* The second thread needs its own stack only in name: the stub
         * never touches it. */
        if (fchild_thread(&f, FOREIGN_ENTRY(kt_foreign_chain), 0x2000, CAIRN_AFFINITY_ANY) > 0)
            EXPECT_EQ(cairn_thread_control(f.c.thread, CAIRN_THREAD_RESUME, NULL), 0);
        for (int i = 0; i < 5000 && (two_seen[0] < TWO_CALLS || two_seen[1] < TWO_CALLS); i++)
            cairn_sleep(MS);
        EXPECT_TRUE(two_seen[0] >= TWO_CALLS);
        EXPECT_TRUE(two_seen[1] >= TWO_CALLS);
        EXPECT_EQ(cairn_process_kill(f.c.process), 0);
        EXPECT_EQ(kt_child_wait(&f.c, &status), CAIRN_EXIT_KILLED);
        cairn_handle_close(first);
    }
    __atomic_store_n(&two_stop, 1, __ATOMIC_RELEASE);
    kt_join(2);
    EXPECT_EQ(two_wrong, 0);
    fchild_free(&f);
    cairn_handle_close(ep);
}

/* A handler on one CPU for a child on the same CPU: each switch between
 * them changes the SYSCALL entry, and the handler's own calls are native. */
struct same_cpu {
    long ep;
    int calls; /* forwarded calls answered as expected */
};

static void serve_chain_here(uint64_t arg)
{
    struct same_cpu *s = (struct same_cpu *)arg;
    for (uint64_t n = 1; n <= 20; n++) {
        struct cairn_msg m;
        if (rt_ipc_recv((cairn_handle_t)s->ep, TAKE_TIMEOUT, &m) != 0)
            break;
        if (m.words[0] == 0x300 + n && m.words[2] == n && cairn_null() == 0)
            s->calls++;
        answer(n == 20 ? CAIRN_FOREIGN_EXIT : CAIRN_FOREIGN_RETURN, n);
    }
    kt_thread_done();
}

KTEST(foreign_entry_is_switched_back_for_native_threads_on_the_same_cpu, KTEST_QUICK)
{
    unsigned cpus = kt_cpus();
    for (uint32_t cpu = 0; cpu < cpus; cpu++) {
        struct fchild marked, native;
        struct same_cpu s = {.ep = cairn_endpoint_create()};
        int64_t status = -1;
        kt_reset();
        if (fchild_new(&marked) &&
            fchild_thread(&marked, FOREIGN_ENTRY(kt_foreign_chain), 0x300, cpu) > 0) {
            EXPECT_TRUE(kt_spawn(serve_chain_here, (uint64_t)&s, cpu) > 0);
            EXPECT_EQ(cairn_process_set_syscall_handler(marked.c.process, s.ep), 0);
            EXPECT_EQ(cairn_thread_control(marked.c.thread, CAIRN_THREAD_RESUME, NULL), 0);
            EXPECT_EQ(kt_child_wait(&marked.c, &status), CAIRN_EXIT_STATUS);
            EXPECT_EQ(status, 20);
            kt_join(1);
            EXPECT_EQ(s.calls, 20);
        }
        /* An unmarked child on that CPU right after: its exit is its own. */
        if (fchild_new(&native) && fchild_thread(&native, CHILD_ENTRY(kt_child_exit), 4, cpu) > 0) {
            EXPECT_EQ(cairn_thread_control(native.c.thread, CAIRN_THREAD_RESUME, NULL), 0);
            EXPECT_EQ(kt_child_wait(&native.c, &status), CAIRN_EXIT_STATUS);
            EXPECT_EQ(status, 4);
        }
        fchild_free(&native);
        fchild_free(&marked);
        cairn_handle_close(s.ep);
    }
}

KTEST(foreign_set_handler_rejects_self_and_handles_above_32_bits, KTEST_QUICK)
{
    long ep = cairn_endpoint_create();
    struct fchild f;
    EXPECT_ERR(cairn_process_set_syscall_handler(CAIRN_PROCESS_SELF, ep), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_process_set_syscall_handler(CAIRN_PROCESS_SELF, 0), CAIRN_E_INVALID_ARGUMENT);
    /* Not self by its low 32 bits either. */
    EXPECT_ERR(set_handler(ABOVE_32_BITS, (uint64_t)ep), CAIRN_E_BAD_HANDLE);
    if (fchild_new(&f)) {
        EXPECT_ERR(set_handler(ABOVE_32_BITS | (uint64_t)f.c.process, (uint64_t)ep),
                   CAIRN_E_BAD_HANDLE);
        EXPECT_ERR(set_handler((uint64_t)f.c.process, ABOVE_32_BITS | (uint64_t)ep),
                   CAIRN_E_BAD_HANDLE);
        EXPECT_ERR(set_handler((uint64_t)f.c.process, ABOVE_32_BITS), CAIRN_E_BAD_HANDLE);
    }
    /* This process still makes native calls. */
    EXPECT_EQ(cairn_null(), 0);
    fchild_free(&f);
    cairn_handle_close(ep);
}

KTEST(foreign_set_handler_rejects_bad_process_handles, KTEST_QUICK)
{
    struct fchild f;
    long ep = cairn_endpoint_create();
    long n = cairn_notification_create();
    long stale = cairn_notification_create();
    cairn_handle_close(stale);
    if (fchild_new(&f)) {
        long process = f.c.process;
        long dup = cairn_handle_duplicate(process, PROCESS_RIGHTS);
        long unmanaged = cairn_handle_duplicate(process, PROCESS_RIGHTS & ~CAIRN_RIGHT_MANAGE);
        EXPECT_ERR(set_handler(NOT_A_HANDLE, (uint64_t)ep), CAIRN_E_BAD_HANDLE);
        EXPECT_ERR(set_handler((uint64_t)stale, (uint64_t)ep), CAIRN_E_BAD_HANDLE);
        EXPECT_ERR(set_handler((uint64_t)ep, (uint64_t)ep), CAIRN_E_WRONG_TYPE);
        EXPECT_ERR(set_handler((uint64_t)n, (uint64_t)ep), CAIRN_E_WRONG_TYPE);
        EXPECT_ERR(set_handler((uint64_t)unmanaged, (uint64_t)ep), CAIRN_E_ACCESS_DENIED);
        EXPECT_ERR(set_handler((uint64_t)unmanaged, 0), CAIRN_E_ACCESS_DENIED);
        EXPECT_EQ(cairn_handle_revoke(process), 0);
        EXPECT_ERR(set_handler((uint64_t)dup, (uint64_t)ep), CAIRN_E_REVOKED);
        EXPECT_ERR(set_handler((uint64_t)dup, 0), CAIRN_E_REVOKED);
        /* The root handle is not revoked with what derives from it. */
        EXPECT_EQ(set_handler((uint64_t)process, (uint64_t)ep), 0);
        cairn_handle_close(dup);
        cairn_handle_close(unmanaged);
    }
    fchild_free(&f);
    cairn_handle_close(n);
    cairn_handle_close(ep);
}

KTEST(foreign_set_handler_rejects_bad_endpoint_handles, KTEST_QUICK)
{
    struct fchild f;
    long ep = cairn_endpoint_create();
    long n = cairn_notification_create();
    long stale = cairn_endpoint_create();
    long derived = cairn_handle_duplicate(ep, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE);
    long wait_only = cairn_handle_duplicate(ep, CAIRN_RIGHT_WAIT);
    cairn_handle_close(stale);
    if (fchild_new(&f)) {
        uint64_t p = (uint64_t)f.c.process;
        EXPECT_ERR(set_handler(p, NOT_A_HANDLE), CAIRN_E_BAD_HANDLE);
        EXPECT_ERR(set_handler(p, (uint64_t)stale), CAIRN_E_BAD_HANDLE);
        EXPECT_ERR(set_handler(p, (uint64_t)n), CAIRN_E_WRONG_TYPE);
        EXPECT_ERR(set_handler(p, p), CAIRN_E_WRONG_TYPE);
        EXPECT_ERR(set_handler(p, (uint64_t)f.code), CAIRN_E_WRONG_TYPE);
        EXPECT_ERR(set_handler(p, (uint64_t)wait_only), CAIRN_E_ACCESS_DENIED);
        EXPECT_EQ(cairn_handle_revoke(ep), 0);
        EXPECT_ERR(set_handler(p, (uint64_t)derived), CAIRN_E_REVOKED);
        EXPECT_ERR(set_handler(p, (uint64_t)wait_only), CAIRN_E_REVOKED);
    }
    fchild_free(&f);
    cairn_handle_close(derived);
    cairn_handle_close(wait_only);
    cairn_handle_close(n);
    cairn_handle_close(ep);
}

KTEST(foreign_failed_set_handler_leaves_the_mark_as_it_was, KTEST_QUICK)
{
    struct fchild f;
    struct cairn_msg m;
    int64_t status = -1;
    long ep = cairn_endpoint_create();
    long minted = cairn_handle_mint(ep, CAIRN_RIGHT_SIGNAL, 3);
    long other = cairn_endpoint_create();
    long wait_only = cairn_handle_duplicate(other, CAIRN_RIGHT_WAIT);
    long n = cairn_notification_create();
    if (fchild_new(&f) &&
        fchild_thread(&f, CHILD_ENTRY(kt_child_exit), 4, CAIRN_AFFINITY_ANY) > 0) {
        long unmanaged = cairn_handle_duplicate(f.c.process, PROCESS_RIGHTS & ~CAIRN_RIGHT_MANAGE);
        EXPECT_EQ(cairn_process_set_syscall_handler(f.c.process, minted), 0);
        EXPECT_ERR(set_handler((uint64_t)f.c.process, (uint64_t)n), CAIRN_E_WRONG_TYPE);
        EXPECT_ERR(set_handler((uint64_t)f.c.process, (uint64_t)wait_only), CAIRN_E_ACCESS_DENIED);
        EXPECT_ERR(set_handler((uint64_t)f.c.process, NOT_A_HANDLE), CAIRN_E_BAD_HANDLE);
        EXPECT_ERR(set_handler((uint64_t)unmanaged, (uint64_t)other), CAIRN_E_ACCESS_DENIED);
        EXPECT_ERR(set_handler((uint64_t)unmanaged, 0), CAIRN_E_ACCESS_DENIED);
        EXPECT_EQ(cairn_thread_control(f.c.thread, CAIRN_THREAD_RESUME, NULL), 0);
        if (take(ep, &m)) {
            EXPECT_EQ(m.badge, 3);
            EXPECT_EQ(answer(CAIRN_FOREIGN_EXIT, m.words[1]), 0);
        }
        EXPECT_EQ(kt_child_wait(&f.c, &status), CAIRN_EXIT_STATUS);
        EXPECT_EQ(status, 4);
        expect_no_call(other);
        cairn_handle_close(unmanaged);
    }
    fchild_free(&f);
    long handles[] = {minted, wait_only, other, n, ep};
    for (unsigned i = 0; i < sizeof(handles) / sizeof(handles[0]); i++)
        cairn_handle_close(handles[i]);
}

KTEST(foreign_set_handler_on_an_ended_process_is_peer_dead, KTEST_QUICK)
{
    struct fchild f;
    int64_t status = -1;
    long ep = cairn_endpoint_create();
    if (fchild_new(&f) &&
        fchild_thread(&f, CHILD_ENTRY(kt_child_exit), 1, CAIRN_AFFINITY_ANY) > 0) {
        EXPECT_EQ(cairn_thread_control(f.c.thread, CAIRN_THREAD_RESUME, NULL), 0);
        EXPECT_EQ(kt_child_wait(&f.c, &status), CAIRN_EXIT_STATUS);
        EXPECT_ERR(cairn_process_set_syscall_handler(f.c.process, ep), CAIRN_E_PEER_DEAD);
        EXPECT_ERR(cairn_process_set_syscall_handler(f.c.process, 0), CAIRN_E_PEER_DEAD);
    }
    fchild_free(&f);
    /* Killed before any thread ran: it ends at once. */
    if (fchild_new(&f)) {
        EXPECT_EQ(cairn_process_kill(f.c.process), 0);
        EXPECT_EQ(kt_child_wait(&f.c, &status), CAIRN_EXIT_KILLED);
        EXPECT_ERR(cairn_process_set_syscall_handler(f.c.process, ep), CAIRN_E_PEER_DEAD);
    }
    fchild_free(&f);
    cairn_handle_close(ep);
}

/* One child of each ending: exit by reply, killed during a call, a reply
 * that kills, and killed by the kernel when the handler endpoint's last
 * handle goes (its forwarded call fails with PEER_DEAD, queued or not). */
static void one_foreign_round(void)
{
    struct fchild f;
    struct cairn_msg m;
    int64_t status;
    long ep = cairn_endpoint_create();
    if (marked_child(&f, ep, 1, FOREIGN_ENTRY(kt_foreign_chain), 0x10)) {
        for (int i = 0; i < 3 && take(ep, &m); i++)
            answer(i == 2 ? CAIRN_FOREIGN_EXIT : CAIRN_FOREIGN_RETURN, 2);
        EXPECT_EQ(kt_child_wait(&f.c, &status), CAIRN_EXIT_STATUS);
    }
    fchild_free(&f);
    if (marked_child(&f, ep, 2, FOREIGN_ENTRY(kt_foreign_chain), 0x20) && take(ep, &m)) {
        cairn_process_kill(f.c.process);
        EXPECT_EQ(kt_child_wait(&f.c, &status), CAIRN_EXIT_KILLED);
        answer(CAIRN_FOREIGN_RETURN, 0);
    }
    fchild_free(&f);
    if (marked_child(&f, ep, 3, FOREIGN_ENTRY(kt_foreign_call_then_exit), 0x30) && take(ep, &m)) {
        answer(CAIRN_FOREIGN_SYSCALL, 0);
        EXPECT_EQ(kt_child_wait(&f.c, &status), CAIRN_EXIT_FAULTED);
    }
    fchild_free(&f);
    long orphan = cairn_endpoint_create();
    if (marked_child(&f, orphan, 4, FOREIGN_ENTRY(kt_foreign_chain), 0x40)) {
        cairn_handle_close(orphan);
        orphan = 0;
        EXPECT_EQ(kt_child_wait(&f.c, &status), CAIRN_EXIT_FAULTED);
    }
    fchild_free(&f);
    if (orphan > 0)
        cairn_handle_close(orphan);
    cairn_handle_close(ep);
}

static void foreign_rounds_leave_no_trace(int rounds)
{
    struct cairn_system_info before;
    one_foreign_round(); /* warm the heap's size classes */
    cairn_sleep(2 * MS);
    cairn_system_info(&before);
    for (int i = 0; i < rounds; i++)
        one_foreign_round();
    EXPECT_TRUE(kt_memory_back_to(&before));
}

KTEST(foreign_rounds_leak_nothing, KTEST_QUICK)
{
    foreign_rounds_leave_no_trace(20);
}

KTEST(foreign_500_rounds_leak_nothing, KTEST_FULL)
{
    foreign_rounds_leave_no_trace(500);
}
