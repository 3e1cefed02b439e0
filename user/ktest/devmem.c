/*
 * devmem.c - device memory: the control boot programs get, memory objects
 * of physical ranges made from it (reading the q35 host bridge through
 * PCI ECAM, writing VGA memory write-combining), and every refusal: RAM,
 * the kernel image, ACPI tables, the interrupt controllers and HPET,
 * bad ranges and bad handles.
 *
 * PCI configuration space is read through ports 0xcf8/0xcfc (an io-port
 * object) to find the ECAM base and the VGA frame buffer: user space has
 * no ACPI tables to read them from (those pages are refused too).
 */
#include "ktest.h"
#include "leak.h"
#include <cairn/error.h>
#include <cairn/handle.h>
#include <cairn/ioport.h>
#include <cairn/startup.h>
#include <cairn/vm.h>

#define CONTROL_RIGHTS                                                                             \
    (CAIRN_RIGHT_MANAGE | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER | CAIRN_RIGHT_REVOKE)
#define OBJECT_RIGHTS                                                                              \
    (CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE | CAIRN_RIGHT_MAP | CAIRN_RIGHT_DUPLICATE |              \
     CAIRN_RIGHT_TRANSFER | CAIRN_RIGHT_REVOKE)
#define PAGE CAIRN_PAGE_SIZE
#define MIB  (1ull << 20)
#define VA   0x1a0000000000ull /* a gigabyte no other test maps */

#define PCI_ADDRESS     0xcf8
#define PCI_DATA        0xcfc
#define Q35_HOST_ID     0x29c08086u /* Intel 82G33 (MCH): QEMU's q35 host bridge */
#define Q35_PCIEXBAR    0x60
#define PCIEXBAR_ENABLE 1u
#define PCIEXBAR_MASK   0x7ffc000000ull /* bits 38:26: the base, whatever the length */
#define PCI_CLASS_VGA   0x030000u
#define BIOS_AREA       0xe0000ull /* where a BIOS puts the ACPI RSDP */
#define BIOS_AREA_SIZE  0x20000ull
#define LAPIC_DEFAULT   0xfee00000ull
#define IOAPIC_DEFAULT  0xfec00000ull
#define HPET_DEFAULT    0xfed00000ull
#define HIGH_HOLE       0x800000000ull /* 32 GiB: above RAM, below any CPU's address width */
#define VGA_TEST_OFFSET (15 * MIB)     /* past any boot console mode, inside 16 MiB of VRAM */

static long control(void)
{
    return rt_startup_handle(CAIRN_AT_DEVICE_MEMORY);
}

