/*
 * ktest.h - the in-guest kernel test suite's little framework.
 *
 * A test is a function registered with KTEST(name, mode); the runner
 * (main.c) calls every test of the selected mode in link order. A failed
 * EXPECT prints what it expected and what it got and marks the test
 * failed; the test goes on, so one run shows every broken behaviour.
 */
#ifndef CAIRN_KTEST_H
#define CAIRN_KTEST_H

#include <cairn/process.h>
#include <rt/rt.h>
#include <stdbool.h>
#include <stdint.h>

enum ktest_mode { KTEST_QUICK, KTEST_FULL };

struct ktest {
    const char *name;
    void (*run)(void);
    enum ktest_mode mode; /* KTEST_FULL: only in the full run */
};

/* Registers a test: a pointer to it lands in the "ktests" section, which
 * the linker brackets with __start_ktests and __stop_ktests. Pointers, not
 * the structs, because the compiler may pad structs to a larger alignment. */
#define KTEST(test_name, test_mode)                                                                \
    static void ktest_fn_##test_name(void);                                                        \
    static const struct ktest ktest_##test_name = {#test_name, ktest_fn_##test_name, test_mode};   \
    __attribute__((section("ktests"),                                                              \
                   used)) static const struct ktest *const ktest_ptr_##test_name =                 \
        &ktest_##test_name;                                                                        \
    static void ktest_fn_##test_name(void)

/* A system call with raw 64-bit arguments, to pass what the typed stubs
 * cannot (handles and rights above 32 bits, unknown numbers). */
static inline long ktest_syscall(long number, long a, long b)
{
    long ret;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(number), "D"(a), "S"(b) : "rcx", "r11", "memory");
    return ret;
}

/* The same with all six argument registers (RDI, RSI, RDX, R10, R8, R9),
 * for calls whose typed stubs would truncate a bad argument. */
static inline long ktest_syscall6(long number, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                                  uint64_t a4, uint64_t a5)
{
    long ret;
    register uint64_t r10 __asm__("r10") = a3;
    register uint64_t r8 __asm__("r8") = a4;
    register uint64_t r9 __asm__("r9") = a5;
    __asm__ volatile("syscall"
                     : "=a"(ret), "+D"(a0), "+S"(a1), "+d"(a2), "+r"(r10), "+r"(r8), "+r"(r9)
                     : "a"(number)
                     : "rcx", "r11", "memory");
    return ret;
}

/* thread_create in the calling process from the five values that describe
 * most test threads; priority and affinity fill the params' 32-bit fields. */
static inline long kt_thread_create(uint64_t entry, uint64_t stack, uint64_t arg, uint32_t priority,
                                    uint32_t affinity)
{
    struct cairn_thread_params params = {
        .entry = entry,
        .stack = stack,
        .arg = arg,
        .priority = priority,
        .affinity = affinity,
    };
    return cairn_thread_create(CAIRN_PROCESS_SELF, &params);
}

/* Records a failure of the running test. */
void ktest_fail(const char *file, int line, const char *expr, long long expected, long long got);

#define EXPECT_EQ(got, expected)                                                                   \
    do {                                                                                           \
        long long ktest_g_ = (long long)(got), ktest_e_ = (long long)(expected);                   \
        if (ktest_g_ != ktest_e_)                                                                  \
            ktest_fail(__FILE__, __LINE__, #got, ktest_e_, ktest_g_);                              \
    } while (0)

#define EXPECT_TRUE(cond) EXPECT_EQ(!!(cond), 1)

/* A system-call result that must be an error: the negated code. */
#define EXPECT_ERR(got, code) EXPECT_EQ(got, -(long long)(code))

#endif
