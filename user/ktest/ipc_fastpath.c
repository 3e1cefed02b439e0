/*
 * ipc_fastpath.c - the IPC fast path (kernel/object/ipc_fastpath.c): a
 * client and a server on one CPU exchange many messages, interleaved with
 * the slow path (a server that receives with a timeout, a client on
 * another CPU, bad descriptors), and every word, the badge and the
 * callee-saved registers of both sides must come through intact. A server
 * that dies leaves its fast-path caller with PEER_DEAD; reply_recv with a
 * handle of the wrong type or rights, or none, fails and replies to no one.
 */
#include "child.h"
#include "ktest.h"
#include "threads.h"
#include <cairn/error.h>
#include <cairn/ioport.h>
#include <cairn/process.h>
#include <cairn/startup.h>
#include <cairn/syscalls.h>
#include <rt/ipc.h>
#include <rt/rt.h>

#define ROUNDS     3000
#define SERVER_CPU 0u

/* Labels: what the server does after answering. */
#define LABEL_FAST    1 /* reply_recv: a blocking receive the fast path can complete */
#define LABEL_TIMED   2 /* reply, then receive with a timeout: the slow path only */
#define LABEL_UNTIMED 3 /* reply, then ipc_recv without a timeout */
#define LABEL_DIE     4 /* end without replying */
#define LABEL_STOP    5 /* reply and end */

/* One IPC system call that also loads RBX, R12-R15 and XMM0 with values
 * derived from seed and reports whether they came back unchanged: the
 * fast path resumes threads in ring 3 from their saved frame, so it must
 * restore them, and switches the x87/SSE state as any switch does. (This
 * code is built without SSE, so XMM0 is the test's alone.) RDI in:
 * handle (badge out); RSI: descriptor (or timeout). */
static long ipc_checked(long number, uint64_t handle, struct cairn_msg *msg, uint64_t seed,
                        bool *intact)
{
    register uint64_t rdi __asm__("rdi") = handle;
    register uint64_t rsi __asm__("rsi") = msg->info;
    register uint64_t rdx __asm__("rdx") = msg->words[0];
    register uint64_t r10 __asm__("r10") = msg->words[1];
    register uint64_t r8 __asm__("r8") = msg->words[2];
    register uint64_t r9 __asm__("r9") = msg->words[3];
    register uint64_t rbx __asm__("rbx") = seed * 3;
    register uint64_t r12 __asm__("r12") = seed * 5;
    register uint64_t r13 __asm__("r13") = seed * 7;
    register uint64_t r14 __asm__("r14") = seed * 11;
    register uint64_t r15 __asm__("r15") = seed * 13;
    register uint64_t xmm = seed * 17;
    long ret;
    __asm__ volatile("movq %[xmm], %%xmm0\n\t"
                     "syscall\n\t"
                     "movq %%xmm0, %[xmm]"
                     : "=a"(ret), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8), "+r"(r9),
                       "+r"(rbx), "+r"(r12), "+r"(r13), "+r"(r14), "+r"(r15), [xmm] "+c"(xmm)
                     : "a"(number)
                     : "r11", "memory");
    *intact = rbx == seed * 3 && r12 == seed * 5 && r13 == seed * 7 && r14 == seed * 11 &&
              r15 == seed * 13 && xmm == seed * 17;
    if (ret == 0) {
        msg->badge = rdi;
        msg->info = rsi;
        msg->words[0] = rdx;
        msg->words[1] = r10;
        msg->words[2] = r8;
        msg->words[3] = r9;
    }
    return ret;
}

/* The server's answer to m: a function of every word and the badge. */
static void transform(struct cairn_msg *m)
{
    uint64_t badge = m->badge;
    m->info = CAIRN_MSGINFO(CAIRN_MSGINFO_LABEL(m->info) + 100);
    m->words[0] = ~m->words[0];
    m->words[1] = m->words[1] * 3 + 1;
    m->words[2] ^= badge;
    m->words[3] = (m->words[3] << 13) | (m->words[3] >> 51);
}

static volatile int server_faults; /* callee-saved registers the server lost */
static volatile long server_status;

