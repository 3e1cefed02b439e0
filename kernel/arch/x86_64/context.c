/*
 * context.c - preparing and loading thread contexts.
 */
#include <arch/context.h>
#include <lib/string.h>

extern char context_first_entry[];

/* The callee-saved registers context_switch pops, then its return address. */
struct switch_frame {
    uint64_t r15, r14, r13, r12, rbx, rbp;
    uint64_t return_address;
};

uint64_t context_init_user(uint64_t stack_top, const struct trap_frame *frame)
{
    struct trap_frame *user = (struct trap_frame *)(stack_top - sizeof(*user));
    struct switch_frame *sw = (struct switch_frame *)user - 1;
    *user = *frame;
    memset(sw, 0, sizeof(*sw));
    sw->return_address = (uint64_t)context_first_entry;
    return (uint64_t)sw;
}
