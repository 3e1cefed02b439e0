/*
 * fault.c - page faults sent to a fault endpoint: a pager thread of this
 * process answers them by mapping or re-protecting the page and the
 * faulting thread carries on (read, write and exec faults, several faults
 * of one thread, the message's fields and badge); the binding outliving
 * the handle it was made with; every bad argument of
 * thread_set_fault_endpoint; no leak. A pager that refuses or dies, and a
 * fault with no endpoint, end the whole process: tests/system's user_fault
 * and pager_kill cases boot user/fault for those.
 */
#include "ktest.h"
#include "leak.h"
#include "threads.h"
#include <cairn/error.h>
#include <cairn/fault.h>
#include <cairn/system.h>
#include <cairn/vm.h>
#include <rt/ipc.h>

#define PAGE       CAIRN_PAGE_SIZE
#define RW         (CAIRN_PROT_READ | CAIRN_PROT_WRITE)
#define RX         (CAIRN_PROT_READ | CAIRN_PROT_EXEC)
#define LABEL_STOP 1u
#define BADGE      0xb0b0ull

/* Each test faults in its own gigabyte, away from memory.c's. */
static uint64_t region(unsigned n)
{
    return 0x200000000000ull + (uint64_t)n * (1ull << 30);
}

enum pager_action { PAGER_MAP, PAGER_PROTECT_RW, PAGER_PROTECT_RX };

/* The pager: what it does with each fault, and what it saw. */
static struct {
    long ep; /* receives on it */
    long memory;
    enum pager_action action;
    int faults;
    long status; /* of its last vm_map or vm_protect */
    struct cairn_msg last;
} pager;

/* The faulting thread: waits until armed, then touches va. */
enum touch { TOUCH_READ, TOUCH_WRITE, TOUCH_CALL, TOUCH_TWO_PAGES, TOUCH_SYSCALL };

static struct {
    volatile int armed;
    uint64_t va;
    uint64_t got;
} toucher;

static void pager_main(uint64_t unused)
{
    (void)unused;
    struct cairn_msg m;
    long status = rt_ipc_recv((cairn_handle_t)pager.ep, UINT64_MAX, &m);
    while (status == 0 && CAIRN_MSGINFO_LABEL(m.info) != LABEL_STOP) {
        pager.last = m;
        pager.faults++;
        uint64_t page = m.words[0] & ~(PAGE - 1);
        if (pager.action == PAGER_MAP)
            pager.status = cairn_vm_map(CAIRN_PROCESS_SELF, pager.memory, 0, page, PAGE, RW);
        else
            pager.status = cairn_vm_protect(CAIRN_PROCESS_SELF, page, PAGE, pager.action == PAGER_PROTECT_RW ? RW : RX);
        m = (struct cairn_msg){.info = CAIRN_MSGINFO(CAIRN_FAULT_RESUME)};
        status = rt_ipc_reply_recv((cairn_handle_t)pager.ep, &m);
    }
    if (status == 0)
        rt_ipc_reply(&(struct cairn_msg){0});
    kt_thread_done();
}

static void toucher_main(uint64_t how)
{
    while (!toucher.armed)
        cairn_yield();
    volatile uint64_t *p = (volatile uint64_t *)toucher.va;
    switch (how) {
    case TOUCH_READ:
        toucher.got = *p;
        break;
    case TOUCH_WRITE:
        *p = 0x5151;
        break;
    case TOUCH_CALL:
        toucher.got = (uint64_t)((int (*)(void))toucher.va)();
        break;
    case TOUCH_TWO_PAGES:
        toucher.got = p[0] + p[PAGE / 8];
        break;
    case TOUCH_SYSCALL:
        toucher.got = (uint64_t)cairn_system_info((struct cairn_system_info *)toucher.va);
        break;
    }
    kt_thread_done();
}

/* Starts the pager on ep and a toucher of va bound to `bind`, lets it
 * touch, and waits until it is done and the pager has stopped. */
static void run_fault(long ep, long bind, enum touch how, uint64_t va)
{
    pager.ep = ep;
    pager.faults = 0;
    pager.status = -1;
    toucher.armed = 0;
    toucher.va = va;
    toucher.got = 0;
    long p = kt_spawn(pager_main, 0, RT_AFFINITY_ANY);
    long t = kt_spawn(toucher_main, how, RT_AFFINITY_ANY);
    EXPECT_TRUE(p > 0 && t > 0);
    EXPECT_EQ(cairn_thread_set_fault_endpoint(t, bind), 0);
    toucher.armed = 1;
    kt_join(1);
    struct cairn_msg stop = {.info = CAIRN_MSGINFO(LABEL_STOP)};
    EXPECT_EQ(rt_ipc_call(ep, &stop), 0);
    kt_join(2);
    cairn_handle_close(t);
    cairn_handle_close(p);
}