/* Answers until LABEL_STOP (or ends silently at LABEL_DIE), receiving the
 * next message the way each message's label asks. */
static void server(uint64_t ep)
{
    struct cairn_msg m = {.info = UINT64_MAX};
    bool intact;
    uint64_t seed = 0x5e7e7000;
    long status = ipc_checked(SYS_IPC_RECV, ep, &m, ++seed, &intact);
    while (status == 0) {
        if (!intact)
            __atomic_fetch_add(&server_faults, 1, __ATOMIC_RELAXED);
        uint32_t label = CAIRN_MSGINFO_LABEL(m.info);
        if (label == LABEL_DIE)
            break;
        transform(&m);
        if (label == LABEL_STOP) {
            rt_ipc_reply(&m);
            break;
        }
        if (label == LABEL_FAST) {
            status = ipc_checked(SYS_IPC_REPLY_RECV, ep, &m, ++seed, &intact);
            continue;
        }
        status = rt_ipc_reply(&m);
        if (status != 0)
            break;
        do {
            m.info = label == LABEL_TIMED ? 1000000000ull : UINT64_MAX;
            status = ipc_checked(SYS_IPC_RECV, ep, &m, ++seed, &intact);
        } while (status == -CAIRN_E_TIMED_OUT);
    }
    if (status != 0)
        server_status = status;
    kt_thread_done();
}

/* Calls the server `rounds` times on handle `ep` (badged with `badge`),
 * cycling through the ways the server receives, and checks each answer. */
static void client_rounds(long ep, uint64_t badge, int rounds, uint64_t seed)
{
    for (int i = 0; i < rounds; i++) {
        uint32_t label = i % 7 == 3 ? LABEL_TIMED : i % 7 == 5 ? LABEL_UNTIMED : LABEL_FAST;
        uint64_t w[4] = {seed * (uint64_t)i, ~(uint64_t)i << 17, 0x8000000000000001ull + i,
                         (uint64_t)i * 0x9e3779b97f4a7c15ull};
        struct cairn_msg m = {.info = CAIRN_MSGINFO(label), .words = {w[0], w[1], w[2], w[3]}};
        bool intact;
        EXPECT_EQ(ipc_checked(SYS_IPC_CALL, (uint64_t)ep, &m, seed + (uint64_t)i, &intact), 0);
        EXPECT_TRUE(intact);
        EXPECT_EQ(m.info, CAIRN_MSGINFO(label + 100));
        EXPECT_EQ(m.words[0], ~w[0]);
        EXPECT_EQ(m.words[1], w[1] * 3 + 1);
        EXPECT_EQ(m.words[2], w[2] ^ badge);
        EXPECT_EQ(m.words[3], (w[3] << 13) | (w[3] >> 51));
        if (i % 97 == 0) { /* the slow path's checks still answer */
            struct cairn_msg bad = {.info = 1ull << 50};
            EXPECT_ERR(rt_ipc_call(ep, &bad), CAIRN_E_INVALID_ARGUMENT);
        }
    }
}

struct client_args {
    long ep;
    uint64_t badge;
    int rounds;
};

static struct client_args clients[8];

static void client(uint64_t index)
{
    struct client_args *a = &clients[index];
    client_rounds(a->ep, a->badge, a->rounds, 0xc0ffee00 + index * 0x1000000);
    kt_thread_done();
}

/* One client on the server's CPU, one on another CPU (the same one when
 * there is only one), each with its own badge. */
