/*
 * fpu.c - x87/SSE state is each user thread's own: a new thread starts
 * with clean registers and the default control words whatever its creator
 * holds, and threads that load their own XMM0-XMM15, MXCSR, x87 control
 * word and x87 stack top find them unchanged after every yield and sleep,
 * sharing a CPU, on CPUs of their own, and free to move between CPUs.
 */
#include "ktest.h"
#include "threads.h"
#include <cairn/error.h>

#define XMM_BYTES     256
#define FCW_DEFAULT   0x037f
#define MXCSR_DEFAULT 0x1f80
#define ROUNDS        300
#define SLEEP_EVERY   8
#define SLEEP_NS      100000ull

void kt_fpu_load_xmm(const void *from);
void kt_fpu_store_xmm(void *to);
uint32_t kt_fpu_mxcsr(void);
void kt_fpu_set_mxcsr(uint32_t value);
uint16_t kt_fpu_fcw(void);
void kt_fpu_set_fcw(uint16_t value);
void kt_fpu_x87_push(const int64_t *value);
void kt_fpu_x87_top(int64_t *value);
void kt_fpu_x87_pop(void);

/* 256 bytes no two seeds share, in any 16-byte lane. */
static void pattern(uint64_t seed, uint64_t out[XMM_BYTES / 8])
{
    uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
    for (unsigned i = 0; i < XMM_BYTES / 8; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out[i] = x ^ (seed << 56) ^ i;
    }
}

static bool same(const uint64_t *a, const uint64_t *b)
{
    for (unsigned i = 0; i < XMM_BYTES / 8; i++) {
        if (a[i] != b[i])
            return false;
    }
    return true;
}

/* What a worker loads, and what it found. */
struct worker {
    uint64_t seed;
    uint32_t mxcsr;
    uint16_t fcw;
    volatile int rounds; /* completed */
    volatile int wrong;  /* rounds that found any register changed */
};

static void work(uint64_t arg)
{
    struct worker *w = (struct worker *)arg;
    uint64_t want[XMM_BYTES / 8], got[XMM_BYTES / 8];
    int64_t x87 = (int64_t)(w->seed * 1000003), top;
    pattern(w->seed, want);
    kt_fpu_set_mxcsr(w->mxcsr);
    kt_fpu_set_fcw(w->fcw);
    kt_fpu_x87_push(&x87);
    kt_fpu_load_xmm(want);
    for (int r = 0; r < ROUNDS; r++) {
        if (r % SLEEP_EVERY == SLEEP_EVERY - 1)
            cairn_sleep(SLEEP_NS);
        else
            cairn_yield();
        kt_fpu_store_xmm(got);
        kt_fpu_x87_top(&top);
        if (!same(want, got) || kt_fpu_mxcsr() != w->mxcsr || kt_fpu_fcw() != w->fcw || top != x87)
            w->wrong++;
        w->rounds++;
    }
    kt_fpu_x87_pop();
    kt_thread_done();
}

/* Distinct control words: MXCSR rounding (bits 13-14) and flush-to-zero
 * (bit 15); x87 rounding (bits 10-11) and precision (bits 8-9). */
static const uint32_t MXCSRS[] = {0x1f80, 0x3f80, 0x5f80, 0x7f80, 0x9f80, 0xbf80};
static const uint16_t FCWS[] = {0x037f, 0x027f, 0x007f, 0x077f, 0x0b7f, 0x0f7f};
#define KINDS (sizeof(MXCSRS) / sizeof(MXCSRS[0]))

/* Runs `count` workers (at most KINDS), worker i on affinity[i], while this
 * thread holds a pattern of its own; checks every worker's rounds and
 * this thread's registers afterwards. */
