/*
 * child.c - child processes for the process tests (see child.h).
 */
#include "child.h"
#include "ktest.h"
#include <cairn/error.h>
#include <cairn/process.h>
#include <cairn/vm.h>

#define PAGE 4096ull
/* Where the test maps the code object while it fills it. */
#define FILL_VA 0x300000000000ull
#define SECOND  1000000000ull

/* A one-page memory object holding the stubs. */
static long code_object(void)
{
    long h = cairn_memory_create(PAGE);
    if (h < 0)
        return h;
    long va =
        cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, FILL_VA, PAGE, CAIRN_PROT_READ | CAIRN_PROT_WRITE);
    if (va < 0) {
        cairn_handle_close(h);
        return va;
    }
    const uint8_t *from = (const uint8_t *)kt_child_code;
    uint8_t *to = (uint8_t *)FILL_VA;
    for (uint64_t i = 0; i < (uint64_t)kt_child_code_end - (uint64_t)kt_child_code; i++)
        to[i] = from[i];
    cairn_vm_unmap(CAIRN_PROCESS_SELF, FILL_VA, PAGE);
    return h;
}

bool kt_child_new(struct child *c, uint64_t quota)
{
    static const char name[] = "ktest-child";
    *c = (struct child){0};
    c->process = cairn_process_create(name, sizeof(name) - 1, quota);
    c->code = code_object();
    c->stack = cairn_memory_create(CHILD_STACK_SIZE);
    c->done = cairn_notification_create();
    EXPECT_TRUE(c->process > 0 && c->code > 0 && c->stack > 0 && c->done > 0);
    if (c->process <= 0 || c->code <= 0 || c->stack <= 0 || c->done <= 0)
        return false;
    long code =
        cairn_vm_map(c->process, c->code, 0, CHILD_CODE, PAGE, CAIRN_PROT_READ | CAIRN_PROT_EXEC);
    long stack = cairn_vm_map(c->process, c->stack, 0, CHILD_STACK, CHILD_STACK_SIZE,
                              CAIRN_PROT_READ | CAIRN_PROT_WRITE);
    long watch = cairn_process_watch(c->process, c->done, CHILD_DONE);
    EXPECT_EQ(code, CHILD_CODE);
    EXPECT_EQ(stack, CHILD_STACK);
    EXPECT_EQ(watch, 0);
    return code == (long)CHILD_CODE && stack == (long)CHILD_STACK && watch == 0;
}

long kt_child_start(struct child *c, void (*stub)(void), uint64_t arg, uint32_t flags)
{
    struct cairn_thread_params params = {
        .entry = CHILD_ENTRY(stub),
        .stack = CHILD_STACK_TOP,
        .arg = arg,
        .priority = 32,
        .affinity = CAIRN_AFFINITY_ANY,
        .flags = flags,
    };
    c->thread = cairn_thread_create(c->process, &params);
    return c->thread;
}

long kt_child_wait(struct child *c, int64_t *status)
{
    struct cairn_process_info info;
    long bits = cairn_notification_wait(c->done, 10 * SECOND);
    EXPECT_EQ(bits, CHILD_DONE);
    EXPECT_EQ(cairn_process_info(c->process, &info), 0);
    EXPECT_EQ(info.state, CAIRN_PROCESS_ENDED);
    *status = info.exit_status;
    return info.exit_reason;
}

void kt_child_free(struct child *c)
{
    if (c->process > 0)
        cairn_process_kill(c->process);
    long handles[] = {c->thread, c->process, c->code, c->stack, c->done};
    for (unsigned i = 0; i < sizeof(handles) / sizeof(handles[0]); i++) {
        if (handles[i] > 0)
            cairn_handle_close(handles[i]);
    }
    *c = (struct child){0};
}

bool kt_thread_reaches(long thread, uint32_t state)
{
    for (int i = 0; i < 2000; i++) {
        struct cairn_thread_info info = {0};
        cairn_thread_control(thread, CAIRN_THREAD_INFO, &info);
        if (info.state == state)
            return true;
        cairn_sleep(1000000);
    }
    return false;
}