KTEST(ipc_fastpath_words_badges_and_registers, KTEST_QUICK)
{
    long ep = cairn_endpoint_create();
    clients[0] =
        (struct client_args){cairn_handle_mint(ep, CAIRN_RIGHT_SIGNAL, 0xa11ce), 0xa11ce, ROUNDS};
    clients[1] =
        (struct client_args){cairn_handle_mint(ep, CAIRN_RIGHT_SIGNAL, 0xb0b), 0xb0b, ROUNDS / 3};
    server_faults = 0;
    server_status = 0;
    EXPECT_TRUE(kt_spawn(server, (uint64_t)ep, SERVER_CPU) > 0);
    EXPECT_TRUE(kt_spawn(client, 0, SERVER_CPU) > 0);
    EXPECT_TRUE(kt_spawn(client, 1, kt_other_cpu(SERVER_CPU)) > 0);
    kt_join(2);
    struct cairn_msg stop = {.info = CAIRN_MSGINFO(LABEL_STOP)};
    EXPECT_EQ(rt_ipc_call(ep, &stop), 0);
    kt_join(3);
    EXPECT_EQ(server_faults, 0);
    EXPECT_EQ(server_status, 0);
    cairn_handle_close(clients[0].ep);
    cairn_handle_close(clients[1].ep);
    cairn_handle_close(ep);
}

/* The fast path between two address spaces (each switch writes CR3): the
 * server is kt_child_echo in a child process, on the client's CPU at the
 * client's priority, with the endpoint granted by handle_grant. The
 * client checks every word, the badge and its callee-saved registers; the
 * server checks its own and exits 1 if one changed. */
static void run_ipc_fastpath_between_processes(void)
{
    struct child c;
    long ep = cairn_endpoint_create();
    clients[0] =
        (struct client_args){cairn_handle_mint(ep, CAIRN_RIGHT_SIGNAL, 0xfeed5), 0xfeed5, ROUNDS};
    if (kt_child_new(&c, CHILD_QUOTA)) {
        long granted = cairn_handle_grant(c.process, ep, CAIRN_RIGHT_WAIT);
        struct cairn_thread_params params = {
            .entry = CHILD_ENTRY(kt_child_echo),
            .stack = CHILD_STACK_TOP,
            .arg = (uint64_t)granted,
            .priority = RT_PRIORITY_DEFAULT,
            .affinity = SERVER_CPU,
        };
        EXPECT_TRUE(granted > 0);
        c.thread = cairn_thread_create(c.process, &params);
        EXPECT_TRUE(c.thread > 0);
        EXPECT_TRUE(kt_spawn(client, 0, SERVER_CPU) > 0);
        kt_join(1);
        struct cairn_msg stop = {.info = CAIRN_MSGINFO(LABEL_STOP), .words = {7, 0, 0, 0}};
        EXPECT_EQ(rt_ipc_call(ep, &stop), 0);
        EXPECT_EQ(stop.info, CAIRN_MSGINFO(LABEL_STOP + 100));
        EXPECT_EQ(stop.words[0], ~7ull);
        int64_t status = -1;
        EXPECT_EQ(kt_child_wait(&c, &status), CAIRN_EXIT_STATUS);
        EXPECT_EQ(status, 0);
    }
    kt_child_free(&c);
    cairn_handle_close(clients[0].ep);
    cairn_handle_close(ep);
}

KTEST(ipc_fastpath_between_processes, KTEST_QUICK)
{
    run_ipc_fastpath_between_processes();
}

/* The same with I/O ports in the client's process: each switch between
 * the two processes loads or drops the client's I/O bitmap, which the
 * fast path does out of line with the message still in its registers
 * (sched_switch_special()). Every word, the badge and the registers of
 * both sides must come through, as above. */
KTEST(ipc_fastpath_between_processes_with_io_ports, KTEST_QUICK)
{
    long io = cairn_ioport_create(rt_startup_handle(CAIRN_AT_IOPORT_CONTROL), 0x70, 2);
    EXPECT_TRUE(io > 0);
    EXPECT_EQ(cairn_ioport_enable(io), 0);
    run_ipc_fastpath_between_processes();
    cairn_handle_close(io);
}

static void caller_of_dying_server(uint64_t ep)
{
    client_rounds((long)ep, 0, 50, 0xdead0000);
    struct cairn_msg m = {.info = CAIRN_MSGINFO(LABEL_DIE)};
    bool intact;
    EXPECT_ERR(ipc_checked(SYS_IPC_CALL, ep, &m, 77, &intact), CAIRN_E_PEER_DEAD);
    EXPECT_TRUE(intact);
    kt_thread_done();
}

/* The caller blocked by the fast path is woken by the server's death
 * (through the scheduler, not the fast path) and gets PEER_DEAD. */