static void outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static uint32_t inl(uint16_t port)
{
    uint32_t v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

/* Opens the PCI configuration ports; the io-port object's handle. */
static long pci_open(void)
{
    long io = cairn_ioport_create(rt_startup_handle(CAIRN_AT_IOPORT_CONTROL), PCI_ADDRESS, 8);
    EXPECT_TRUE(io > 0);
    EXPECT_EQ(cairn_ioport_enable(io), 0);
    return io;
}

static uint32_t pci_read(unsigned dev, unsigned reg)
{
    outl(PCI_ADDRESS, 0x80000000u | (dev << 11) | (reg & 0xfc));
    return inl(PCI_DATA);
}

/* The q35 ECAM base (bus 0), or 0 on another machine. */
static uint64_t q35_ecam_base(void)
{
    if (pci_read(0, 0) != Q35_HOST_ID)
        return 0;
    uint64_t bar = ((uint64_t)pci_read(0, Q35_PCIEXBAR + 4) << 32) | pci_read(0, Q35_PCIEXBAR);
    return (bar & PCIEXBAR_ENABLE) ? bar & PCIEXBAR_MASK : 0;
}

/* The memory BAR 0 of the first VGA device on bus 0, or 0. */
static uint64_t vga_frame_buffer(void)
{
    for (unsigned dev = 0; dev < 32; dev++) {
        if (pci_read(dev, 0) == 0xffffffffu || (pci_read(dev, 8) >> 8) != PCI_CLASS_VGA)
            continue;
        uint32_t bar = pci_read(dev, 0x10);
        return (bar & 1) ? 0 : bar & ~0xfu;
    }
    return 0;
}

static void expect_handle(long h, uint32_t type, uint32_t rights)
{
    struct cairn_handle_info info = {0};
    EXPECT_TRUE(h > 0);
    EXPECT_EQ(cairn_handle_info(h, &info), 0);
    EXPECT_EQ(info.type, type);
    EXPECT_EQ(info.rights, rights);
}

KTEST(devmem_control_handed_out, KTEST_QUICK)
{
    expect_handle(control(), CAIRN_OBJ_DEVICE_MEMORY, CONTROL_RIGHTS);
}

/* q35's host bridge reads the same through ECAM as through the ports. */
KTEST(devmem_ecam_reads_host_bridge, KTEST_QUICK)
{
    struct cairn_system_info before;
    long io = pci_open();
    uint64_t ecam = q35_ecam_base();
    uint32_t pciexbar = pci_read(0, Q35_PCIEXBAR);
    cairn_handle_close(io);
    if (!ecam) {
        rt_printf("ktest: devmem: not a q35 with ECAM on; ECAM read skipped\n");
        return;
    }
    cairn_sleep(2000000);
    cairn_system_info(&before);
    long h = cairn_memory_create_physical(control(), ecam, PAGE, CAIRN_MEMORY_UNCACHED);
    expect_handle(h, CAIRN_OBJ_MEMORY, OBJECT_RIGHTS);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, VA, PAGE, CAIRN_PROT_READ), VA);
    const volatile uint32_t *config = (const volatile uint32_t *)VA;
    EXPECT_EQ(config[0], Q35_HOST_ID);
    EXPECT_EQ(config[0] & 0xffff, 0x8086);
    EXPECT_EQ(config[Q35_PCIEXBAR / 4], pciexbar);
    /* Never executable; the handle is closed, the mapping keeps it. */
    EXPECT_ERR(cairn_vm_protect(CAIRN_PROCESS_SELF, VA, PAGE, CAIRN_PROT_READ | CAIRN_PROT_EXEC),
               CAIRN_E_ACCESS_DENIED);
    EXPECT_EQ(cairn_handle_close(h), 0);
    EXPECT_EQ(config[0], Q35_HOST_ID);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, VA, PAGE), 0);
    EXPECT_TRUE(kt_memory_back_to(&before));
}

/* The VGA frame buffer, write-combining: what is written reads back,
 * through a second mapping too (past what any boot console shows). */
KTEST(devmem_vga_write_combining, KTEST_QUICK)
{
    long io = pci_open();
    uint64_t fb = vga_frame_buffer();
    cairn_handle_close(io);
    if (!fb) {
        rt_printf("ktest: devmem: no VGA frame buffer; write-combining test skipped\n");
        return;
    }
    long h = cairn_memory_create_physical(control(), fb + VGA_TEST_OFFSET, PAGE,
                                          CAIRN_MEMORY_WRITE_COMBINING);
    EXPECT_TRUE(h > 0);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, VA, PAGE, CAIRN_PROT_READ | CAIRN_PROT_WRITE),
              VA);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, VA + PAGE, PAGE, CAIRN_PROT_READ), VA + PAGE);
    volatile uint32_t *pixels = (volatile uint32_t *)VA;
    for (unsigned i = 0; i < PAGE / 4; i++)
        pixels[i] = 0xc0ffee00u + i;
    __asm__ volatile("sfence" ::: "memory"); /* write-combined stores drain */
    bool same = true;
    for (unsigned i = 0; i < PAGE / 4; i++)
        same &= ((volatile uint32_t *)(VA + PAGE))[i] == 0xc0ffee00u + i;
    EXPECT_TRUE(same);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, VA, 2 * PAGE), 0);
    EXPECT_EQ(cairn_handle_close(h), 0);
}

/* RAM (the kernel image and the initial ramdisk among it) is refused,
 * alone or inside a larger range: every megabyte from 0 up to at least
 * the amount of usable RAM touches some. */
