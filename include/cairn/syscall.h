/*
 * cairn/syscall.h - the provisional system-call ABI (see docs/syscalls.md).
 *
 * SYSCALL with the number in RAX and arguments in RDI, RSI, RDX, R10, R8, R9;
 * the result comes back in RAX (negative: -enum cairn_error). RCX and R11 are
 * clobbered, every other register is preserved.
 */
#ifndef CAIRN_SYSCALL_H
#define CAIRN_SYSCALL_H

#define SYS_DEBUG_WRITE 0 /* (const char *buf, size_t len) -> len written */
#define SYS_EXIT        1 /* (int status) -> does not return */

#define SYS_DEBUG_WRITE_MAX 4096 /* longest buffer SYS_DEBUG_WRITE accepts */

#endif