KTEST(ipc_fastpath_caller_of_a_dying_server, KTEST_QUICK)
{
    long ep = cairn_endpoint_create();
    EXPECT_TRUE(kt_spawn(server, (uint64_t)ep, SERVER_CPU) > 0);
    EXPECT_TRUE(kt_spawn(caller_of_dying_server, (uint64_t)ep, SERVER_CPU) > 0);
    kt_join(2);
    cairn_handle_close(ep);
}

static long other_ep, signal_only, notification;

/* Replies with handles the fast path must refuse (the slow path reports
 * why and replies to no one), then on a second endpoint. */
static void picky_server(uint64_t ep)
{
    struct cairn_msg m;
    EXPECT_EQ(rt_ipc_recv((cairn_handle_t)ep, UINT64_MAX, &m), 0);
    transform(&m);
    EXPECT_ERR(rt_ipc_reply_recv((cairn_handle_t)notification, &m), CAIRN_E_WRONG_TYPE);
    EXPECT_ERR(rt_ipc_reply_recv((cairn_handle_t)signal_only, &m), CAIRN_E_ACCESS_DENIED);
    EXPECT_ERR(rt_ipc_reply_recv(0x7777, &m), CAIRN_E_BAD_HANDLE);
    EXPECT_EQ(rt_ipc_reply_recv((cairn_handle_t)other_ep, &m), 0); /* the reply goes on ep */
    while (CAIRN_MSGINFO_LABEL(m.info) != LABEL_STOP) {
        transform(&m);
        EXPECT_EQ(rt_ipc_reply_recv((cairn_handle_t)other_ep, &m), 0);
    }
    transform(&m);
    rt_ipc_reply(&m);
    kt_thread_done();
}

static void picky_client(uint64_t ep)
{
    struct cairn_msg m = {.info = CAIRN_MSGINFO(LABEL_FAST), .words = {1, 2, 3, 4}};
    EXPECT_EQ(rt_ipc_call((cairn_handle_t)ep, &m), 0);
    EXPECT_EQ(m.info, CAIRN_MSGINFO(LABEL_FAST + 100));
    EXPECT_EQ(m.words[0], ~1ull);
    client_rounds(other_ep, 0, 200, 0xfee1);
    m = (struct cairn_msg){.info = CAIRN_MSGINFO(LABEL_STOP)};
    EXPECT_EQ(rt_ipc_call((cairn_handle_t)other_ep, &m), 0);
    kt_thread_done();
}

KTEST(ipc_fastpath_reply_recv_checks_its_handle, KTEST_QUICK)
{
    long ep = cairn_endpoint_create();
    other_ep = cairn_endpoint_create();
    signal_only = cairn_handle_duplicate(other_ep, CAIRN_RIGHT_SIGNAL);
    notification = cairn_notification_create();
    EXPECT_TRUE(kt_spawn(picky_server, (uint64_t)ep, SERVER_CPU) > 0);
    EXPECT_TRUE(kt_spawn(picky_client, (uint64_t)ep, SERVER_CPU) > 0);
    kt_join(2);
    cairn_handle_close(notification);
    cairn_handle_close(signal_only);
    cairn_handle_close(other_ep);
    cairn_handle_close(ep);
}

static long go;              /* notification: the server may answer */
static volatile long answer; /* the caller's result; 1: the expected reply */

/* Receives one message, waits for `go`, answers it with reply_recv (the
 * fast path's case but for a suspension), then answers LABEL_STOP. */
static void late_server(uint64_t ep)
{
    struct cairn_msg m;
    bool intact;
    long status = rt_ipc_recv((cairn_handle_t)ep, UINT64_MAX, &m);
    if (status == 0 && cairn_notification_wait(go, UINT64_MAX) == 1) {
        transform(&m);
        status = ipc_checked(SYS_IPC_REPLY_RECV, ep, &m, 99, &intact);
    }
    if (status == 0 && CAIRN_MSGINFO_LABEL(m.info) == LABEL_STOP)
        rt_ipc_reply(&m);
    kt_thread_done();
}

