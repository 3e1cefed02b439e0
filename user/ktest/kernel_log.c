/*
 * kernel_log.c - the kernel log capability and log_read: lines come back
 * in order with their sequence numbers, overwritten ones are counted as
 * lost, and every bad argument is refused.
 */
#include "ktest.h"
#include <cairn/error.h>
#include <cairn/handle.h>
#include <cairn/log.h>
#include <cairn/startup.h>
#include <cairn/vm.h>

#define LOG_RIGHTS                                                                                 \
    (CAIRN_RIGHT_READ | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER | CAIRN_RIGHT_REVOKE)
#define RING_LINES 256 /* LOGBUF_LINES, kernel/include/lib/logbuf.h */

static char buf[CAIRN_LOG_READ_MAX] __attribute__((aligned(8)));

static long klog(void)
{
    return rt_startup_handle(CAIRN_AT_KERNEL_LOG);
}

static const struct cairn_log_record *record_at(size_t off)
{
    return (const struct cairn_log_record *)(buf + off);
}

/* Whether the records in buf[0..used) are well formed and numbered from
 * first on, one after another. */
static bool records_ok(size_t used, uint64_t first, uint64_t *count)
{
    size_t off = 0;
    uint64_t n = 0;
    while (off < used) {
        const struct cairn_log_record *r = record_at(off);
        if (r->seq != first + n || r->length > CAIRN_LOG_TEXT_MAX || r->level > CAIRN_LOG_ERROR ||
            r->reserved != 0)
            return false;
        off += CAIRN_LOG_RECORD_SIZE(r->length);
        n++;
    }
    *count = n;
    return off == used;
}

KTEST(kernel_log_handed_out, KTEST_QUICK)
{
    struct cairn_handle_info info = {0};
    EXPECT_TRUE(klog() > 0);
    EXPECT_EQ(cairn_handle_info(klog(), &info), 0);
    EXPECT_EQ(info.type, CAIRN_OBJ_KERNEL_LOG);
    EXPECT_EQ(info.rights, LOG_RIGHTS);
}

/* The boot lines are there from 0 on (the ring is larger than a boot's
 * worth), in order, with their text; a read from `next` finds nothing new. */
KTEST(kernel_log_reads_boot_lines, KTEST_QUICK)
{
    struct cairn_log_position pos = {99, 99};
    long used = cairn_log_read(klog(), 0, buf, sizeof(buf), &pos);
    EXPECT_TRUE(used > 0);
    uint64_t n = 0;
    EXPECT_TRUE(records_ok((size_t)used, pos.lost, &n));
    EXPECT_EQ(pos.next, pos.lost + n);
    /* Some kernel line of every boot names the CPUs online. */
    bool seen = false;
    for (size_t off = 0; off < (size_t)used; off += CAIRN_LOG_RECORD_SIZE(record_at(off)->length)) {
        const struct cairn_log_record *r = record_at(off);
        const char want[] = "cairn: ";
        seen |= r->length >= 7 && __builtin_memcmp(r->text, want, 7) == 0;
    }
    EXPECT_TRUE(seen || pos.lost > 0);
    /* len 0: only the position. */
    struct cairn_log_position now = {0, 99};
    EXPECT_EQ(cairn_log_read(klog(), pos.next, buf, 0, &now), 0);
    EXPECT_TRUE(now.next >= pos.next);
    EXPECT_EQ(now.lost, 0);
}

/* A buffer of one largest record always takes at least one record, and
 * reading on from `next` continues without a gap or a repeat. */
KTEST(kernel_log_small_buffer_continues, KTEST_QUICK)
{
    struct cairn_log_position pos;
    uint64_t n = 0;
    EXPECT_EQ(cairn_log_read(klog(), 0, buf, 0, &pos), 0);
    uint64_t seq = pos.lost; /* the oldest kept */
    long used = cairn_log_read(klog(), seq, buf, CAIRN_LOG_RECORD_MAX, &pos);
    EXPECT_TRUE(used > 0 && (size_t)used <= CAIRN_LOG_RECORD_MAX);
    EXPECT_TRUE(records_ok((size_t)used, seq, &n));
    EXPECT_TRUE(n >= 1);
    EXPECT_EQ(pos.next, seq + n);
    EXPECT_EQ(pos.lost, 0);
    seq = pos.next;
    used = cairn_log_read(klog(), seq, buf, CAIRN_LOG_RECORD_MAX, &pos);
    EXPECT_TRUE(used > 0);
    EXPECT_TRUE(records_ok((size_t)used, seq, &n));
}

/* Once more lines than the ring holds have been logged, a read from 0
 * starts at the oldest kept and counts the others as lost. Each process
 * that faults makes the kernel log a line. */
