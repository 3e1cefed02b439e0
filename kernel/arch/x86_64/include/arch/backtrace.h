/* backtrace.h - printing the kernel call chain from frame pointers. */
#ifndef CAIRN_ARCH_BACKTRACE_H
#define CAIRN_ARCH_BACKTRACE_H

#include <stdint.h>

/* Logs "  #n 0x... function+0xoff" for rip and then each return address
 * reachable from rbp. Stops at a frame pointer outside the kernel. */
void backtrace_print(uint64_t rip, uint64_t rbp);

#endif