static void one_call(uint64_t ep)
{
    struct cairn_msg m = {.info = CAIRN_MSGINFO(LABEL_FAST), .words = {1, 2, 3, 4}};
    bool intact;
    long r = ipc_checked(SYS_IPC_CALL, ep, &m, 42, &intact);
    answer = r == 0 && intact && m.info == CAIRN_MSGINFO(LABEL_FAST + 100) && m.words[0] == ~1ull &&
                     m.words[1] == 7
                 ? 1
                 : -1;
    kt_thread_done();
}

/* A caller on the server's CPU suspended while it awaits its reply: the
 * reply_recv must not resume it straight in ring 3; it stops with the
 * reply in its registers and returns it once resumed. */
KTEST(ipc_fastpath_leaves_a_suspended_caller_stopped, KTEST_QUICK)
{
    struct cairn_thread_regs regs;
    long ep = cairn_endpoint_create();
    go = cairn_notification_create();
    answer = 0;
    long server = kt_spawn(late_server, (uint64_t)ep, SERVER_CPU);
    long caller = kt_spawn(one_call, (uint64_t)ep, SERVER_CPU);
    EXPECT_TRUE(server > 0 && caller > 0);
    EXPECT_TRUE(kt_thread_reaches(caller, CAIRN_THREAD_BLOCKED));
    EXPECT_TRUE(kt_thread_reaches(server, CAIRN_THREAD_BLOCKED));
    EXPECT_EQ(cairn_thread_control(caller, CAIRN_THREAD_SUSPEND, NULL), 0);
    EXPECT_EQ(cairn_notification_signal(go, 1), 0);
    EXPECT_TRUE(kt_thread_reaches(caller, CAIRN_THREAD_STOPPED));
    EXPECT_EQ(cairn_thread_control(caller, CAIRN_THREAD_READ_REGS, &regs), 0);
    EXPECT_EQ(regs.rax, 0);
    EXPECT_EQ(regs.rsi, CAIRN_MSGINFO(LABEL_FAST + 100));
    EXPECT_EQ(regs.rdx, ~1ull);
    EXPECT_EQ(regs.r10, 7);
    EXPECT_EQ(regs.rbx, 42 * 3);
    EXPECT_EQ(answer, 0);
    EXPECT_EQ(cairn_thread_control(caller, CAIRN_THREAD_RESUME, NULL), 0);
    struct cairn_msg stop = {.info = CAIRN_MSGINFO(LABEL_STOP)};
    EXPECT_EQ(rt_ipc_call(ep, &stop), 0);
    kt_join(2);
    EXPECT_EQ(answer, 1);
    cairn_handle_close(server);
    cairn_handle_close(caller);
    cairn_handle_close(go);
    cairn_handle_close(ep);
}

/* A receiver on the caller's CPU suspended while blocked in ipc_recv:
 * the call must not resume it straight in ring 3; it stops holding the
 * message, and answers once resumed. */
KTEST(ipc_fastpath_leaves_a_suspended_receiver_stopped, KTEST_QUICK)
{
    struct cairn_thread_regs regs;
    long ep = cairn_endpoint_create();
    go = cairn_notification_create();
    answer = 0;
    long server = kt_spawn(late_server, (uint64_t)ep, SERVER_CPU);
    EXPECT_TRUE(server > 0 && kt_thread_reaches(server, CAIRN_THREAD_BLOCKED));
    EXPECT_EQ(cairn_thread_control(server, CAIRN_THREAD_SUSPEND, NULL), 0);
    long caller = kt_spawn(one_call, (uint64_t)ep, SERVER_CPU);
    EXPECT_TRUE(caller > 0);
    EXPECT_TRUE(kt_thread_reaches(server, CAIRN_THREAD_STOPPED));
    EXPECT_EQ(cairn_thread_control(server, CAIRN_THREAD_READ_REGS, &regs), 0);
    EXPECT_EQ(regs.rax, 0);
    EXPECT_EQ(regs.rsi, CAIRN_MSGINFO(LABEL_FAST));
    EXPECT_EQ(regs.rdx, 1);
    EXPECT_EQ(regs.r9, 4);
    EXPECT_EQ(answer, 0);
    EXPECT_EQ(cairn_thread_control(server, CAIRN_THREAD_RESUME, NULL), 0);
    EXPECT_EQ(cairn_notification_signal(go, 1), 0);
    struct cairn_msg stop = {.info = CAIRN_MSGINFO(LABEL_STOP)};
    EXPECT_EQ(rt_ipc_call(ep, &stop), 0);
    kt_join(2);
    EXPECT_EQ(answer, 1);
    cairn_handle_close(server);
    cairn_handle_close(caller);
    cairn_handle_close(go);
    cairn_handle_close(ep);
}