/* A one-page object whose first word is `value`. */
static long page_holding(uint64_t value, uint64_t scratch)
{
    long h = cairn_memory_create(PAGE);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, scratch, PAGE, RW), scratch);
    *(volatile uint64_t *)scratch = value;
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, scratch, PAGE), 0);
    return h;
}

KTEST(fault_read_goes_to_the_pager_and_resumes, KTEST_QUICK)
{
    uint64_t va = region(0) + 5 * PAGE + 24;
    long ep = cairn_endpoint_create();
    long badged = cairn_handle_mint(ep, CAIRN_RIGHT_SIGNAL, BADGE);
    pager.memory = page_holding(0x1234, region(0));
    pager.action = PAGER_MAP;
    EXPECT_TRUE(badged > 0);
    run_fault(ep, badged, TOUCH_READ, va);
    EXPECT_EQ(pager.faults, 1);
    EXPECT_EQ(pager.status, va & ~(PAGE - 1));
    EXPECT_EQ(toucher.got, 0); /* word 3 of the page, not the 0x1234 of word 0 */
    EXPECT_EQ(pager.last.info, CAIRN_MSGINFO(CAIRN_FAULT_LABEL_PAGE));
    EXPECT_EQ(pager.last.badge, BADGE);
    EXPECT_EQ(pager.last.words[0], va);
    EXPECT_EQ(pager.last.words[1], CAIRN_FAULT_USER);
    EXPECT_TRUE(pager.last.words[2] >= (uint64_t)toucher_main &&
                pager.last.words[2] < (uint64_t)toucher_main + 256);
    EXPECT_TRUE(pager.last.words[3] != 0);
    EXPECT_EQ(*(volatile uint64_t *)(va & ~(PAGE - 1)), 0x1234); /* the pager's mapping */
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va & ~(PAGE - 1), PAGE), 0);
    cairn_handle_close(pager.memory);
    cairn_handle_close(badged);
    cairn_handle_close(ep);
}

KTEST(fault_write_goes_to_the_pager_and_the_write_lands, KTEST_QUICK)
{
    uint64_t va = region(1);
    long ep = cairn_endpoint_create();
    pager.memory = cairn_memory_create(PAGE);
    pager.action = PAGER_MAP;
    run_fault(ep, ep, TOUCH_WRITE, va);
    EXPECT_EQ(pager.faults, 1);
    EXPECT_EQ(pager.last.words[1], CAIRN_FAULT_USER | CAIRN_FAULT_WRITE);
    EXPECT_EQ(pager.last.badge, 0);
    EXPECT_EQ(*(volatile uint64_t *)va, 0x5151);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, PAGE), 0);
    cairn_handle_close(pager.memory);
    cairn_handle_close(ep);
}

KTEST(fault_write_to_read_only_page_is_a_protection_fault, KTEST_QUICK)
{
    uint64_t va = region(2);
    long ep = cairn_endpoint_create();
    long h = cairn_memory_create(PAGE);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va, PAGE, CAIRN_PROT_READ), va);
    pager.action = PAGER_PROTECT_RW;
    run_fault(ep, ep, TOUCH_WRITE, va);
    EXPECT_EQ(pager.faults, 1);
    EXPECT_EQ(pager.status, 0);
    EXPECT_EQ(pager.last.words[1], CAIRN_FAULT_USER | CAIRN_FAULT_WRITE | CAIRN_FAULT_PRESENT);
    EXPECT_EQ(*(volatile uint64_t *)va, 0x5151);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, PAGE), 0);
    cairn_handle_close(h);
    cairn_handle_close(ep);
}

KTEST(fault_exec_on_non_exec_page_resumes_once_executable, KTEST_QUICK)
{
    static const uint8_t return_42[] = {0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3}; /* mov $42,%eax; ret */
    uint64_t va = region(3);
    long ep = cairn_endpoint_create();
    long h = cairn_memory_create(PAGE);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, va, PAGE, RW), va);
    for (unsigned i = 0; i < sizeof(return_42); i++)
        ((volatile uint8_t *)va)[i] = return_42[i];
    pager.action = PAGER_PROTECT_RX;
    run_fault(ep, ep, TOUCH_CALL, va);
    EXPECT_EQ(pager.faults, 1);
    EXPECT_EQ(pager.status, 0);
    EXPECT_EQ(pager.last.words[0], va);
    EXPECT_EQ(pager.last.words[1], CAIRN_FAULT_USER | CAIRN_FAULT_EXEC | CAIRN_FAULT_PRESENT);
    EXPECT_EQ(pager.last.words[2], va); /* the fetch itself faulted */
    EXPECT_EQ(toucher.got, 42);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, PAGE), 0);
    cairn_handle_close(h);
    cairn_handle_close(ep);
}

