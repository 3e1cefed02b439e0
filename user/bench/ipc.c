/*
 * ipc.c - the round trip of a call and its reply through an endpoint, to
 * an echo server on the measuring thread's CPU and on another CPU.
 *
 * The server runs in a process of its own (another address space, so
 * each round trip includes two address-space switches): a small
 * position-independent stub copied into a memory object, mapped
 * executable in an empty child process and started there with the
 * endpoint granted by handle_grant. It loops on ipc_reply_recv.
 * ipc_call_reply_fs_switch_same_cpu gives it an FS base other than the
 * measuring thread's, as a server thread with its own thread block has
 * (docs/runtime.md, "Threads"): the kernel then writes the FS base on both
 * switches.
 */
#include "bench.h"
#include <cairn/process.h>
#include <cairn/vm.h>
#include <rt/ipc.h>
#include <rt/thread.h>

/* Labels of the messages the server knows; every message is label only
 * (no buffer bytes, no capabilities). */
#define LABEL_ECHO 1u
#define LABEL_STOP 2u

#define SERVER_QUOTA (64u << 10)
#define CODE_VA      0x10000000ull /* in the child */
#define FILL_VA      0x300000000000ull

#define STRINGIFY(x) #x
#define STRING_OF(x) STRINGIFY(x)

/* The echo server, entered with RDI = its endpoint handle: replies to
 * every message with the message itself until LABEL_STOP, which it
 * answers before it exits. It never touches memory. */
void bench_echo_stub(void), bench_echo_stub_end(void);
// clang-format off
__asm__(".text\n"
        "bench_echo_stub:\n"
        "    mov %rdi, %rbx\n"
        "    mov $-1, %rsi\n"
        "    mov $" STRING_OF(SYS_IPC_RECV) ", %eax\n"
        "    syscall\n"
        "1:  test %rax, %rax\n"
        "    jnz 3f\n"
        "    cmp $" STRING_OF(LABEL_STOP) ", %esi\n"
        "    je 2f\n"
        "    mov %rbx, %rdi\n"
        "    mov $" STRING_OF(SYS_IPC_REPLY_RECV) ", %eax\n"
        "    syscall\n"
        "    jmp 1b\n"
        "2:  mov $" STRING_OF(SYS_IPC_REPLY) ", %eax\n"
        "    syscall\n"
        "3:  xor %edi, %edi\n"
        "    mov $" STRING_OF(SYS_EXIT) ", %eax\n"
        "    syscall\n"
        "    ud2\n"
        "bench_echo_stub_end:\n");
// clang-format on

static long endpoint;
static long process; /* the server's */
static long code;    /* the memory object holding the stub */
static long ended;   /* signalled by the server process's end */

/* A memory object holding the stub; <0: the error. */
static long stub_object(void)
{
    long h = cairn_memory_create(CAIRN_PAGE_SIZE);
    long va = h < 0 ? h
                    : cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, FILL_VA, CAIRN_PAGE_SIZE,
                                   CAIRN_PROT_READ | CAIRN_PROT_WRITE);
    if (va < 0) {
        if (h >= 0)
            cairn_handle_close(h);
        return va;
    }
    const uint8_t *from = (const uint8_t *)bench_echo_stub;
    for (uint64_t i = 0; i < (uint64_t)bench_echo_stub_end - (uint64_t)bench_echo_stub; i++)
        ((uint8_t *)FILL_VA)[i] = from[i];
    cairn_vm_unmap(CAIRN_PROCESS_SELF, FILL_VA, CAIRN_PAGE_SIZE);
    return h;
}

/* The FS base a thread other than a program's initial one has: its own
 * thread block (rt_thread_start), anywhere but RT_MAIN_THREAD_BLOCK. */
#define OTHER_THREAD_BLOCK (RT_MAIN_THREAD_BLOCK - 0x1000)

/* The server process with its thread on cpu and FS base fs_base; 0 or the
 * first error. */