static long bound; /* the notification bound to bound_server */
static volatile long notified_bits;

/* Bound to `bound`: answers one call with reply_recv after signalling
 * its own notification, so the receive must return the bits first; then
 * answers the next call. */
static void bound_server(uint64_t ep)
{
    struct cairn_msg m;
    bool intact;
    long status = rt_ipc_recv((cairn_handle_t)ep, UINT64_MAX, &m);
    if (status == 0) {
        transform(&m);
        cairn_notification_signal(bound, 0x30);
        status = ipc_checked(SYS_IPC_REPLY_RECV, ep, &m, 7, &intact);
    }
    if (status == 0 && (m.info & CAIRN_MSGINFO_NOTIFIED))
        notified_bits = (long)m.badge;
    if (status == 0)
        status = rt_ipc_recv((cairn_handle_t)ep, UINT64_MAX, &m);
    if (status == 0) {
        transform(&m);
        rt_ipc_reply(&m);
    }
    kt_thread_done();
}

static void two_calls(uint64_t ep)
{
    for (int i = 0; i < 2; i++) {
        struct cairn_msg m = {.info = CAIRN_MSGINFO(LABEL_FAST), .words = {1, 2, 3, 4}};
        EXPECT_EQ(rt_ipc_call((cairn_handle_t)ep, &m), 0);
        EXPECT_EQ(m.info, CAIRN_MSGINFO(LABEL_FAST + 100));
        EXPECT_EQ(m.words[0], ~1ull);
    }
    kt_thread_done();
}

/* A server with a bound notification and bits pending: its reply_recv
 * (with its caller blocked on its CPU) returns the bits, not a message. */
KTEST(ipc_fastpath_leaves_bound_receives_to_the_slow_path, KTEST_QUICK)
{
    long ep = cairn_endpoint_create();
    bound = cairn_notification_create();
    notified_bits = 0;
    long server = kt_spawn(bound_server, (uint64_t)ep, SERVER_CPU);
    EXPECT_TRUE(server > 0);
    EXPECT_EQ(cairn_notification_bind(bound, server), 0);
    EXPECT_TRUE(kt_spawn(two_calls, (uint64_t)ep, SERVER_CPU) > 0);
    kt_join(2);
    EXPECT_EQ(notified_bits, 0x30);
    cairn_handle_close(server);
    cairn_handle_close(bound);
    cairn_handle_close(ep);
}

/* Three servers and six clients on one endpoint, spread over the CPUs:
 * fast and slow paths, and threads blocked by one completed by the other,
 * all at once. */
KTEST(ipc_fastpath_many_servers_and_clients, KTEST_FULL)
{
    long ep = cairn_endpoint_create();
    server_faults = 0;
    server_status = 0;
    for (uint32_t i = 0; i < 3; i++)
        EXPECT_TRUE(kt_spawn(server, (uint64_t)ep, i % kt_cpus()) > 0);
    for (uint32_t i = 0; i < 6; i++) {
        uint64_t badge = 0x1000 + i;
        clients[i] =
            (struct client_args){cairn_handle_mint(ep, CAIRN_RIGHT_SIGNAL, badge), badge, ROUNDS};
        EXPECT_TRUE(kt_spawn(client, i, i % kt_cpus()) > 0);
    }
    kt_join(6);
    for (int i = 0; i < 3; i++) {
        struct cairn_msg stop = {.info = CAIRN_MSGINFO(LABEL_STOP)};
        EXPECT_EQ(rt_ipc_call(ep, &stop), 0);
    }
    kt_join(9);
    EXPECT_EQ(server_faults, 0);
    EXPECT_EQ(server_status, 0);
    for (int i = 0; i < 6; i++)
        cairn_handle_close(clients[i].ep);
    cairn_handle_close(ep);
}

