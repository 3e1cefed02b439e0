/*
 * fault - a test program that faults on purpose, to show that a user fault
 * kills only the faulting process. `fault KIND` with KIND one of:
 *   null      read through a null pointer (page fault)
 *   gp        execute a privileged instruction (general protection fault)
 *   ud        execute an undefined opcode (invalid opcode)
 *   div       divide by zero (divide error)
 *   io        read port 0x80 with only 0x70-0x71 opened (general protection fault)
 *   ioclosed  read port 0x71 after closing the io-port handle that opened it
 *   iorevoked read port 0x71 in a loop on another CPU while the main thread
 *             revokes the io-port object: the loop must fault before the
 *             revoke returns, or the program prints "fault: survived"
 * and, for a thread whose fault endpoint a pager thread of this process
 * receives on (thread_set_fault_endpoint), a write to an unmapped page
 * where the pager
 *   refuse    replies with a label other than CAIRN_FAULT_RESUME
 *   vanish    ends (thread_exit) without replying
 *   absent    never receives: the main thread then exits with status 7,
 *             which must end the thread still waiting for its pager
 * and, for the runtime's own checks, which end the program with status
 * EXIT_ABORTED (134) and a message instead of a fault:
 *   assert    a failing assert()
 *   dfree     free the same block twice
 *   overrun   write past the end of a block over the next one's header,
 *             then free it
 */
#include <cairn/fault.h>
#include <cairn/startup.h>
#include <rt/ipc.h>
#include <cairn/process.h>
#include <rt/rt.h>
#include <assert.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define CMOS_DATA 0x71
#define POST_PORT 0x80
#define MS        1000000ull

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

/* Opens ports 0x70-0x71 from a duplicate of the io-port control, so that
 * revoking the control reaches the range. Returns the range's handle. */
static long open_cmos(void)
{
    long io = cairn_ioport_create(rt_startup_handle(CAIRN_AT_IOPORT_CONTROL), 0x70, 2);
    if (io < 0 || cairn_ioport_enable(io) != 0) {
        rt_printf("fault: cannot open the CMOS ports: %ld\n", io);
        cairn_exit(1);
    }
    inb(CMOS_DATA); /* allowed */
    return io;
}

static volatile bool spinning;

static void spin_on_port(uint64_t arg)
{
    (void)arg;
    for (;;) {
        inb(CMOS_DATA);
        spinning = true;
    }
}

static int io_revoked(void)
{
    static uint8_t stack[4096] __attribute__((aligned(16)));
    open_cmos();
    long t = rt_thread_start(spin_on_port, 0, stack, sizeof(stack), RT_PRIORITY_DEFAULT, 1);
    if (t < 0)
        t = rt_thread_start(spin_on_port, 0, stack, sizeof(stack), RT_PRIORITY_DEFAULT,
                            RT_AFFINITY_ANY);
    while (!spinning)
        cairn_yield();
    cairn_handle_revoke(rt_startup_handle(CAIRN_AT_IOPORT_CONTROL));
    cairn_sleep(500 * MS);
    rt_puts("fault: survived\n");
    return 1;
}

#define FAULT_ADDRESS 0x200000000000ull

static uint8_t stacks[2][8192] __attribute__((aligned(16)));

static const char *last_kind = "";
static volatile int armed;

static int same(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

static void pager(uint64_t endpoint)
{
    struct cairn_msg m;
    if (rt_ipc_recv((cairn_handle_t)endpoint, UINT64_MAX, &m) == 0 && m.words[0] == FAULT_ADDRESS) {
        m = (struct cairn_msg){.info = CAIRN_MSGINFO(1)};
        if (same(last_kind, "refuse"))
            rt_ipc_reply(&m);
    }
    cairn_thread_exit();
}

static void toucher(uint64_t unused)
{
    (void)unused;
    while (!armed)
        cairn_yield();
    *(volatile uint64_t *)FAULT_ADDRESS = 1;
    rt_puts("fault: the write went through\n");
    cairn_thread_exit();
}

/* A toucher bound to an endpoint that a pager receives on (unless the
 * pager is absent); returns the exit status for main. */
static int fault_to_pager(const char *kind)
{
    last_kind = kind;
    long ep = cairn_endpoint_create();
    if (ep < 0)
        return 2;
    if (!same(kind, "absent") && rt_thread_start(pager, (uint64_t)ep, stacks[0], sizeof(stacks[0]),
                                                 RT_PRIORITY_DEFAULT, RT_AFFINITY_ANY) < 0)
        return 2;
    long t = rt_thread_start(toucher, 0, stacks[1], sizeof(stacks[1]), RT_PRIORITY_DEFAULT,
                             RT_AFFINITY_ANY);
    if (t < 0 || cairn_thread_set_fault_endpoint(t, ep) != 0)
        return 2;
    armed = 1;
    cairn_sleep(100000000);
    if (!same(kind, "absent"))
        rt_puts("fault: still running after 100 ms\n");
    return 7;
}

/* The runtime's checks: each ends the program with EXIT_ABORTED, so this
 * returns only when a check let the error through. */
static void runtime_abort(const char *kind)
{
    if (same(kind, "assert"))
        assert(kind[0] == 'x');
    if (same(kind, "dfree")) {
        char *p = malloc(40);
        free(p);
        free(p);
    }
    if (same(kind, "overrun")) {
        char *p = malloc(40), *next = malloc(40);
        memset(p, 0, malloc_usable_size(p) + 16);
        free(p);
        free(next);
    }
}

int main(int argc, char **argv)
{
    const char *kind = argc > 1 ? argv[1] : "";

    rt_puts("fault: about to fault: ");
    rt_puts(kind);
    rt_puts("\n");
    if (same(kind, "null"))
        return *(volatile int *)0;
    if (same(kind, "gp"))
        __asm__ volatile("cli");
    if (same(kind, "ud"))
        __asm__ volatile("ud2");
    if (same(kind, "div")) {
        unsigned zero = 0, quotient, remainder;
        __asm__ volatile("divl %2" : "=a"(quotient), "=d"(remainder) : "r"(zero), "a"(1), "d"(0));
    }
    if (same(kind, "refuse") || same(kind, "vanish") || same(kind, "absent"))
        return fault_to_pager(kind);
    if (same(kind, "io")) {
        open_cmos();
        inb(POST_PORT);
    }
    if (same(kind, "ioclosed")) {
        cairn_handle_close(open_cmos());
        inb(CMOS_DATA);
    }
    if (same(kind, "iorevoked"))
        return io_revoked();
    if (same(kind, "assert") || same(kind, "dfree") || same(kind, "overrun")) {
        runtime_abort(kind);
        rt_puts("fault: survived\n");
        return 1;
    }
    rt_puts("fault: unknown kind (null, gp, ud, div, io, ioclosed, iorevoked, refuse, vanish, "
            "absent, assert, dfree, overrun); exiting without a fault\n");
    return 1;
}
