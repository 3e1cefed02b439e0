/*
 * startup.c - the initial capabilities the kernel hands a boot program in
 * its auxiliary vector: the irq, io-port and device-memory controls, and the initial
 * ramdisk as a read-only memory object.
 */
#include "ktest.h"
#include "leak.h"
#include <cairn/error.h>
#include <cairn/handle.h>
#include <cairn/startup.h>
#include <cairn/vm.h>

#define CONTROL_RIGHTS                                                                             \
    (CAIRN_RIGHT_MANAGE | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER | CAIRN_RIGHT_REVOKE)
#define INITRD_RIGHTS                                                                              \
    (CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER |           \
     CAIRN_RIGHT_REVOKE)
#define INITRD_VA   0x180000000000ull /* a gigabyte no other test maps */
#define CPIO_MAGIC  "070701"
#define CPIO_TRAILE "TRAILER!!!"

static void expect_handle(long h, uint32_t type, uint32_t rights)
{
    struct cairn_handle_info info = {0};
    EXPECT_TRUE(h > 0);
    EXPECT_EQ(cairn_handle_info(h, &info), 0);
    EXPECT_EQ(info.type, type);
    EXPECT_EQ(info.rights, rights);
}

KTEST(startup_initial_handles, KTEST_QUICK)
{
    expect_handle(rt_startup_handle(CAIRN_AT_IRQ_CONTROL), CAIRN_OBJ_IRQ_CONTROL, CONTROL_RIGHTS);
    expect_handle(rt_startup_handle(CAIRN_AT_IOPORT_CONTROL), CAIRN_OBJ_IOPORT_CONTROL,
                  CONTROL_RIGHTS);
    expect_handle(rt_startup_handle(CAIRN_AT_DEVICE_MEMORY), CAIRN_OBJ_DEVICE_MEMORY,
                  CONTROL_RIGHTS);
    expect_handle(rt_startup_handle(CAIRN_AT_INITRD), CAIRN_OBJ_MEMORY, INITRD_RIGHTS);
    expect_handle(rt_startup_handle(CAIRN_AT_KERNEL_LOG), CAIRN_OBJ_KERNEL_LOG,
                  CAIRN_RIGHT_READ | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER |
                      CAIRN_RIGHT_REVOKE);
    /* Reserved and unknown keys name nothing. */
    EXPECT_EQ(rt_startup_handle(CAIRN_AT_PROCESS_SELF), CAIRN_HANDLE_NONE);
    EXPECT_EQ(rt_startup_handle(0), CAIRN_HANDLE_NONE);
    EXPECT_EQ(rt_startup_handle(0x7777), CAIRN_HANDLE_NONE);
    uint64_t v = 1;
    EXPECT_TRUE(!rt_startup_value(CAIRN_AT_PROCESS_SELF, &v));
    EXPECT_EQ(v, 1);
    /* AT_PAGESZ comes first, as on Linux. */
    EXPECT_TRUE(rt_startup_value(6, &v));
    EXPECT_EQ(v, CAIRN_PAGE_SIZE);
}

static bool same_bytes(const volatile char *a, const char *b, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        if (a[i] != b[i])
            return false;
    }
    return true;
}

/* The last "TRAILER!!!" of the archive lies within its size. */
static bool ends_with_trailer(const volatile char *p, uint64_t size)
{
    uint64_t n = sizeof(CPIO_TRAILE) - 1;
    for (uint64_t i = size - n + 1; i-- > 0;) {
        if (same_bytes(p + i, CPIO_TRAILE, n))
            return true;
    }
    return false;
}

KTEST(startup_initrd_maps_read_only, KTEST_QUICK)
{
    struct cairn_system_info before;
    long h = rt_startup_handle(CAIRN_AT_INITRD);
    uint64_t size = 0;
    EXPECT_TRUE(rt_startup_value(CAIRN_AT_INITRD_SIZE, &size));
    uint64_t mapped = (size + CAIRN_PAGE_SIZE - 1) & ~(CAIRN_PAGE_SIZE - 1);
    EXPECT_TRUE(size > 0);
    cairn_sleep(2000000);
    cairn_system_info(&before);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, INITRD_VA, mapped, CAIRN_PROT_READ), INITRD_VA);
    const volatile char *p = (const volatile char *)INITRD_VA;
    EXPECT_TRUE(same_bytes(p, CPIO_MAGIC, sizeof(CPIO_MAGIC) - 1));
    EXPECT_TRUE(ends_with_trailer(p, size));
    bool tail_clear = true;
    for (uint64_t i = size; i < mapped; i++)
        tail_clear &= p[i] == 0;
    EXPECT_TRUE(tail_clear);
    /* Nothing past the archive's pages, and never writable or executable. */
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, h, mapped, INITRD_VA + mapped, CAIRN_PAGE_SIZE, CAIRN_PROT_READ),
               CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_vm_protect(CAIRN_PROCESS_SELF, INITRD_VA, CAIRN_PAGE_SIZE, CAIRN_PROT_READ | CAIRN_PROT_WRITE),
               CAIRN_E_ACCESS_DENIED);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, INITRD_VA, mapped), 0);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, INITRD_VA, CAIRN_PAGE_SIZE, CAIRN_PROT_READ | CAIRN_PROT_WRITE),
               CAIRN_E_ACCESS_DENIED);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, INITRD_VA, CAIRN_PAGE_SIZE, CAIRN_PROT_READ | CAIRN_PROT_EXEC),
               CAIRN_E_ACCESS_DENIED);
    /* A duplicate closed, and a mapping made through it, leave the object
     * as it was: the kernel keeps it. */
    long dup = cairn_handle_duplicate(h, CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, dup, 0, INITRD_VA, CAIRN_PAGE_SIZE, CAIRN_PROT_READ), INITRD_VA);
    EXPECT_EQ(cairn_handle_close(dup), 0);
    EXPECT_TRUE(same_bytes(p, CPIO_MAGIC, sizeof(CPIO_MAGIC) - 1));
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, INITRD_VA, CAIRN_PAGE_SIZE), 0);
    EXPECT_TRUE(kt_memory_back_to(&before));
}