static long revoked_server_status; /* what the server's reply_recv on its revoked handle got */

/* Answers with reply_recv on its own handle (a child of the endpoint)
 * until that fails, then answers the message it still owes with a plain
 * reply and ends. */
static void revocable_server(uint64_t handle)
{
    struct cairn_msg m;
    long status = rt_ipc_recv((cairn_handle_t)handle, UINT64_MAX, &m);
    while (status == 0) {
        transform(&m);
        status = rt_ipc_reply_recv((cairn_handle_t)handle, &m);
    }
    revoked_server_status = status;
    rt_ipc_reply(&m);
    kt_thread_done();
}

/* Calls through h until the fast path has surely remembered it, checking
 * each answer. */
static void fast_rounds(long h)
{
    for (uint64_t i = 0; i < 50; i++) {
        struct cairn_msg m = {.info = CAIRN_MSGINFO(LABEL_FAST), .words = {i, 0, 0, 0}};
        EXPECT_EQ(rt_ipc_call((cairn_handle_t)h, &m), 0);
        EXPECT_EQ(m.words[0], ~i);
    }
}

static long revoke_ep; /* the endpoint of the test below */

/* The client of the test below, on the server's CPU. */
static void revoking_client(uint64_t unused)
{
    (void)unused;
    long signal = cairn_handle_duplicate(revoke_ep, CAIRN_RIGHT_SIGNAL);
    fast_rounds(signal);
    EXPECT_EQ(cairn_handle_close(signal), 0);
    struct cairn_msg m = {.info = CAIRN_MSGINFO(LABEL_FAST)};
    EXPECT_ERR(rt_ipc_call((cairn_handle_t)signal, &m), CAIRN_E_BAD_HANDLE);

    long minted = cairn_handle_mint(revoke_ep, CAIRN_RIGHT_SIGNAL, 0x5eed);
    fast_rounds(minted);
    EXPECT_EQ(cairn_handle_revoke(revoke_ep), 0); /* minted and the server's handle */
    m = (struct cairn_msg){.info = CAIRN_MSGINFO(LABEL_FAST)};
    EXPECT_ERR(rt_ipc_call((cairn_handle_t)minted, &m), CAIRN_E_REVOKED);

    /* The server is blocked in the receive of its last reply_recv, which
     * the revoke does not cancel: this call reaches it, and its next
     * reply_recv must fail. */
    m = (struct cairn_msg){.info = CAIRN_MSGINFO(LABEL_FAST), .words = {5, 0, 0, 0}};
    EXPECT_EQ(rt_ipc_call((cairn_handle_t)revoke_ep, &m), 0);
    EXPECT_EQ(m.words[0], ~5ull);
    cairn_handle_close(minted);
    kt_thread_done();
}

/* The fast path remembers the handle each thread last used (per half,
 * against the handle table's epoch): once the caller's handle is closed,
 * its value fails with BAD_HANDLE; a minted child revoked fails with
 * REVOKED, though it was just used on the fast path; and a server whose
 * reply_recv handle is revoked between two fast round trips gets REVOKED
 * from its next reply_recv. */
KTEST(ipc_fastpath_forgets_closed_and_revoked_handles, KTEST_QUICK)
{
    revoke_ep = cairn_endpoint_create();
    long server_handle = cairn_handle_duplicate(revoke_ep, CAIRN_RIGHT_WAIT);
    revoked_server_status = 0;
    EXPECT_TRUE(kt_spawn(revocable_server, (uint64_t)server_handle, SERVER_CPU) > 0);
    EXPECT_TRUE(kt_spawn(revoking_client, 0, SERVER_CPU) > 0);
    kt_join(2);
    EXPECT_ERR(revoked_server_status, CAIRN_E_REVOKED);
    cairn_handle_close(server_handle);
    cairn_handle_close(revoke_ep);
}