KTEST(devmem_ram_reserved, KTEST_QUICK)
{
    struct cairn_system_info info;
    long c = control();
    cairn_system_info(&info);
    uint64_t ram = info.frames_total * PAGE; /* usable RAM starts at 0, with holes */
    EXPECT_TRUE(ram > 16 * MIB);
    uint64_t base = 0;
    long h;
    while (base < (4096 * MIB) && (h = cairn_memory_create_physical(c, base, MIB, 0)) < 0) {
        EXPECT_ERR(h, CAIRN_E_RESERVED);
        base += MIB;
    }
    EXPECT_TRUE(base >= ram); /* the first megabyte allowed is above RAM */
    if (base < 4096 * MIB)
        cairn_handle_close(h);
    EXPECT_ERR(cairn_memory_create_physical(c, 0, PAGE, 0), CAIRN_E_RESERVED);
    EXPECT_ERR(cairn_memory_create_physical(c, 0x100000, PAGE, 0), CAIRN_E_RESERVED);
    EXPECT_ERR(cairn_memory_create_physical(c, 0x200000, PAGE, 0), CAIRN_E_RESERVED); /* kernel */
    /* A range starting in the legacy VGA hole and reaching into RAM. */
    EXPECT_ERR(cairn_memory_create_physical(c, 0xa0000, 0x61000, 0), CAIRN_E_RESERVED);
    EXPECT_ERR(cairn_memory_create_physical(c, 0, CAIRN_MEMORY_MAX_SIZE, 0), CAIRN_E_RESERVED);
}

/* The registers the kernel drives. */
KTEST(devmem_kernel_mmio_reserved, KTEST_QUICK)
{
    long c = control();
    long io = pci_open();
    bool q35 = pci_read(0, 0) == Q35_HOST_ID;
    cairn_handle_close(io);
    EXPECT_ERR(cairn_memory_create_physical(c, LAPIC_DEFAULT, PAGE, 0), CAIRN_E_RESERVED);
    EXPECT_ERR(cairn_memory_create_physical(c, IOAPIC_DEFAULT, PAGE, 0), CAIRN_E_RESERVED);
    EXPECT_ERR(cairn_memory_create_physical(c, LAPIC_DEFAULT - MIB, 2 * MIB, 0), CAIRN_E_RESERVED);
    if (q35) /* QEMU's q35 always has its HPET */
        EXPECT_ERR(cairn_memory_create_physical(c, HPET_DEFAULT, PAGE, 0), CAIRN_E_RESERVED);
    /* The page after the I/O APIC's is not the kernel's. */
    long h = cairn_memory_create_physical(c, IOAPIC_DEFAULT + PAGE, PAGE, 0);
    EXPECT_TRUE(h > 0);
    cairn_handle_close(h);
}

/* The RSDP (in the BIOS area, which is not the kernel's) points at the
 * root table, whose pages are refused. */
KTEST(devmem_acpi_tables_reserved, KTEST_QUICK)
{
    long c = control();
    long h = cairn_memory_create_physical(c, BIOS_AREA, BIOS_AREA_SIZE, 0);
    if (h == -CAIRN_E_RESERVED) {
        rt_printf("ktest: devmem: the BIOS area is kept (UEFI?); ACPI test skipped\n");
        return;
    }
    EXPECT_TRUE(h > 0);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, VA, BIOS_AREA_SIZE, CAIRN_PROT_READ), VA);
    uint64_t root = 0;
    for (uint64_t off = 0; off < BIOS_AREA_SIZE && !root; off += 16) {
        const volatile char *p = (const volatile char *)(VA + off);
        if (p[0] == 'R' && p[1] == 'S' && p[2] == 'D' && p[3] == ' ' && p[4] == 'P' &&
            p[5] == 'T' && p[6] == 'R' && p[7] == ' ')
            root = *(const volatile uint32_t *)(VA + off + 16); /* the RSDT */
    }
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, VA, BIOS_AREA_SIZE), 0);
    EXPECT_EQ(cairn_handle_close(h), 0);
    if (!root) {
        rt_printf("ktest: devmem: no RSDP in the BIOS area; ACPI test skipped\n");
        return;
    }
    EXPECT_ERR(cairn_memory_create_physical(c, root & ~(PAGE - 1), PAGE, 0), CAIRN_E_RESERVED);
}

