/*
 * ioport.c - io-port capabilities: the control boot programs get, ranges
 * made from it, opening them (reading the RTC through ports 0x70-0x71),
 * and every refusal. An access to a port that is not open kills the
 * process, so that is tested by the user_fault system test (fault io*).
 */
#include "ktest.h"
#include "leak.h"
#include "portio.h"
#include "threads.h"
#include <cairn/error.h>
#include <cairn/handle.h>
#include <cairn/ioport.h>
#include <cairn/irq.h>
#include <cairn/startup.h>
#include <cairn/vm.h>

#define CONTROL_RIGHTS                                                                             \
    (CAIRN_RIGHT_MANAGE | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER | CAIRN_RIGHT_REVOKE)
#define RANGE_RIGHTS                                                                               \
    (CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER |         \
     CAIRN_RIGHT_REVOKE)

static long ioport_control(void)
{
    return rt_startup_handle(CAIRN_AT_IOPORT_CONTROL);
}

static void expect_handle(long h, uint32_t type, uint32_t rights)
{
    struct cairn_handle_info info = {0};
    EXPECT_TRUE(h > 0);
    EXPECT_EQ(cairn_handle_info(h, &info), 0);
    EXPECT_EQ(info.type, type);
    EXPECT_EQ(info.rights, rights);
}

static bool valid_seconds(uint8_t s, bool binary)
{
    if (binary)
        return s < 60;
    return (s & 0xf) <= 9 && (s >> 4) <= 5;
}

KTEST(ioport_read_rtc_seconds, KTEST_QUICK)
{
    long io = cairn_ioport_create(ioport_control(), CMOS_INDEX, 2);
    expect_handle(io, CAIRN_OBJ_IOPORT, RANGE_RIGHTS);
    EXPECT_EQ(cairn_ioport_enable(io), 0);
    EXPECT_EQ(cairn_ioport_enable(io), 0); /* again: nothing changes */
    bool binary = cmos_read(CMOS_REG_B) & RTC_B_BINARY;
    uint8_t s = cmos_read(CMOS_SECONDS);
    if (!valid_seconds(s, binary))
        EXPECT_EQ(s, 0); /* shows the value read */
    /* Two ranges over the same ports, one closed: the other keeps them open. */
    long again = cairn_ioport_create(ioport_control(), CMOS_DATA, 1);
    EXPECT_EQ(cairn_ioport_enable(again), 0);
    EXPECT_EQ(cairn_handle_close(again), 0);
    EXPECT_TRUE(valid_seconds(cmos_read(CMOS_SECONDS), binary));
    EXPECT_EQ(cairn_handle_close(io), 0);
}

KTEST(ioport_create_checks_range, KTEST_QUICK)
{
    long c = ioport_control();
    EXPECT_ERR(cairn_ioport_create(c, 0x70, 0), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_ioport_create(c, 0x10000, 1), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_ioport_create(c, 0xffff, 2), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_ioport_create(c, 0x1000, 0x10000), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_ioport_create(c, 0, 0x10001), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_ioport_create(c, 0xfff0, UINT64_MAX), CAIRN_E_INVALID_ARGUMENT); /* wraps */
    EXPECT_ERR(cairn_ioport_create(c, UINT64_MAX, 1), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_ioport_create(c, 1ull << 32, 1), CAIRN_E_INVALID_ARGUMENT);
    long last = cairn_ioport_create(c, 0xffff, 1);
    EXPECT_TRUE(last > 0);
    EXPECT_EQ(cairn_handle_close(last), 0);
}

