/*
 * thread_resume.c - a thread created suspended and then resumed is an
 * ordinary thread: once it blocks in a wait it is blocked, not stopped,
 * so its registers are not to be had and a resume does not wake it.
 */
#include "child.h"
#include "ktest.h"
#include <cairn/error.h>
#include <cairn/process.h>

#define MS 1000000ull

void kt_wait_and_exit(void);

static uint8_t wait_stack[256] __attribute__((aligned(16)));

KTEST(thread_created_suspended_then_resumed_blocks_as_any_other, KTEST_QUICK)
{
    struct cairn_thread_regs regs;
    struct cairn_thread_info info = {0};
    long n = cairn_notification_create();
    struct cairn_thread_params params = {
        .entry = (uint64_t)kt_wait_and_exit,
        .stack = (uint64_t)(wait_stack + sizeof(wait_stack) - 8),
        .arg = (uint64_t)n,
        .priority = 32,
        .affinity = CAIRN_AFFINITY_ANY,
        .flags = CAIRN_THREAD_SUSPENDED,
    };
    long t = cairn_thread_create(CAIRN_PROCESS_SELF, &params);
    EXPECT_TRUE(t > 0);
    EXPECT_EQ(cairn_thread_control(t, CAIRN_THREAD_RESUME, NULL), 0);
    /* It waits on n for ever: blocked, not stopped. */
    EXPECT_TRUE(kt_thread_reaches(t, CAIRN_THREAD_BLOCKED));
    EXPECT_ERR(cairn_thread_control(t, CAIRN_THREAD_READ_REGS, &regs), CAIRN_E_BUSY);
    EXPECT_ERR(cairn_thread_control(t, CAIRN_THREAD_WRITE_REGS, &regs), CAIRN_E_BUSY);
    /* A resume does not end its wait. */
    EXPECT_EQ(cairn_thread_control(t, CAIRN_THREAD_RESUME, NULL), 0);
    cairn_sleep(5 * MS);
    EXPECT_EQ(cairn_thread_control(t, CAIRN_THREAD_INFO, &info), 0);
    EXPECT_EQ(info.state, CAIRN_THREAD_BLOCKED);
    EXPECT_EQ(info.suspended, 0);
    EXPECT_EQ(cairn_notification_signal(n, 1), 0);
    EXPECT_TRUE(kt_thread_reaches(t, CAIRN_THREAD_DEAD));
    cairn_handle_close(t);
    cairn_handle_close(n);
}
