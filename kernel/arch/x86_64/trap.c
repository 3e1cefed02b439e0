/*
 * trap.c - what happens on an exception or interrupt.
 *
 * A page fault in ring 3 that the kernel caused itself (copy-on-write,
 * object/vm.h) is resolved here; any other goes to the thread's fault
 * endpoint (object/fault.h) when it has one, and the pager's answer
 * resumes the thread or ends its process. Every other fault in ring 3 ends
 * that process only. A fault in ring 0 is a kernel bug and panics, except
 * a page fault on a user-copy instruction: copy-on-write is resolved the
 * same way, and anything else is the expected outcome of a bad user
 * pointer and is redirected to its fixup (the call fails with
 * CAIRN_E_BAD_ADDRESS; a pager never sees the kernel's own accesses).
 */
#include <arch/apic.h>
#include <arch/backtrace.h>
#include <arch/cpu.h>
#include <arch/iopb.h>
#include <arch/percpu.h>
#include <arch/timer.h>
#include <arch/tlb.h>
#include <arch/trap.h>
#include <arch/usercopy.h>
#include <cairn/irq.h>
#include <core/log.h>
#include <core/panic.h>
#include <core/process.h>
#include <core/sched.h>
#include <core/thread.h>
#include <lib/format.h>
#include <lib/string.h>
#include <object/fault.h>
#include <object/irq.h>
#include <object/vm.h>

#define VECTOR_DIVIDE_ERROR   0
#define VECTOR_INVALID_OPCODE 6
#define VECTOR_GP_FAULT       13
#define VECTOR_PAGE_FAULT     14

#define PF_PRESENT 1
#define PF_WRITE   2
#define PF_FETCH   16

static const char *const exception_names[32] = {
    "divide error",
    "debug",
    "non-maskable interrupt",
    "breakpoint",
    "overflow",
    "bound range exceeded",
    "invalid opcode",
    "device not available",
    "double fault",
    "coprocessor segment overrun",
    "invalid TSS",
    "segment not present",
    "stack-segment fault",
    "general protection fault",
    "page fault",
    "reserved (15)",
    "x87 floating-point error",
    "alignment check",
    "machine check",
    "SIMD floating-point error",
    "virtualization exception",
    "control protection exception",
};

const char *trap_name(uint64_t vector)
{
    if (vector < 32 && exception_names[vector])
        return exception_names[vector];
    return vector < 32 ? "reserved exception" : "interrupt";
}

static void describe_page_fault(char *buf, size_t size, const struct trap_frame *f, uint64_t addr)
{
    const char *access = (f->error & PF_FETCH)   ? "execute"
                         : (f->error & PF_WRITE) ? "write"
                                                 : "read";
    const char *why = (f->error & PF_PRESENT) ? "protected" : "unmapped";
    fmt_snprintf(buf, size, "page fault: %s of %s address %#llx at rip %#llx", access, why,
                 (unsigned long long)addr, (unsigned long long)f->rip);
}

static void describe_user_fault(char *buf, size_t size, const struct trap_frame *f, uint64_t addr)
{
    if (f->vector == VECTOR_PAGE_FAULT)
        describe_page_fault(buf, size, f, addr);
    else if (f->vector == VECTOR_GP_FAULT)
        fmt_snprintf(buf, size, "general protection fault, error %#llx, at rip %#llx",
                     (unsigned long long)f->error, (unsigned long long)f->rip);
    else
        fmt_snprintf(buf, size, "%s at rip %#llx", trap_name(f->vector),
                     (unsigned long long)f->rip);
}

void panic_trap(const struct trap_frame *f)
{
    panic_enter();
    log_error("PANIC on cpu %u: %s (vector %llu) in the kernel, error %#llx", this_cpu()->index,
              trap_name(f->vector), (unsigned long long)f->vector, (unsigned long long)f->error);
    log_error("  rip %#018llx cs %#llx rflags %#llx rsp %#018llx ss %#llx",
              (unsigned long long)f->rip, (unsigned long long)f->cs, (unsigned long long)f->rflags,
              (unsigned long long)f->rsp, (unsigned long long)f->ss);
    log_error("  rax %#018llx rbx %#018llx rcx %#018llx rdx %#018llx", (unsigned long long)f->rax,
              (unsigned long long)f->rbx, (unsigned long long)f->rcx, (unsigned long long)f->rdx);
    log_error("  rsi %#018llx rdi %#018llx rbp %#018llx r8  %#018llx", (unsigned long long)f->rsi,
              (unsigned long long)f->rdi, (unsigned long long)f->rbp, (unsigned long long)f->r8);
    log_error("  r9  %#018llx r10 %#018llx r11 %#018llx r12 %#018llx", (unsigned long long)f->r9,
              (unsigned long long)f->r10, (unsigned long long)f->r11, (unsigned long long)f->r12);
    log_error("  r13 %#018llx r14 %#018llx r15 %#018llx", (unsigned long long)f->r13,
              (unsigned long long)f->r14, (unsigned long long)f->r15);
    log_error("  cr2 %#018llx cr3 %#018llx cr4 %#llx", (unsigned long long)read_cr2(),
              (unsigned long long)read_cr3(), (unsigned long long)read_cr4());
    backtrace_print(f->rip, f->rbp);
    log_error("cairn: system halted");
    cpu_stop();
}