static void run_workers(unsigned count, const uint32_t *affinity)
{
    static struct worker workers[KINDS];
    uint64_t mine[XMM_BYTES / 8], after[XMM_BYTES / 8];
    int64_t x87 = -424242, top = 0;
    unsigned started = 0;
    pattern(0xee, mine);
    kt_fpu_set_mxcsr(0x3f80);
    kt_fpu_x87_push(&x87);
    kt_fpu_load_xmm(mine);
    for (unsigned i = 0; i < count; i++) {
        workers[i] = (struct worker){.seed = i + 1, .mxcsr = MXCSRS[i], .fcw = FCWS[i]};
        long t = kt_spawn(work, (uint64_t)&workers[i], affinity[i]);
        EXPECT_TRUE(t > 0);
        started += t > 0;
    }
    kt_join((int)started);
    kt_fpu_store_xmm(after);
    kt_fpu_x87_top(&top);
    EXPECT_TRUE(same(mine, after));
    EXPECT_EQ(kt_fpu_mxcsr(), 0x3f80);
    EXPECT_EQ(top, x87);
    kt_fpu_x87_pop();
    kt_fpu_set_mxcsr(MXCSR_DEFAULT);
    for (unsigned i = 0; i < count; i++) {
        EXPECT_EQ(workers[i].rounds, ROUNDS);
        EXPECT_EQ(workers[i].wrong, 0);
    }
}

KTEST(fpu_registers_stay_private_to_threads_sharing_a_cpu, KTEST_QUICK)
{
    const uint32_t affinity[] = {0, 0, 0};
    run_workers(3, affinity);
}

KTEST(fpu_registers_stay_private_to_threads_on_different_cpus, KTEST_QUICK)
{
    if (!kt_need_cpus(2))
        return;
    uint32_t affinity[KINDS];
    for (unsigned i = 0; i < KINDS; i++)
        affinity[i] = i % kt_cpus();
    run_workers(KINDS, affinity);
}

KTEST(fpu_registers_follow_threads_free_to_move_between_cpus, KTEST_QUICK)
{
    uint32_t affinity[KINDS];
    for (unsigned i = 0; i < KINDS; i++)
        affinity[i] = CAIRN_AFFINITY_ANY;
    run_workers(KINDS, affinity);
}

/* What a new thread finds before it touches x87 or SSE. */
static struct {
    uint32_t mxcsr;
    uint16_t fcw;
    uint64_t xmm[XMM_BYTES / 8];
} first_look;

static void look(uint64_t arg)
{
    (void)arg;
    kt_fpu_store_xmm(first_look.xmm);
    first_look.mxcsr = kt_fpu_mxcsr();
    first_look.fcw = kt_fpu_fcw();
    kt_thread_done();
}

KTEST(fpu_new_thread_starts_with_default_control_words_and_clear_registers, KTEST_QUICK)
{
    uint64_t mine[XMM_BYTES / 8];
    static const uint64_t zero[XMM_BYTES / 8];
    pattern(0x77, mine);
    /* The creator holds other values meanwhile, on the new thread's CPU
     * and on any other. */
    kt_fpu_set_mxcsr(0x7f80);
    kt_fpu_set_fcw(0x0f7f);
    kt_fpu_load_xmm(mine);
    for (uint32_t cpu = 0; cpu < kt_cpus(); cpu++) {
        first_look.mxcsr = 0;
        first_look.fcw = 0;
        first_look.xmm[0] = 1;
        kt_reset();
        EXPECT_TRUE(kt_spawn(look, 0, cpu) > 0);
        kt_join(1);
        EXPECT_EQ(first_look.mxcsr, MXCSR_DEFAULT);
        EXPECT_EQ(first_look.fcw, FCW_DEFAULT);
        EXPECT_TRUE(same(first_look.xmm, zero));
    }
    EXPECT_EQ(kt_fpu_mxcsr(), 0x7f80);
    EXPECT_EQ(kt_fpu_fcw(), 0x0f7f);
    kt_fpu_set_mxcsr(MXCSR_DEFAULT);
    kt_fpu_set_fcw(FCW_DEFAULT);
}
