/*
 * panic.c - the kernel's last words.
 */
#include <arch/backtrace.h>
#include <arch/cpu.h>
#include <arch/percpu.h>
#include <arch/smp.h>
#include <core/log.h>
#include <core/panic.h>
#include <lib/format.h>

volatile bool panic_in_progress;

void panic_enter(void)
{
    irq_disable();
    if (__atomic_exchange_n(&panic_in_progress, true, __ATOMIC_SEQ_CST))
        cpu_stop();
    smp_stop_others();
}

void panic(const char *fmt, ...)
{
    char message[256];
    va_list ap;

    panic_enter();
    va_start(ap, fmt);
    fmt_vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    log_error("PANIC on cpu %u: %s", this_cpu()->index, message);
    /* Start at our caller: frame[1] is its return address, frame[0] its RBP. */
    const uint64_t *frame = __builtin_frame_address(0);
    backtrace_print(frame[1] - 1, frame[0]);
    log_error("cairn: system halted");
    cpu_stop();
}