static long server_create(uint32_t cpu, uint64_t fs_base)
{
    static const char name[] = "bench-echo";
    endpoint = cairn_endpoint_create();
    code = stub_object();
    ended = cairn_notification_create();
    process = cairn_process_create(name, sizeof(name) - 1, SERVER_QUOTA);
    long r = endpoint < 0 ? endpoint : code < 0 ? code : ended < 0 ? ended : process;
    if (r >= 0)
        r = cairn_vm_map(process, code, 0, CODE_VA, CAIRN_PAGE_SIZE,
                         CAIRN_PROT_READ | CAIRN_PROT_EXEC);
    if (r >= 0)
        r = cairn_process_watch(process, ended, 1);
    long granted = r < 0 ? r : cairn_handle_grant(process, endpoint, CAIRN_RIGHT_WAIT);
    if (granted < 0)
        return granted;
    const struct cairn_thread_params params = {
        .entry = CODE_VA,
        .stack = CODE_VA + CAIRN_PAGE_SIZE, /* never touched */
        .arg = (uint64_t)granted,
        /* The stub never reads it; the kernel writes the FS base on the
         * switches only when it differs from the caller's. */
        .fs_base = fs_base,
        .priority = BENCH_PRIORITY,
        .affinity = cpu,
    };
    long t = cairn_thread_create(process, &params);
    if (t < 0)
        return t;
    cairn_handle_close(t);
    return 0;
}

static void server_free(void)
{
    long handles[] = {process, code, ended, endpoint};
    for (unsigned i = 0; i < sizeof(handles) / sizeof(handles[0]); i++) {
        if (handles[i] > 0)
            cairn_handle_close(handles[i]);
    }
}

static bool server_start_on(uint32_t cpu, uint64_t fs_base)
{
    long r = server_create(cpu, fs_base);
    if (r < 0) {
        bench_fail("echo server set-up", r);
        if (process > 0)
            cairn_process_kill(process);
        server_free();
        return false;
    }
    return true;
}

/* The server as a program's initial thread: the FS base every native
 * program's initial thread has, as the measuring thread (main.c). */
static bool server_start_same_cpu(void)
{
    return server_start_on(BENCH_CPU, RT_MAIN_THREAD_BLOCK);
}

/* The server as a thread with a block of its own: an FS base write on
 * each switch. */
static bool server_start_same_cpu_other_block(void)
{
    return server_start_on(BENCH_CPU, OTHER_THREAD_BLOCK);
}

static bool server_start_other_cpu(void)
{
    return server_start_on(BENCH_OTHER_CPU, RT_MAIN_THREAD_BLOCK);
}

static void server_stop(void)
{
    struct cairn_msg m = {.info = CAIRN_MSGINFO(LABEL_STOP)};
    long got = rt_ipc_call(endpoint, &m);
    if (got != 0)
        bench_fail("rt_ipc_call(LABEL_STOP)", got);
    got = cairn_notification_wait(ended, UINT64_MAX);
    if (got != 1)
        bench_fail("the echo server's end", got);
    server_free();
}

/* One call with an empty message and the server's reply to it. */
static uint64_t measure_call_reply(void)
{
    struct cairn_msg m = {.info = CAIRN_MSGINFO(LABEL_ECHO)};
    uint64_t start = bench_now();
    long got = rt_ipc_call(endpoint, &m);
    uint64_t cost = bench_now() - start;
    if (got != 0)
        bench_fail("rt_ipc_call()", got);
    else if (m.info != CAIRN_MSGINFO(LABEL_ECHO))
        bench_fail("the echo server's reply descriptor", (long)m.info);
    return cost;
}

static const struct bench_fixture same_cpu_server = {
    .cpus = 1, .start = server_start_same_cpu, .stop = server_stop};

static const struct bench_fixture same_cpu_other_block_server = {
    .cpus = 1, .start = server_start_same_cpu_other_block, .stop = server_stop};

static const struct bench_fixture other_cpu_server = {
    .cpus = 2, .start = server_start_other_cpu, .stop = server_stop};

BENCH_WITH(ipc_call_reply_same_cpu, BENCH_ITERATIONS, BENCH_WARMUP, &same_cpu_server)
{
    return measure_call_reply();
}

BENCH_WITH(ipc_call_reply_fs_switch_same_cpu, BENCH_ITERATIONS, BENCH_WARMUP,
           &same_cpu_other_block_server)
{
    return measure_call_reply();
}

BENCH_WITH(ipc_call_reply_cross_cpu, BENCH_ITERATIONS, BENCH_WARMUP, &other_cpu_server)
{
    return measure_call_reply();
}
