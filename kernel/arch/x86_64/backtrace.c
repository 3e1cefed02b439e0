/*
 * backtrace.c - walking RBP frame pointers (the kernel is built with
 * -fno-omit-frame-pointer) and naming addresses with the kernel's symbols.
 */
#include <arch/backtrace.h>
#include <arch/layout.h>
#include <core/ksyms.h>
#include <core/log.h>

#define MAX_FRAMES 24

static void print_frame(unsigned n, uint64_t addr)
{
    uint64_t offset;
    const char *name = ksyms_lookup(addr, &offset);
    if (name)
        log_error("  #%u %#018llx %s+%#llx", n, (unsigned long long)addr, name,
                  (unsigned long long)offset);
    else
        log_error("  #%u %#018llx ?", n, (unsigned long long)addr);
}

/* Only trust a frame pointer that is aligned and inside kernel memory, so a
 * corrupt chain ends the walk instead of faulting inside the panic. */
static int frame_pointer_ok(uint64_t rbp)
{
    return rbp % 8 == 0 && rbp >= PHYSMAP_BASE && rbp < 0xfffffffffffff000ull;
}

void backtrace_print(uint64_t rip, uint64_t rbp)
{
    log_error("backtrace:");
    print_frame(0, rip);
    for (unsigned n = 1; n < MAX_FRAMES && frame_pointer_ok(rbp); n++) {
        const uint64_t *frame = (const uint64_t *)rbp;
        uint64_t ret = frame[1];
        if (ret < KERNEL_VMA)
            break;
        /* The return address points after the call: name the call itself. */
        print_frame(n, ret - 1);
        rbp = frame[0];
    }
}
