/*
 * call.h - one system call as the fuzzer makes it: a number and six raw
 * 64-bit argument registers, passed by a bare SYSCALL so that no typed stub
 * truncates or filters anything.
 */
#ifndef CAIRN_SYSFUZZ_CALL_H
#define CAIRN_SYSFUZZ_CALL_H

#include <stdint.h>

#define CALL_ARGS 6 /* RDI RSI RDX R10 R8 R9 */

struct call {
    uint64_t number;
    uint64_t args[CALL_ARGS];
};

/* Makes the call and returns RAX. The IPC calls write RDI RSI RDX R10 R8
 * R9 back, so all six are outputs; SYSCALL itself takes RCX and R11. */
static inline long call_make(const struct call *c)
{
    register uint64_t rdi __asm__("rdi") = c->args[0];
    register uint64_t rsi __asm__("rsi") = c->args[1];
    register uint64_t rdx __asm__("rdx") = c->args[2];
    register uint64_t r10 __asm__("r10") = c->args[3];
    register uint64_t r8 __asm__("r8") = c->args[4];
    register uint64_t r9 __asm__("r9") = c->args[5];
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8), "+r"(r9)
                     : "a"(c->number)
                     : "rcx", "r11", "memory");
    return ret;
}

#endif
