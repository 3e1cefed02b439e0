/*
 * irq.c - irq objects: interrupts from the RTC (ISA IRQ 8, programmed
 * through an io-port capability) delivered to a notification, the line
 * masked until irq_ack, and every refusal: wrong types, missing rights,
 * reserved and claimed lines, bad lines and flags, revoked handles.
 */
#include "ktest.h"
#include "leak.h"
#include "portio.h"
#include "threads.h"
#include <cairn/error.h>
#include <cairn/handle.h>
#include <cairn/irq.h>
#include <cairn/startup.h>

#define MS       1000000ull
#define RTC_BIT  (1ull << 5)
#define RTC_64HZ 0x0a /* register A rate: 32768 >> (10 - 1) = 64 Hz */

/* A line that nothing on the test machines drives: COM2's. */
#define QUIET_ISA_IRQ 3

static long irq_control(void)
{
    return rt_startup_handle(CAIRN_AT_IRQ_CONTROL);
}

/* Opens the CMOS ports to this process; returns the io-port handle. */
static long open_cmos(void)
{
    long io = cairn_ioport_create(rt_startup_handle(CAIRN_AT_IOPORT_CONTROL), CMOS_INDEX, 2);
    EXPECT_TRUE(io > 0);
    EXPECT_EQ(cairn_ioport_enable(io), 0);
    return io;
}

/* Waits for one RTC interrupt, acknowledges it when irq is not 0, then
 * reads and clears the RTC's flags; returns whether they showed an
 * interrupt. Ack before clear: the RTC's line is an edge, and an edge that
 * came between a clear and the ack would be lost with the line masked on
 * real hardware. The price is an occasional interrupt whose flags the
 * clear already took (QEMU raises the line again at each period while it
 * is high), which a driver must take in its stride: flags 0. */
static bool take_rtc_interrupt(long n, long irq)
{
    EXPECT_EQ(cairn_notification_wait(n, 2000 * MS), RTC_BIT);
    if (irq)
        EXPECT_EQ(cairn_irq_ack(irq), 0);
    uint8_t c = cmos_read(CMOS_REG_C) & (RTC_C_IRQF | RTC_C_PF);
    if (c != 0)
        EXPECT_EQ(c, RTC_C_IRQF | RTC_C_PF);
    return c != 0;
}

KTEST(irq_rtc_periodic_interrupts, KTEST_QUICK)
{
    long io = open_cmos();
    long n = cairn_notification_create();
    uint8_t a = cmos_read(CMOS_REG_A), b = cmos_read(CMOS_REG_B);
    cmos_read(CMOS_REG_C); /* nothing pending: the line is low before it is claimed */
    long irq = cairn_irq_create(irq_control(), RTC_ISA_IRQ, CAIRN_IRQ_ISA, n, RTC_BIT);
    EXPECT_TRUE(irq > 0);
    struct cairn_handle_info info = {0};
    EXPECT_EQ(cairn_handle_info(irq, &info), 0);
    EXPECT_EQ(info.type, CAIRN_OBJ_IRQ);
    EXPECT_EQ(info.rights, CAIRN_RIGHT_MANAGE | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER |
                               CAIRN_RIGHT_REVOKE);
    cmos_write(CMOS_REG_A, (uint8_t)((a & 0xf0) | RTC_64HZ));
    cmos_write(CMOS_REG_B, b | RTC_B_PIE);
    int from_rtc = 0;
    for (int i = 0; i < 3; i++)
        from_rtc += take_rtc_interrupt(n, irq);
    EXPECT_TRUE(from_rtc > 0);
    /* Without an ack the line stays masked: the RTC's next edges are lost. */
    take_rtc_interrupt(n, 0);
    EXPECT_ERR(cairn_notification_wait(n, 100 * MS), CAIRN_E_TIMED_OUT);
    EXPECT_EQ(cairn_irq_ack(irq), 0);
    cmos_read(CMOS_REG_C); /* lower the line, so the next period is an edge */
    take_rtc_interrupt(n, irq);
    EXPECT_EQ(cairn_irq_ack(irq), 0); /* a second ack changes nothing */
    cmos_write(CMOS_REG_B, b & (uint8_t)~RTC_B_PIE);
    cmos_write(CMOS_REG_A, a);
    cmos_read(CMOS_REG_C);
    EXPECT_EQ(cairn_handle_close(irq), 0);
    /* Closing freed the line. */
    irq = cairn_irq_create(irq_control(), RTC_ISA_IRQ, CAIRN_IRQ_ISA, n, RTC_BIT);
    EXPECT_TRUE(irq > 0);
    cairn_handle_close(irq);
    cairn_handle_close(n);
    cairn_handle_close(io);
}