KTEST(kernel_log_counts_lost_lines, KTEST_FULL)
{
    struct cairn_log_position pos;
    EXPECT_EQ(cairn_log_read(klog(), 0, buf, 0, &pos), 0);
    if (pos.lost == 0) {
        rt_printf("ktest: kernel_log: fewer than %u lines so far; lost-line test skipped\n",
                  RING_LINES);
        return;
    }
    long used = cairn_log_read(klog(), 0, buf, sizeof(buf), &pos);
    EXPECT_TRUE(used > 0);
    EXPECT_EQ(record_at(0)->seq, pos.lost);
}

KTEST(kernel_log_argument_errors, KTEST_QUICK)
{
    struct cairn_log_position pos;
    long h = klog();
    EXPECT_EQ(cairn_log_read(h, 0, buf, 0, &pos), 0);
    uint64_t next = pos.next;
    EXPECT_ERR(cairn_log_read(h, 0, buf, CAIRN_LOG_READ_MAX + 1, &pos), CAIRN_E_TOO_LARGE);
    EXPECT_ERR(cairn_log_read(h, 0, buf, ~0ul, &pos), CAIRN_E_TOO_LARGE);
    EXPECT_ERR(cairn_log_read(h, 0, buf, 1, &pos), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_log_read(h, 0, buf, CAIRN_LOG_RECORD_MAX - 1, &pos), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_log_read(h, next + 1000000, buf, sizeof(buf), &pos), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_log_read(h, ~0ull, buf, sizeof(buf), &pos), CAIRN_E_INVALID_ARGUMENT);
    /* Bad pointers: kernel addresses, unmapped, read-only (this code), wrapping. */
    EXPECT_ERR(cairn_log_read(h, 0, (void *)0xffff800000000000ull, sizeof(buf), &pos),
               CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_log_read(h, 0, (void *)0x7ffffffff000ull, sizeof(buf), &pos),
               CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_log_read(h, 0, (void *)(uintptr_t)klog, CAIRN_LOG_RECORD_MAX, &pos),
               CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_log_read(h, 0, (void *)~0ull, CAIRN_LOG_RECORD_MAX, &pos),
               CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_log_read(h, 0, buf, sizeof(buf), NULL), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_log_read(h, 0, buf, 0, (void *)0xffff800000000000ull), CAIRN_E_BAD_ADDRESS);
    /* With len 0, buf is not looked at. */
    EXPECT_EQ(cairn_log_read(h, 0, (void *)0xffff800000000000ull, 0, &pos), 0);
    EXPECT_ERR(cairn_log_read(h, 0, buf, sizeof(buf), (void *)(uintptr_t)klog),
               CAIRN_E_BAD_ADDRESS);
}

KTEST(kernel_log_handle_errors, KTEST_QUICK)
{
    struct cairn_log_position pos;
    long n = cairn_notification_create();
    EXPECT_ERR(cairn_log_read(0, 0, buf, sizeof(buf), &pos), CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(ktest_syscall6(SYS_LOG_READ, (1ull << 32) | (uint64_t)klog(), 0, (uint64_t)buf,
                              sizeof(buf), (uint64_t)&pos, 0),
               CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(cairn_log_read(n, 0, buf, sizeof(buf), &pos), CAIRN_E_WRONG_TYPE);
    EXPECT_ERR(cairn_log_read(rt_startup_handle(CAIRN_AT_IRQ_CONTROL), 0, buf, sizeof(buf), &pos),
               CAIRN_E_WRONG_TYPE);
    long weak = cairn_handle_duplicate(klog(), CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER);
    EXPECT_TRUE(weak > 0);
    EXPECT_ERR(cairn_log_read(weak, 0, buf, sizeof(buf), &pos), CAIRN_E_ACCESS_DENIED);
    /* The handle is checked before the other arguments. */
    EXPECT_ERR(cairn_log_read(weak, 0, buf, 1, NULL), CAIRN_E_ACCESS_DENIED);
    long stale = cairn_handle_duplicate(klog(), LOG_RIGHTS);
    EXPECT_EQ(cairn_handle_close(stale), 0);
    EXPECT_ERR(cairn_log_read(stale, 0, buf, sizeof(buf), &pos), CAIRN_E_BAD_HANDLE);
    /* A duplicate reads; revoked from the original, it no longer does. */
    long dup = cairn_handle_duplicate(klog(), LOG_RIGHTS);
    EXPECT_TRUE(cairn_log_read(dup, 0, buf, sizeof(buf), &pos) > 0);
    long dup2 = cairn_handle_duplicate(dup, LOG_RIGHTS);
    EXPECT_EQ(cairn_handle_revoke(dup), 0);
    EXPECT_ERR(cairn_log_read(dup2, 0, buf, sizeof(buf), &pos), CAIRN_E_REVOKED);
    EXPECT_TRUE(cairn_log_read(dup, 0, buf, sizeof(buf), &pos) > 0);
    cairn_handle_close(dup2);
    cairn_handle_close(dup);
    cairn_handle_close(weak);
    cairn_handle_close(n);
}