KTEST(devmem_bad_ranges, KTEST_QUICK)
{
    long c = control();
    EXPECT_ERR(cairn_memory_create_physical(c, HIGH_HOLE, 0, 0), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_memory_create_physical(c, HIGH_HOLE + 1, PAGE, 0), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_memory_create_physical(c, HIGH_HOLE, PAGE + 8, 0), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_memory_create_physical(c, HIGH_HOLE, PAGE, 2), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_memory_create_physical(c, HIGH_HOLE, PAGE, 1ull << 63),
               CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_memory_create_physical(c, HIGH_HOLE, CAIRN_MEMORY_MAX_SIZE + PAGE, 0),
               CAIRN_E_TOO_LARGE);
    EXPECT_ERR(cairn_memory_create_physical(c, 0ull - PAGE, 2 * PAGE, 0),
               CAIRN_E_INVALID_ARGUMENT); /* wraps */
    EXPECT_ERR(cairn_memory_create_physical(c, 0ull - PAGE, PAGE, 0), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(cairn_memory_create_physical(c, 1ull << 52, PAGE, 0), CAIRN_E_INVALID_ARGUMENT);
    /* The biggest range in a hole is fine, uncached or write-combining. */
    long h = cairn_memory_create_physical(c, HIGH_HOLE, CAIRN_MEMORY_MAX_SIZE, 0);
    EXPECT_TRUE(h > 0);
    cairn_handle_close(h);
    h = cairn_memory_create_physical(c, HIGH_HOLE, PAGE, CAIRN_MEMORY_WRITE_COMBINING);
    EXPECT_TRUE(h > 0);
    cairn_handle_close(h);
}

KTEST(devmem_handle_errors, KTEST_QUICK)
{
    long c = control();
    long n = cairn_notification_create();
    EXPECT_ERR(cairn_memory_create_physical(0, HIGH_HOLE, PAGE, 0), CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(ktest_syscall6(SYS_MEMORY_CREATE_PHYSICAL, (1ull << 32) | (uint64_t)c, HIGH_HOLE,
                              PAGE, 0, 0, 0),
               CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(cairn_memory_create_physical(n, HIGH_HOLE, PAGE, 0), CAIRN_E_WRONG_TYPE);
    EXPECT_ERR(
        cairn_memory_create_physical(rt_startup_handle(CAIRN_AT_IRQ_CONTROL), HIGH_HOLE, PAGE, 0),
        CAIRN_E_WRONG_TYPE);
    EXPECT_ERR(cairn_memory_create_physical(rt_startup_handle(CAIRN_AT_INITRD), HIGH_HOLE, PAGE, 0),
               CAIRN_E_WRONG_TYPE);
    long weak = cairn_handle_duplicate(c, CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER);
    EXPECT_ERR(cairn_memory_create_physical(weak, HIGH_HOLE, PAGE, 0), CAIRN_E_ACCESS_DENIED);
    /* The control is checked before the range. */
    EXPECT_ERR(cairn_memory_create_physical(weak, 0, PAGE, 0), CAIRN_E_ACCESS_DENIED);
    long stale = cairn_handle_duplicate(c, CONTROL_RIGHTS);
    EXPECT_EQ(cairn_handle_close(stale), 0);
    EXPECT_ERR(cairn_memory_create_physical(stale, HIGH_HOLE, PAGE, 0), CAIRN_E_BAD_HANDLE);
    cairn_handle_close(weak);
    cairn_handle_close(n);
}

/* An object made from a duplicate of the control is that duplicate's
 * child: revoking from the control takes both back, and a mapping made
 * before stays until it is unmapped. */
KTEST(devmem_revoked, KTEST_QUICK)
{
    long c = control();
    long dup = cairn_handle_duplicate(c, CONTROL_RIGHTS);
    long h = cairn_memory_create_physical(dup, HIGH_HOLE, PAGE, 0);
    long h_dup = cairn_handle_duplicate(h, OBJECT_RIGHTS);
    EXPECT_TRUE(h > 0 && h_dup > 0);
    EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, VA, PAGE, CAIRN_PROT_READ), VA);
    EXPECT_EQ(cairn_handle_revoke(c), 0);
    EXPECT_ERR(cairn_memory_create_physical(dup, HIGH_HOLE, PAGE, 0), CAIRN_E_REVOKED);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, VA + PAGE, PAGE, CAIRN_PROT_READ),
               CAIRN_E_REVOKED);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, h_dup, 0, VA + PAGE, PAGE, CAIRN_PROT_READ),
               CAIRN_E_REVOKED);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, VA, PAGE), 0);
    EXPECT_EQ(cairn_handle_close(h_dup), 0);
    EXPECT_EQ(cairn_handle_close(h), 0);
    EXPECT_EQ(cairn_handle_close(dup), 0);
    long again = cairn_memory_create_physical(c, HIGH_HOLE, PAGE, 0);
    EXPECT_TRUE(again > 0);
    cairn_handle_close(again);
}