KTEST(irq_line_claimed_once, KTEST_QUICK)
{
    long n = cairn_notification_create();
    long irq = cairn_irq_create(irq_control(), QUIET_ISA_IRQ, CAIRN_IRQ_ISA, n, 1);
    EXPECT_TRUE(irq > 0);
    EXPECT_ERR(cairn_irq_create(irq_control(), QUIET_ISA_IRQ, CAIRN_IRQ_ISA, n, 2), CAIRN_E_BUSY);
    /* The same line named by its GSI (no override moves IRQ 3). */
    EXPECT_ERR(cairn_irq_create(irq_control(), QUIET_ISA_IRQ, CAIRN_IRQ_GSI, n, 2), CAIRN_E_BUSY);
    /* A duplicate keeps the object, and the line, alive. */
    long dup = cairn_handle_duplicate(irq, CAIRN_RIGHT_MANAGE);
    EXPECT_EQ(cairn_handle_close(irq), 0);
    EXPECT_ERR(cairn_irq_create(irq_control(), QUIET_ISA_IRQ, CAIRN_IRQ_ISA, n, 2), CAIRN_E_BUSY);
    EXPECT_EQ(cairn_irq_ack(dup), 0);
    EXPECT_EQ(cairn_handle_close(dup), 0);
    irq = cairn_irq_create(irq_control(), QUIET_ISA_IRQ, CAIRN_IRQ_GSI | CAIRN_IRQ_LEVEL, n, 2);
    EXPECT_TRUE(irq > 0);
    cairn_handle_close(irq);
    cairn_handle_close(n);
}

KTEST(irq_kernel_lines_reserved, KTEST_QUICK)
{
    long c = irq_control();
    long n = cairn_notification_create();
    EXPECT_ERR(cairn_irq_create(c, 0, CAIRN_IRQ_ISA, n, 1), CAIRN_E_RESERVED); /* PIT */
    EXPECT_ERR(cairn_irq_create(c, 2, CAIRN_IRQ_ISA, n, 1), CAIRN_E_RESERVED); /* cascade */
    EXPECT_ERR(cairn_irq_create(c, 4, CAIRN_IRQ_ISA, n, 1), CAIRN_E_RESERVED); /* COM1 */
    /* GSI 2 is where the firmware routes the PIT; GSI 4 is COM1's. */
    EXPECT_ERR(cairn_irq_create(c, 2, CAIRN_IRQ_GSI, n, 1), CAIRN_E_RESERVED);
    EXPECT_ERR(cairn_irq_create(c, 4, CAIRN_IRQ_GSI, n, 1), CAIRN_E_RESERVED);
    /* No I/O APIC has these. */
    EXPECT_ERR(cairn_irq_create(c, 1000, CAIRN_IRQ_GSI, n, 1), CAIRN_E_NOT_FOUND);
    EXPECT_ERR(cairn_irq_create(c, UINT32_MAX, CAIRN_IRQ_GSI, n, 1), CAIRN_E_NOT_FOUND);
    cairn_handle_close(n);
}

