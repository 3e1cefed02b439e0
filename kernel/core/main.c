/*
 * main.c - kmain(): the boot CPU's path from the boot loader to the first
 * user program. Order matters: each step uses what the previous ones built.
 */
#include <acpi/acpi.h>
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/fwcfg.h>
#include <arch/ioapic.h>
#include <arch/layout.h>
#include <arch/paging.h>
#include <arch/percpu.h>
#include <arch/serial.h>
#include <arch/smp.h>
#include <arch/syscall.h>
#include <arch/timer.h>
#include <arch/trap.h>
#include <core/boot_info.h>
#include <core/cmdline.h>
#include <core/fbcon.h>
#include <core/initrd.h>
#include <core/launcher.h>
#include <core/log.h>
#include <object/device_memory.h>
#include <core/panic.h>
#include <core/sched.h>
#include <mm/frame.h>
#include <mm/frame_share.h>
#include <lib/string.h>
#include <mm/kmalloc.h>

#define RUN_LIST_MAX 2048

extern uint32_t boot_mb2_magic, boot_mb2_info;

void kmain(void);

static struct acpi_info acpi;

/* Until percpu_setup() runs, this_cpu() must still find a struct cpu. */
static void early_percpu(void)
{
    cpus[0].self = &cpus[0];
    wrmsr(MSR_GS_BASE, (uint64_t)&cpus[0]);
}

static void console_init(void)
{
    if (!boot_info.has_framebuffer) {
        log_info("fbcon: no framebuffer from the boot loader; serial console only");
        return;
    }
    const struct boot_framebuffer *fb = &boot_info.framebuffer;
    const char *why = fbcon_init(fb);
    if (why)
        log_warn("fbcon: not using the %ux%u framebuffer: %s", fb->width, fb->height, why);
    else
        log_info("fbcon: %ux%u, %u bits per pixel", fb->width, fb->height, fb->bpp);
}

static void command_line_init(void)
{
    static char extra[BOOT_CMDLINE_MAX];
    fwcfg_read_file("opt/cairn/cmdline", extra, sizeof(extra));
    cmdline_init(boot_info.cmdline, extra);
    log_show_debug = cmdline_flag("debug");
    log_info("cairn: command line \"%s\"", cmdline_get_all());
}

static void interrupts_init(void)
{
    pic_disable();
    lapic_global_init(acpi.lapic_address);
    lapic_init();
    cpus[0].apic_id = lapic_id();
    ioapic_init(&acpi);
    timer_calibrate(&acpi);
    timer_init_cpu();
    if (!timer_selftest())
        log_warn("timer: the boot CPU's local timer did not fire");
}

/* The "crash_test" command-line flag: a deliberate ring-0 page fault, so the
 * system tests can check what the kernel reports when it breaks. */
__attribute__((noinline)) void crash_test_fault(void);

void crash_test_fault(void)
{
    log_info("cairn: crash_test: reading an unmapped kernel address");
    uint64_t value = *(volatile uint64_t *)(PHYSMAP_BASE + (1ull << 40));
    /* Using the value keeps this function's frame alive across the load, so
     * the backtrace runs through here into kmain. */
    log_error("cairn: crash_test: the read returned %#llx instead of faulting",
              (unsigned long long)value);
}

void kmain(void)
{
    early_percpu();
    serial_init();
    log_info("cairn: kernel starting");
    const char *why = multiboot2_parse(boot_mb2_magic, boot_mb2_info, &boot_info);
    if (why)
        panic("boot: %s", why);

    cpu_detect_features();
    cpu_enable_features();
    frame_init(&boot_info);
    paging_init(&boot_info);
    frame_share_init();
    kmalloc_init();
    percpu_setup(&cpus[0], 0, 0);
    percpu_load(&cpus[0]);
    idt_init();
    idt_load();
    syscall_init_cpu();
    console_init();
    command_line_init();

    acpi_init(&boot_info, &acpi);
    interrupts_init();
    cpu_count = smp_start_aps(&acpi, &boot_info);
    log_info("cairn: %u CPUs online", cpu_count);

    if (cmdline_flag("crash_test"))
        crash_test_fault();
    initrd_init(&boot_info);
    device_memory_init(&boot_info, &acpi);
    char run_list[RUN_LIST_MAX];
    if (!cmdline_value("run", run_list, sizeof(run_list)))
        strlcpy(run_list, "init", sizeof(run_list));
    sched_init_cpu();
    launcher_start(run_list);
    sched_idle_loop();
}