KTEST(fault_each_fault_of_a_thread_is_a_message, KTEST_QUICK)
{
    uint64_t va = region(4);
    long ep = cairn_endpoint_create();
    pager.memory = page_holding(21, va);
    pager.action = PAGER_MAP;
    run_fault(ep, ep, TOUCH_TWO_PAGES, va);
    EXPECT_EQ(pager.faults, 2);
    EXPECT_EQ(pager.last.words[0], va + PAGE);
    EXPECT_EQ(toucher.got, 42);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, 2 * PAGE), 0);
    cairn_handle_close(pager.memory);
    cairn_handle_close(ep);
}

/* The kernel's own accesses to user memory never reach the pager: a
 * system call given an unmapped buffer fails with BAD_ADDRESS. */
KTEST(fault_in_a_system_call_is_bad_address_not_a_message, KTEST_QUICK)
{
    long ep = cairn_endpoint_create();
    pager.memory = cairn_memory_create(PAGE);
    pager.action = PAGER_MAP;
    run_fault(ep, ep, TOUCH_SYSCALL, region(8));
    EXPECT_EQ(pager.faults, 0);
    EXPECT_EQ((long)toucher.got, -(long)CAIRN_E_BAD_ADDRESS);
    cairn_handle_close(pager.memory);
    cairn_handle_close(ep);
}

/* A write to a copy-on-write page is the kernel's to resolve: the pager
 * never hears of it. */
KTEST(fault_copy_on_write_never_reaches_the_pager, KTEST_QUICK)
{
    uint64_t va = region(7);
    long ep = cairn_endpoint_create();
    long src = page_holding(31, va);
    long clone = cairn_memory_clone(src, 0, PAGE);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, clone, 0, va, PAGE, RW), va);
    pager.action = PAGER_MAP;
    run_fault(ep, ep, TOUCH_WRITE, va);
    EXPECT_EQ(pager.faults, 0);
    EXPECT_EQ(*(volatile uint64_t *)va, 0x5151);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, src, 0, va + PAGE, PAGE, CAIRN_PROT_READ), va + PAGE);
    EXPECT_EQ(*(volatile uint64_t *)(va + PAGE), 31);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, 2 * PAGE), 0);
    cairn_handle_close(clone);
    cairn_handle_close(src);
    cairn_handle_close(ep);
}

/* The binding is a reference to the endpoint, not to the handle: closing
 * the handle it was set with, or revoking it, leaves it working. */
KTEST(fault_binding_outlives_closed_and_revoked_handles, KTEST_QUICK)
{
    uint64_t va = region(5);
    long ep = cairn_endpoint_create();
    long child =
        cairn_handle_duplicate(ep, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_REVOKE);
    long grandchild = cairn_handle_duplicate(child, CAIRN_RIGHT_SIGNAL);
    pager.memory = cairn_memory_create(PAGE);
    pager.action = PAGER_MAP;
    pager.ep = ep;
    pager.faults = 0;
    toucher.armed = 0;
    toucher.va = va;
    long p = kt_spawn(pager_main, 0, RT_AFFINITY_ANY);
    long t = kt_spawn(toucher_main, TOUCH_WRITE, RT_AFFINITY_ANY);
    EXPECT_EQ(cairn_thread_set_fault_endpoint(t, grandchild), 0);
    EXPECT_EQ(cairn_handle_revoke(child), 0); /* grandchild is REVOKED now */
    EXPECT_ERR(cairn_thread_set_fault_endpoint(t, grandchild), CAIRN_E_REVOKED);
    EXPECT_EQ(cairn_handle_close(grandchild), 0);
    EXPECT_EQ(cairn_handle_close(child), 0);
    toucher.armed = 1;
    kt_join(1);
    struct cairn_msg stop = {.info = CAIRN_MSGINFO(LABEL_STOP)};
    EXPECT_EQ(rt_ipc_call(ep, &stop), 0);
    kt_join(2);
    EXPECT_EQ(pager.faults, 1);
    EXPECT_EQ(*(volatile uint64_t *)va, 0x5151);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, PAGE), 0);
    cairn_handle_close(t);
    cairn_handle_close(p);
    cairn_handle_close(pager.memory);
    cairn_handle_close(ep);
}

static long raw_set_fault_endpoint(uint64_t thread, uint64_t endpoint)
{
    return ktest_syscall(SYS_THREAD_SET_FAULT_ENDPOINT, (long)thread, (long)endpoint);
}

static void wait_on(uint64_t notification)
{
    cairn_notification_wait(notification, UINT64_MAX);
    kt_thread_done();
}

