/*
 * stubs.S - the bodies of the threads the fuzzer creates with thread_create.
 * They use no stack at all, so every one of them can share one stack
 * pointer, and each makes at most one call with its argument (RDI) and
 * ends: none can outlive the run. The recv stub ends still owing its
 * caller a reply, on purpose. None changes a handle, so the fuzzer's pool
 * and the handle values the kernel hands out do not depend on when the
 * stubs happen to run: a seed replays the same calls.
 */
#include <cairn/syscalls.h>

#define MS 1000000

    .text
.macro stub name
    .globl \name
\name:
.endm

.macro end_thread
    mov $SYS_THREAD_EXIT, %eax
    syscall
    ud2
.endm

stub sysfuzz_stub_exit
    end_thread

stub sysfuzz_stub_yield
    mov $SYS_YIELD, %eax
    syscall
    end_thread

stub sysfuzz_stub_signal
    mov $SYS_NOTIFICATION_SIGNAL, %eax
    mov $1, %esi
    syscall
    end_thread

stub sysfuzz_stub_wait
    mov $SYS_NOTIFICATION_WAIT, %eax
    mov $MS, %esi
    syscall
    end_thread

stub sysfuzz_stub_recv
    mov $SYS_IPC_RECV, %eax
    mov $MS, %esi
    syscall
    end_thread
