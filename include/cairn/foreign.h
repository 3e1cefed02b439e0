/*
 * cairn/foreign.h - the foreign-ABI hook (docs/linux.md): a process marked
 * with process_set_syscall_handler runs another operating system's system
 * call ABI. Each SYSCALL instruction it executes becomes an IPC call, made
 * by the kernel on the thread's behalf, on the handler endpoint:
 *
 *   request  label CAIRN_FOREIGN_SYSCALL, no buffer bytes, no capabilities;
 *            words = RAX (the call number), RDI, RSI, RDX; the badge is the
 *            handler endpoint handle's, which tells the handler whose call
 *            it is.
 *   reply    label CAIRN_FOREIGN_RETURN: the thread resumes after its
 *            SYSCALL with RAX = words[0] and every other register as it
 *            was (RCX and R11 as SYSCALL left them);
 *            label CAIRN_FOREIGN_EXIT: the process exits with status
 *            words[0], as if it had called exit;
 *            any other reply kills the process.
 *
 * While the call is with the handler the thread is stopped for it: the
 * handler may read and write its registers with thread_control (the other
 * argument registers R10, R8, R9, or the FS base for arch_prctl) before it
 * replies. Values are ABI: append, never renumber.
 */
#ifndef CAIRN_FOREIGN_H
#define CAIRN_FOREIGN_H

#define CAIRN_FOREIGN_SYSCALL 0x5343u /* "CS": a forwarded system call */
#define CAIRN_FOREIGN_RETURN  0u
#define CAIRN_FOREIGN_EXIT    1u

#endif