KTEST(set_fault_endpoint_rejects_bad_handles, KTEST_QUICK)
{
    long n = cairn_notification_create();
    long ep = cairn_endpoint_create();
    long t = kt_spawn(wait_on, (uint64_t)n, RT_AFFINITY_ANY);
    long no_manage = cairn_handle_duplicate(t, CAIRN_RIGHT_READ | CAIRN_RIGHT_DUPLICATE);
    long t_child = cairn_handle_duplicate(t, CAIRN_RIGHT_MANAGE);
    long wait_only = cairn_handle_duplicate(ep, CAIRN_RIGHT_WAIT);
    long ep_child =
        cairn_handle_duplicate(ep, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_REVOKE);
    long ep_grandchild = cairn_handle_duplicate(ep_child, CAIRN_RIGHT_SIGNAL);
    long closed = cairn_endpoint_create();
    cairn_handle_close(closed);
    EXPECT_TRUE(t > 0 && no_manage > 0 && t_child > 0 && wait_only > 0 && ep_grandchild > 0);

    /* The thread handle. */
    EXPECT_ERR(cairn_thread_set_fault_endpoint(0, ep), CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(cairn_thread_set_fault_endpoint(closed, ep), CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(cairn_thread_set_fault_endpoint(0x7fff1234, ep), CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(raw_set_fault_endpoint((1ull << 32) | (uint64_t)t, ep), CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(cairn_thread_set_fault_endpoint(n, ep), CAIRN_E_WRONG_TYPE);
    EXPECT_ERR(cairn_thread_set_fault_endpoint(ep, ep), CAIRN_E_WRONG_TYPE);
    EXPECT_ERR(cairn_thread_set_fault_endpoint(no_manage, ep), CAIRN_E_ACCESS_DENIED);
    /* The endpoint handle. */
    EXPECT_ERR(cairn_thread_set_fault_endpoint(t, closed), CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(raw_set_fault_endpoint((uint64_t)t, (1ull << 32) | (uint64_t)ep),
               CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(cairn_thread_set_fault_endpoint(t, n), CAIRN_E_WRONG_TYPE);
    EXPECT_ERR(cairn_thread_set_fault_endpoint(t, t), CAIRN_E_WRONG_TYPE);
    EXPECT_ERR(cairn_thread_set_fault_endpoint(t, wait_only), CAIRN_E_ACCESS_DENIED);
    /* Revoked handles, on either side. */
    EXPECT_EQ(cairn_handle_revoke(ep_child), 0);
    EXPECT_ERR(cairn_thread_set_fault_endpoint(t, ep_grandchild), CAIRN_E_REVOKED);
    EXPECT_EQ(cairn_handle_revoke(t), 0);
    EXPECT_ERR(cairn_thread_set_fault_endpoint(t_child, ep), CAIRN_E_REVOKED);
    /* Set, replace, clear (twice). */
    EXPECT_EQ(cairn_thread_set_fault_endpoint(t, ep), 0);
    EXPECT_EQ(cairn_thread_set_fault_endpoint(t, ep_child), 0);
    EXPECT_EQ(cairn_thread_set_fault_endpoint(t, 0), 0);
    EXPECT_EQ(cairn_thread_set_fault_endpoint(t, 0), 0);
    EXPECT_EQ(cairn_thread_set_fault_endpoint(t, ep), 0); /* dropped with the thread */

    EXPECT_EQ(cairn_notification_signal(n, 1), 0);
    kt_join(1);
    cairn_handle_close(t);
    cairn_handle_close(no_manage);
    cairn_handle_close(t_child);
    cairn_handle_close(wait_only);
    cairn_handle_close(ep_child);
    cairn_handle_close(ep_grandchild);
    cairn_handle_close(ep);
    cairn_handle_close(n);
}

/* One fault answered by a pager, in a fresh endpoint and object. */
static void fault_round(uint64_t va)
{
    long ep = cairn_endpoint_create();
    pager.memory = cairn_memory_create(PAGE);
    pager.action = PAGER_MAP;
    kt_reset();
    run_fault(ep, ep, TOUCH_WRITE, va);
    EXPECT_EQ(pager.faults, 1);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, va, PAGE), 0);
    cairn_handle_close(pager.memory);
    cairn_handle_close(ep);
}

/* Faults answered by a pager, with the binding dropped by the thread's
 * end, leave kernel memory where it was. */
KTEST(fault_rounds_leak_nothing, KTEST_QUICK)
{
    struct cairn_system_info before;
    uint64_t va = region(6);
    fault_round(va); /* the heap's slabs for every size used */
    cairn_sleep(2000000);
    cairn_system_info(&before);
    for (int round = 0; round < 4; round++)
        fault_round(va);
    EXPECT_TRUE(kt_memory_back_to(&before));
}