static void kernel_exception(struct trap_frame *f)
{
    if (f->vector == VECTOR_PAGE_FAULT) {
        uint64_t fixup = trap_find_fixup(f->rip);
        struct thread *self = sched_current();
        if (fixup && self->process && vm_resolve_fault(self->process, read_cr2(), f->error)) {
            /* Retry the copy. A page held back for a copy on another CPU
             * stays so until that CPU's shootdown, which this one must
             * answer while it retries with interrupts off. */
            tlb_shootdown_interrupt();
            return;
        }
        if (fixup) {
            f->rip = fixup;
            return;
        }
    }
    panic_trap(f);
}

/* A user page fault the kernel does not resolve itself goes to the pager;
 * returns whether the thread may retry, or *why not. */
static bool user_page_fault(struct trap_frame *f, uint64_t addr, const char **why)
{
    struct thread *self = sched_current();
    if (vm_resolve_fault(self->process, addr, f->error))
        return true;
    enum fault_outcome outcome = fault_send_page(addr, f->error, f->rip);
    /* Like the end of a system call: references the call dropped, and the
     * end of a process that exited meanwhile. */
    kobject_reap();
    process_check_exiting();
    if (outcome == FAULT_RESUMED)
        return true;
    if (outcome != FAULT_NO_ENDPOINT)
        *why = fault_outcome_reason(outcome);
    return false;
}

static void user_exception(struct trap_frame *f)
{
    uint64_t addr = f->vector == VECTOR_PAGE_FAULT ? read_cr2() : 0;
    const char *why = NULL;
    if (f->vector == VECTOR_PAGE_FAULT && user_page_fault(f, addr, &why))
        return;
    char reason[200];
    describe_user_fault(reason, sizeof(reason), f, addr);
    if (why) {
        size_t len = strlen(reason);
        fmt_snprintf(reason + len, sizeof(reason) - len, "; %s", why);
    }
    process_kill_current(reason);
}

static void device_interrupt(struct trap_frame *f)
{
    switch (f->vector) {
    case VECTOR_TIMER:
        timer_interrupt();
        sched_timer_tick();
        lapic_eoi();
        return;
    case VECTOR_RESCHED:
        sched_reschedule_ipi();
        lapic_eoi();
        return;
    case VECTOR_TLB:
        tlb_shootdown_interrupt();
        lapic_eoi();
        return;
    case VECTOR_IOPB:
        iopb_sync_interrupt();
        lapic_eoi();
        return;
    case VECTOR_SPURIOUS:
        return; /* spurious LAPIC interrupts take no EOI */
    default:
        break;
    }
    if (f->vector >= VECTOR_IRQ_BASE && f->vector < VECTOR_IRQ_BASE + CAIRN_IRQ_MAX_GSI) {
        irq_interrupt((uint32_t)(f->vector - VECTOR_IRQ_BASE));
        lapic_eoi();
        return;
    }
    if (f->vector >= VECTOR_PIC_BASE && f->vector < VECTOR_PIC_BASE + 16)
        return; /* the 8259s are masked: only their spurious IRQ 7/15 gets here */
    log_warn("trap: unexpected interrupt vector %llu on cpu %u", (unsigned long long)f->vector,
             this_cpu()->index);
    lapic_eoi();
}

void trap_dispatch(struct trap_frame *f)
{
    if (f->vector < 32) {
        if (trap_from_user(f))
            user_exception(f);
        else
            kernel_exception(f);
        return;
    }
    device_interrupt(f);
    /* The kernel is not preemptible: switch only when the interrupt came
     * from ring 3 or from an idle loop, never from inside a system call. */
    struct thread *running = this_cpu()->thread;
    if (running && (trap_from_user(f) || !running->process))
        sched_preempt_point();
    if (trap_from_user(f))
        process_return_to_user();
}
