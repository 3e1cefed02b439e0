/*
 * fault - a test program that faults on purpose, to show that a user fault
 * kills only the faulting process. `fault KIND` with KIND one of:
 *   null     read through a null pointer (page fault)
 *   gp       execute a privileged instruction (general protection fault)
 *   ud       execute an undefined opcode (invalid opcode)
 *   div      divide by zero (divide error)
 * and, for a thread whose fault endpoint a pager thread of this process
 * receives on (thread_set_fault_endpoint), a write to an unmapped page
 * where the pager
 *   refuse   replies with a label other than CAIRN_FAULT_RESUME
 *   vanish   ends (thread_exit) without replying
 *   absent   never receives: the main thread then exits with status 7,
 *            which must end the thread still waiting for its pager
 */
#include <cairn/fault.h>
#include <rt/ipc.h>
#include <rt/rt.h>

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
    rt_puts("fault: unknown kind (null, gp, ud, div, refuse, vanish, absent); exiting without a "
            "fault\n");
    return 1;
}
