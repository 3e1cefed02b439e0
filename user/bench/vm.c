/*
 * vm.c - mapping and unmapping one page, and the round trip of a page
 * fault to a user pager: the measuring thread touches an unmapped page,
 * the kernel sends the fault to its fault endpoint, a pager thread maps
 * the page and replies, and the thread retries the load. Timed from the
 * faulting thread's side; the page is unmapped again outside the timing.
 *
 * Both keep another page mapped next to the one they measure, so the
 * page tables stay and the figures are those of the page itself. The
 * pager is a thread of this process on the measuring CPU (user space
 * cannot create processes yet), so the figure leaves out an address-space
 * switch.
 */
#include "bench.h"
#include "helpers.h"
#include <cairn/fault.h>
#include <cairn/vm.h>
#include <rt/ipc.h>

#define PAGE       CAIRN_PAGE_SIZE
#define RW         (CAIRN_PROT_READ | CAIRN_PROT_WRITE)
#define MAP_VA     0x400000000000ull
#define FAULT_VA   0x400040000000ull
#define LABEL_STOP 1u

static long object; /* the page both benchmarks map */
static long keeper; /* the page that keeps their page tables */
static long pager_ep;
static long pager;
static long pager_error; /* the pager's first failed vm_map, or 0 */

/* Maps the object and the keeper page next to va; false after a failure. */
static bool pages_start(uint64_t va)
{
    object = cairn_memory_create(PAGE);
    keeper = cairn_memory_create(PAGE);
    if (object < 0 || keeper < 0) {
        bench_fail("cairn_memory_create()", object < 0 ? object : keeper);
        return false;
    }
    long got = cairn_vm_map(CAIRN_PROCESS_SELF, keeper, 0, va + PAGE, PAGE, RW);
    if (got != (long)(va + PAGE)) {
        bench_fail("cairn_vm_map(CAIRN_PROCESS_SELF, keeper)", got);
        return false;
    }
    return true;
}

static void pages_stop(uint64_t va)
{
    cairn_vm_unmap(CAIRN_PROCESS_SELF, va + PAGE, PAGE);
    cairn_handle_close(keeper);
    cairn_handle_close(object);
}

static bool map_start(void)
{
    return pages_start(MAP_VA);
}

static void map_stop(void)
{
    pages_stop(MAP_VA);
}

static const struct bench_fixture map_pages = {.cpus = 1, .start = map_start, .stop = map_stop};

/* One vm_map and one vm_unmap of a 4 KiB page. */
BENCH_WITH(map_unmap_4k, BENCH_ITERATIONS, BENCH_WARMUP, &map_pages)
{
    uint64_t start = bench_now();
    long mapped = cairn_vm_map(CAIRN_PROCESS_SELF, object, 0, MAP_VA, PAGE, RW);
    long unmapped = cairn_vm_unmap(CAIRN_PROCESS_SELF, MAP_VA, PAGE);
    uint64_t cost = bench_now() - start;
    if (mapped != (long)MAP_VA)
        bench_fail("cairn_vm_map(CAIRN_PROCESS_SELF, )", mapped);
    else if (unmapped != 0)
        bench_fail("cairn_vm_unmap(CAIRN_PROCESS_SELF, )", unmapped);
    return cost;
}

/* Maps the object wherever a fault is reported and resumes the thread,
 * until LABEL_STOP, which it answers before it ends. */
static void pager_main(uint64_t ep)
{
    struct cairn_msg m;
    long status = rt_ipc_recv((cairn_handle_t)ep, UINT64_MAX, &m);
    while (status == 0 && CAIRN_MSGINFO_LABEL(m.info) == CAIRN_FAULT_LABEL_PAGE) {
        uint64_t page = m.words[0] & ~(PAGE - 1);
        long got = cairn_vm_map(CAIRN_PROCESS_SELF, object, 0, page, PAGE, RW);
        if (got != (long)page && !pager_error)
            pager_error = got;
        m = (struct cairn_msg){.info = CAIRN_MSGINFO(CAIRN_FAULT_RESUME)};
        status = rt_ipc_reply_recv((cairn_handle_t)ep, &m);
    }
    if (status == 0)
        rt_ipc_reply(&(struct cairn_msg){0});
    cairn_thread_exit();
}

static bool pager_start(void)
{
    if (!pages_start(FAULT_VA))
        return false;
    pager_ep = cairn_endpoint_create();
    if (pager_ep < 0) {
        bench_fail("cairn_endpoint_create()", pager_ep);
        pages_stop(FAULT_VA);
        return false;
    }
    pager = bench_helper_start(pager_main, (uint64_t)pager_ep, BENCH_CPU);
    long got = pager < 0 ? pager : cairn_thread_set_fault_endpoint(bench_runner_thread(), pager_ep);
    if (got != 0) {
        bench_fail(pager < 0 ? "bench_helper_start()" : "cairn_thread_set_fault_endpoint()", got);
        if (pager >= 0) {
            struct cairn_msg stop = {.info = CAIRN_MSGINFO(LABEL_STOP)};
            rt_ipc_call(pager_ep, &stop);
            cairn_handle_close(pager);
        }
        cairn_handle_close(pager_ep);
        pages_stop(FAULT_VA);
        return false;
    }
    return true;
}

static void pager_stop(void)
{
    long got = cairn_thread_set_fault_endpoint(bench_runner_thread(), 0);
    if (got != 0)
        bench_fail("cairn_thread_set_fault_endpoint(0)", got);
    struct cairn_msg stop = {.info = CAIRN_MSGINFO(LABEL_STOP)};
    got = rt_ipc_call(pager_ep, &stop);
    if (got != 0)
        bench_fail("rt_ipc_call(LABEL_STOP)", got);
    if (pager_error)
        bench_fail("the pager's cairn_vm_map(CAIRN_PROCESS_SELF, )", pager_error);
    cairn_handle_close(pager);
    cairn_handle_close(pager_ep);
    pages_stop(FAULT_VA);
}

static const struct bench_fixture pager_on_same_cpu = {
    .cpus = 1, .start = pager_start, .stop = pager_stop};

/* A load from an unmapped page, resolved by the pager. */
BENCH_WITH(pagefault_to_pager, BENCH_ITERATIONS, BENCH_WARMUP, &pager_on_same_cpu)
{
    uint64_t start = bench_now();
    uint64_t value = *(volatile uint64_t *)FAULT_VA;
    uint64_t cost = bench_now() - start;
    long got = cairn_vm_unmap(CAIRN_PROCESS_SELF, FAULT_VA, PAGE);
    if (got != 0)
        bench_fail("cairn_vm_unmap(CAIRN_PROCESS_SELF, )", got);
    else if (value != 0)
        bench_fail("the value the pager's page holds", (long)value);
    return cost;
}