/* What the kernel will not do with device memory: clone it, copy it for
 * vm_read or vm_write, use it as an IPC buffer. */
KTEST(devmem_kernel_keeps_off, KTEST_QUICK)
{
    char buf[16] = {0};
    long h = cairn_memory_create_physical(control(), HIGH_HOLE, 2 * PAGE, 0);
    EXPECT_TRUE(h > 0);
    EXPECT_ERR(cairn_memory_clone(h, 0, PAGE), CAIRN_E_NOT_SUPPORTED);
    EXPECT_EQ(
        cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, VA, 2 * PAGE, CAIRN_PROT_READ | CAIRN_PROT_WRITE),
        VA);
    EXPECT_ERR(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, VA + 2 * PAGE, PAGE,
                            CAIRN_PROT_READ | CAIRN_PROT_EXEC),
               CAIRN_E_ACCESS_DENIED);
    EXPECT_ERR(cairn_vm_read(CAIRN_PROCESS_SELF, VA, buf, sizeof(buf)), CAIRN_E_NOT_SUPPORTED);
    EXPECT_ERR(cairn_vm_write(CAIRN_PROCESS_SELF, VA + PAGE, buf, sizeof(buf)),
               CAIRN_E_NOT_SUPPORTED);
    EXPECT_ERR(cairn_ipc_buffer_set(VA), CAIRN_E_BAD_ADDRESS);
    /* vm_protect keeps the cache mode: still refused afterwards. */
    EXPECT_EQ(cairn_vm_protect(CAIRN_PROCESS_SELF, VA, 2 * PAGE, CAIRN_PROT_READ), 0);
    EXPECT_ERR(cairn_vm_read(CAIRN_PROCESS_SELF, VA, buf, sizeof(buf)), CAIRN_E_NOT_SUPPORTED);
    EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, VA, 2 * PAGE), 0);
    EXPECT_EQ(cairn_handle_close(h), 0);
}

KTEST(devmem_no_leak, KTEST_QUICK)
{
    struct cairn_system_info before;
    long c = control();
    cairn_sleep(2000000);
    cairn_system_info(&before);
    for (int i = 0; i < 50; i++) {
        long h = cairn_memory_create_physical(c, HIGH_HOLE, (uint64_t)(i + 1) * MIB, i & 1);
        EXPECT_EQ(cairn_vm_map(CAIRN_PROCESS_SELF, h, 0, VA, PAGE, CAIRN_PROT_READ), VA);
        EXPECT_EQ(cairn_handle_close(h), 0);
        EXPECT_EQ(cairn_vm_unmap(CAIRN_PROCESS_SELF, VA, PAGE), 0);
    }
    EXPECT_TRUE(kt_memory_back_to(&before));
}

/* With the quota full, objects are refused with QUOTA and all comes back. */
KTEST(devmem_quota_exhaustion, KTEST_QUICK)
{
    enum { MAX = 2048 };
    static long held[MAX];
    struct cairn_system_info before;
    long c = control();
    long n = cairn_notification_create();
    /* Grow the handle table first: its chunks stay once allocated. */
    for (int i = 0; i < MAX; i++)
        held[i] = cairn_handle_duplicate(n, CAIRN_RIGHT_SIGNAL);
    for (int i = 0; i < MAX; i++)
        cairn_handle_close(held[i]);
    cairn_sleep(2000000);
    cairn_system_info(&before);
    int count = 0;
    long err = 0;
    while (count < MAX && (err = cairn_memory_create(MIB)) > 0)
        held[count++] = err;
    EXPECT_ERR(err, CAIRN_E_QUOTA);
    /* Each device object costs at least a frame list: a 1 GiB range 512. */
    while (count < MAX && (err = cairn_memory_create_physical(c, HIGH_HOLE, PAGE, 0)) > 0)
        held[count++] = err;
    EXPECT_ERR(err, CAIRN_E_QUOTA);
    EXPECT_ERR(cairn_memory_create_physical(c, HIGH_HOLE, CAIRN_MEMORY_MAX_SIZE, 0), CAIRN_E_QUOTA);
    for (int i = 0; i < count; i++)
        cairn_handle_close(held[i]);
    EXPECT_TRUE(kt_memory_back_to(&before));
    cairn_handle_close(n);
}
