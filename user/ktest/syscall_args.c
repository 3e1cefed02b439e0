/*
 * syscall_args.c - every system call rejects bad arguments with its
 * specific error, and the process carries on.
 */
#include "ktest.h"
#include <cairn/abi.h>
#include <cairn/error.h>

KTEST(unknown_syscall_numbers, KTEST_QUICK)
{
    EXPECT_ERR(ktest_syscall(SYS_COUNT, 0, 0), CAIRN_E_INVALID_SYSCALL);
    EXPECT_ERR(ktest_syscall(12345, 0, 0), CAIRN_E_INVALID_SYSCALL);
    EXPECT_ERR(ktest_syscall(-1, 0, 0), CAIRN_E_INVALID_SYSCALL);
    EXPECT_ERR(ktest_syscall(1l << 40, 0, 0), CAIRN_E_INVALID_SYSCALL);
}

KTEST(debug_write_pointers, KTEST_QUICK)
{
    EXPECT_ERR(cairn_debug_write((void *)0xffff800000000000ul, 8), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_debug_write((void *)0xffffffff80200000ul, 8), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_debug_write((void *)0x1000, 8), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_debug_write((void *)0x00007fffffffff00ul, 0x1000), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_debug_write((void *)-1l, 2), CAIRN_E_BAD_ADDRESS);
    EXPECT_EQ(cairn_debug_write((void *)0x1000, 0), 0);
}

KTEST(debug_write_lengths, KTEST_QUICK)
{
    static const char text[] = "ktest: debug_write works\n";
    EXPECT_EQ(cairn_debug_write(text, sizeof(text) - 1), sizeof(text) - 1);
    EXPECT_ERR(cairn_debug_write(text, CAIRN_DEBUG_WRITE_MAX + 1), CAIRN_E_TOO_LARGE);
    EXPECT_ERR(cairn_debug_write(text, (size_t)-1), CAIRN_E_TOO_LARGE);
}