KTEST(ioport_kernel_ports_reserved, KTEST_QUICK)
{
    static const struct {
        uint64_t base, count;
    } kept[] = {
        {0x20, 1},  {0x21, 1},    {0xa0, 2},  {0x40, 1},  {0x43, 1},
        {0x61, 1},  {0x3f8, 1},   {0x3ff, 1}, {0x3f0, 9}, {0x510, 1},
        {0x51b, 1}, {0, 0x10000}, {0x60, 2},  {0x1f, 2},  {0x3fe, 4},
    };
    long c = ioport_control();
    for (unsigned i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
        EXPECT_ERR(cairn_ioport_create(c, kept[i].base, kept[i].count), CAIRN_E_RESERVED);
    /* Right next to them is fine. */
    long h = cairn_ioport_create(c, 0x3f0, 8);
    EXPECT_TRUE(h > 0);
    cairn_handle_close(h);
    h = cairn_ioport_create(c, 0x51c, 4);
    EXPECT_TRUE(h > 0);
    cairn_handle_close(h);
}

KTEST(ioport_handle_errors, KTEST_QUICK)
{
    long c = ioport_control();
    long n = cairn_notification_create();
    long irqc = rt_startup_handle(CAIRN_AT_IRQ_CONTROL);
    EXPECT_ERR(cairn_ioport_create(0, 0x70, 2), CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(ktest_syscall(SYS_IOPORT_CREATE, (1l << 32) | c, 0x70), CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(cairn_ioport_create(n, 0x70, 2), CAIRN_E_WRONG_TYPE);
    EXPECT_ERR(cairn_ioport_create(irqc, 0x70, 2), CAIRN_E_WRONG_TYPE);
    long weak = cairn_handle_duplicate(c, CAIRN_RIGHT_DUPLICATE);
    EXPECT_ERR(cairn_ioport_create(weak, 0x70, 2), CAIRN_E_ACCESS_DENIED);

    long io = cairn_ioport_create(c, 0x70, 2);
    EXPECT_ERR(cairn_ioport_enable(c), CAIRN_E_WRONG_TYPE);
    EXPECT_ERR(cairn_ioport_enable(n), CAIRN_E_WRONG_TYPE);
    EXPECT_ERR(ktest_syscall(SYS_IOPORT_ENABLE, (1l << 32) | io, 0), CAIRN_E_BAD_HANDLE);
    long read_only = cairn_handle_duplicate(io, CAIRN_RIGHT_READ);
    EXPECT_ERR(cairn_ioport_enable(read_only), CAIRN_E_ACCESS_DENIED);
    long write_only = cairn_handle_duplicate(io, CAIRN_RIGHT_WRITE);
    EXPECT_ERR(cairn_ioport_enable(write_only), CAIRN_E_ACCESS_DENIED);
    EXPECT_EQ(cairn_handle_close(io), 0);
    EXPECT_ERR(cairn_ioport_enable(io), CAIRN_E_BAD_HANDLE);
    cairn_handle_close(read_only);
    cairn_handle_close(write_only);
    cairn_handle_close(weak);
    cairn_handle_close(n);
}

/* A range made from a duplicate of the control is that duplicate's child:
 * revoking from the control reaches both. */
KTEST(ioport_revoked, KTEST_QUICK)
{
    long c = ioport_control();
    long dup = cairn_handle_duplicate(c, CONTROL_RIGHTS);
    long io = cairn_ioport_create(dup, 0x70, 2);
    long io_dup = cairn_handle_duplicate(io, RANGE_RIGHTS);
    EXPECT_TRUE(io > 0 && io_dup > 0);
    EXPECT_EQ(cairn_handle_revoke(c), 0);
    EXPECT_ERR(cairn_ioport_create(dup, 0x70, 2), CAIRN_E_REVOKED);
    EXPECT_ERR(cairn_ioport_enable(io), CAIRN_E_REVOKED);
    EXPECT_ERR(cairn_ioport_enable(io_dup), CAIRN_E_REVOKED);
    EXPECT_EQ(cairn_handle_close(io_dup), 0);
    EXPECT_EQ(cairn_handle_close(io), 0);
    EXPECT_EQ(cairn_handle_close(dup), 0);
    /* The control itself is still good. */
    long again = cairn_ioport_create(c, 0x70, 2);
    EXPECT_TRUE(again > 0);
    cairn_handle_close(again);
}

KTEST(ioport_no_leak, KTEST_QUICK)
{
    struct cairn_system_info before;
    long c = ioport_control();
    /* The first enable gives the process its bitmap, which stays. */
    long warm = cairn_ioport_create(c, 0x80, 1);
    EXPECT_EQ(cairn_ioport_enable(warm), 0);
    cairn_handle_close(warm);
    cairn_system_info(&before);
    for (int i = 0; i < 50; i++) {
        long io = cairn_ioport_create(c, 0x70 + (uint64_t)(i % 2), 1);
        EXPECT_EQ(cairn_ioport_enable(io), 0);
        EXPECT_EQ(cairn_handle_close(io), 0);
    }
    EXPECT_TRUE(kt_memory_back_to(&before));
}

/* With the quota full, io-port and irq objects and enables are refused
 * with QUOTA, the process carries on, and everything comes back. */
KTEST(device_objects_quota_exhaustion, KTEST_QUICK)
{
    enum { MAX_PAGES = 512, MAX_PORTS = 1024, SPARE = 8 };
    static long pages[MAX_PAGES], ports[MAX_PORTS];
    long spare[SPARE];
    struct cairn_system_info before;
    long c = ioport_control();
    long n = cairn_notification_create();
    /* Grow the handle table first: its chunks stay once allocated. */
    for (int i = 0; i < MAX_PORTS; i++)
        ports[i] = cairn_handle_duplicate(n, CAIRN_RIGHT_SIGNAL);
    for (int i = 0; i < MAX_PORTS; i++)
        cairn_handle_close(ports[i]);
    cairn_sleep(2000000);
    cairn_system_info(&before);
    /* io-port objects made while there is room, enabled once there is not. */
    for (int i = 0; i < SPARE; i++)
        spare[i] = cairn_ioport_create(c, 0x80 + (uint64_t)i, 1);
    int npages = 0, nports = 0;
    long err = 0;
    /* Megabytes until the quota refuses, then single pages. */
    while (npages < MAX_PAGES && (err = cairn_memory_create(1ull << 20)) > 0)
        pages[npages++] = err;
    EXPECT_ERR(err, CAIRN_E_QUOTA);
    while (npages < MAX_PAGES && (err = cairn_memory_create(CAIRN_PAGE_SIZE)) > 0)
        pages[npages++] = err;
    EXPECT_ERR(err, CAIRN_E_QUOTA);
    while (nports < MAX_PORTS && (err = cairn_ioport_create(c, 0x80, 1)) > 0)
        ports[nports++] = err;
    EXPECT_ERR(err, CAIRN_E_QUOTA);
    /* An irq object is no smaller than an io-port object. */
    EXPECT_ERR(cairn_irq_create(rt_startup_handle(CAIRN_AT_IRQ_CONTROL), 3, CAIRN_IRQ_ISA, n, 1),
               CAIRN_E_QUOTA);
    int refused = 0;
    for (int i = 0; i < SPARE; i++) {
        err = cairn_ioport_enable(spare[i]);
        if (err == -CAIRN_E_QUOTA)
            refused++;
        else
            EXPECT_EQ(err, 0);
    }
    EXPECT_TRUE(refused > 0);
    EXPECT_EQ(cairn_null(), 0);
    for (int i = 0; i < npages; i++)
        cairn_handle_close(pages[i]);
    for (int i = 0; i < nports; i++)
        cairn_handle_close(ports[i]);
    for (int i = 0; i < SPARE; i++)
        cairn_handle_close(spare[i]);
    EXPECT_TRUE(kt_memory_back_to(&before));
    cairn_handle_close(n);
}

struct port_reader {
    volatile bool go;
    volatile uint8_t seconds;
};

static void read_seconds_when_told(uint64_t arg)
{
    struct port_reader *r = (struct port_reader *)arg;
    while (!r->go)
        ; /* in ring 3 the whole time: the enable reaches it by IPI */
    r->seconds = cmos_read(CMOS_SECONDS);
    kt_thread_done();
}

/* A thread already running on another CPU can use the ports as soon as
 * ioport_enable returns (were it not so, the #GP would kill the suite). */
KTEST(ioport_enable_reaches_running_threads, KTEST_QUICK)
{
    struct port_reader r = {false, 0xff};
    EXPECT_TRUE(kt_spawn(read_seconds_when_told, (uint64_t)&r, kt_other_cpu(0)) > 0);
    cairn_sleep(5000000);
    long io = cairn_ioport_create(ioport_control(), CMOS_INDEX, 2);
    EXPECT_EQ(cairn_ioport_enable(io), 0);
    r.go = true;
    kt_join(1);
    EXPECT_TRUE(r.seconds != 0xff);
    EXPECT_EQ(cairn_handle_close(io), 0);
}