KTEST(irq_create_checks_arguments, KTEST_QUICK)
{
    long c = irq_control();
    long n = cairn_notification_create();
    const uint64_t l = QUIET_ISA_IRQ;
    EXPECT_ERR(cairn_irq_create(c, 16, CAIRN_IRQ_ISA, n, 1), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_irq_create(c, UINT64_MAX, CAIRN_IRQ_ISA, n, 1), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_irq_create(c, 1ull << 32, CAIRN_IRQ_GSI, n, 1), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_irq_create(c, l, CAIRN_IRQ_LEVEL, n, 1), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_irq_create(c, l, CAIRN_IRQ_ACTIVE_LOW, n, 1), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_irq_create(c, l, 0x8, n, 1), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_irq_create(c, l, 1ull << 40, n, 1), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_irq_create(c, l, CAIRN_IRQ_ISA, n, 0), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_irq_create(c, l, CAIRN_IRQ_ISA, n, 1ull << 63), CAIRN_E_INVALID_ARGUMENT);
    cairn_handle_close(n);
}

KTEST(irq_handle_errors, KTEST_QUICK)
{
    long c = irq_control();
    long n = cairn_notification_create();
    long ioc = rt_startup_handle(CAIRN_AT_IOPORT_CONTROL);
    const uint64_t l = QUIET_ISA_IRQ;
    EXPECT_ERR(cairn_irq_create(0, l, CAIRN_IRQ_ISA, n, 1), CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(ktest_syscall(SYS_IRQ_CREATE, (1l << 32) | c, (long)l), CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(cairn_irq_create(ioc, l, CAIRN_IRQ_ISA, n, 1), CAIRN_E_WRONG_TYPE);
    EXPECT_ERR(cairn_irq_create(n, l, CAIRN_IRQ_ISA, n, 1), CAIRN_E_WRONG_TYPE);
    long weak = cairn_handle_duplicate(c, CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_REVOKE);
    EXPECT_ERR(cairn_irq_create(weak, l, CAIRN_IRQ_ISA, n, 1), CAIRN_E_ACCESS_DENIED);
    /* The notification: wrong type, no SIGNAL, stale. */
    EXPECT_ERR(cairn_irq_create(c, l, CAIRN_IRQ_ISA, c, 1), CAIRN_E_WRONG_TYPE);
    long wait_only = cairn_handle_duplicate(n, CAIRN_RIGHT_WAIT);
    EXPECT_ERR(cairn_irq_create(c, l, CAIRN_IRQ_ISA, wait_only, 1), CAIRN_E_ACCESS_DENIED);
    long gone = cairn_notification_create();
    cairn_handle_close(gone);
    EXPECT_ERR(cairn_irq_create(c, l, CAIRN_IRQ_ISA, gone, 1), CAIRN_E_BAD_HANDLE);

    long irq = cairn_irq_create(c, l, CAIRN_IRQ_ISA, n, 1);
    EXPECT_ERR(cairn_irq_ack(n), CAIRN_E_WRONG_TYPE);
    EXPECT_ERR(cairn_irq_ack(c), CAIRN_E_WRONG_TYPE);
    EXPECT_ERR(ktest_syscall(SYS_IRQ_ACK, (1l << 32) | irq, 0), CAIRN_E_BAD_HANDLE);
    long no_manage = cairn_handle_duplicate(irq, CAIRN_RIGHT_DUPLICATE);
    EXPECT_ERR(cairn_irq_ack(no_manage), CAIRN_E_ACCESS_DENIED);
    cairn_handle_close(no_manage);
    EXPECT_EQ(cairn_handle_close(irq), 0);
    EXPECT_ERR(cairn_irq_ack(irq), CAIRN_E_BAD_HANDLE);
    cairn_handle_close(wait_only);
    cairn_handle_close(weak);
    cairn_handle_close(n);
}

/* An irq object made from a duplicate of the control is its child:
 * revoking the duplicate takes the object away and frees the line. */
KTEST(irq_revoked, KTEST_QUICK)
{
    long c = irq_control();
    long n = cairn_notification_create();
    long dup = cairn_handle_duplicate(
        c, CAIRN_RIGHTS_ALL & ~(uint32_t)CAIRN_RIGHT_READ & ~(uint32_t)CAIRN_RIGHT_WRITE &
               ~(uint32_t)CAIRN_RIGHT_EXEC & ~(uint32_t)CAIRN_RIGHT_MAP &
               ~(uint32_t)CAIRN_RIGHT_SIGNAL & ~(uint32_t)CAIRN_RIGHT_WAIT);
    EXPECT_TRUE(dup > 0);
    long irq = cairn_irq_create(dup, QUIET_ISA_IRQ, CAIRN_IRQ_ISA, n, 1);
    EXPECT_TRUE(irq > 0);
    EXPECT_EQ(cairn_handle_revoke(dup), 0);
    EXPECT_ERR(cairn_irq_ack(irq), CAIRN_E_REVOKED);
    long again = cairn_irq_create(c, QUIET_ISA_IRQ, CAIRN_IRQ_ISA, n, 1);
    EXPECT_TRUE(again > 0);
    cairn_handle_close(again);
    /* Revoking from the control reaches the duplicate itself too. */
    EXPECT_EQ(cairn_handle_revoke(c), 0);
    EXPECT_ERR(cairn_irq_create(dup, QUIET_ISA_IRQ, CAIRN_IRQ_ISA, n, 1), CAIRN_E_REVOKED);
    cairn_handle_close(irq);
    cairn_handle_close(dup);
    cairn_handle_close(n);
}

KTEST(irq_no_leak, KTEST_QUICK)
{
    struct cairn_system_info before;
    long n = cairn_notification_create();
    cairn_system_info(&before);
    for (int i = 0; i < 50; i++) {
        long irq = cairn_irq_create(irq_control(), QUIET_ISA_IRQ, CAIRN_IRQ_ISA, n, 1);
        EXPECT_TRUE(irq > 0);
        EXPECT_EQ(cairn_handle_close(irq), 0);
    }
    EXPECT_TRUE(kt_memory_back_to(&before));
    cairn_handle_close(n);
}

struct rtc_driver {
    long n, irq;
    int rounds;
    int from_rtc; /* interrupts whose flags showed in register C */
};

/* A driver thread: takes and acknowledges `rounds` RTC interrupts. */
static void rtc_driver(uint64_t arg)
{
    struct rtc_driver *d = (struct rtc_driver *)arg;
    for (int i = 0; i < d->rounds; i++)
        d->from_rtc += take_rtc_interrupt(d->n, d->irq);
    kt_thread_done();
}

/* Interrupts arrive on the boot CPU; the driver waits on another one. */
static void rtc_driver_on(uint32_t cpu, int rounds, uint8_t rate)
{
    long io = open_cmos();
    struct rtc_driver d = {cairn_notification_create(), 0, rounds, 0};
    uint8_t a = cmos_read(CMOS_REG_A), b = cmos_read(CMOS_REG_B);
    cmos_read(CMOS_REG_C);
    d.irq = cairn_irq_create(irq_control(), RTC_ISA_IRQ, CAIRN_IRQ_ISA, d.n, RTC_BIT);
    EXPECT_TRUE(d.irq > 0);
    EXPECT_TRUE(kt_spawn(rtc_driver, (uint64_t)&d, cpu) > 0);
    cmos_write(CMOS_REG_A, (uint8_t)((a & 0xf0) | rate));
    cmos_write(CMOS_REG_B, b | RTC_B_PIE);
    kt_join(1);
    EXPECT_TRUE(d.from_rtc > 0);
    cmos_write(CMOS_REG_B, b & (uint8_t)~RTC_B_PIE);
    cmos_write(CMOS_REG_A, a);
    cmos_read(CMOS_REG_C);
    cairn_handle_close(d.irq);
    cairn_handle_close(d.n);
    cairn_handle_close(io);
}

KTEST(irq_driver_thread_on_other_cpu, KTEST_QUICK)
{
    rtc_driver_on(kt_other_cpu(0), 5, RTC_64HZ);
}

KTEST(irq_500_interrupts_at_1024hz, KTEST_FULL)
{
    rtc_driver_on(kt_other_cpu(0), 500, 0x06);
}
