/*
 * panic.h - stopping the machine when the kernel finds itself broken.
 */
#ifndef CAIRN_CORE_PANIC_H
#define CAIRN_CORE_PANIC_H

#include <stdbool.h>

struct trap_frame;

/* Set once by the first CPU to panic; the NMI handler reads it. */
extern volatile bool panic_in_progress;

/* Claims the panic for this CPU and stops the others; a CPU that loses the
 * race stops itself. Used by panic() and by the arch fault path. */
void panic_enter(void);

/* Prints "PANIC: <message>" and a backtrace, stops every CPU. */
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

/* The same for a fault taken in ring 0: adds the registers and CR2. */
__attribute__((noreturn)) void panic_trap(const struct trap_frame *frame);

/* An invariant of the kernel: on failure, panics naming the invariant. */
#define ASSERT(cond, invariant)                                                                    \
    do {                                                                                           \
        if (!(cond))                                                                               \
            panic("assertion failed at %s:%d: %s (%s)", __FILE__, __LINE__, invariant, #cond);     \
    } while (0)

#endif
