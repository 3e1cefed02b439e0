/*
 * startup.h - the initial capabilities the kernel gives each boot program
 * (docs/abi.md, include/cairn/startup.h): handles installed in its table
 * before it starts, their values passed in its auxiliary vector.
 *
 * Every boot program (the run= list, core/launcher.h) gets today:
 *   CAIRN_AT_IRQ_CONTROL     the irq control (object/irq.h)
 *   CAIRN_AT_IOPORT_CONTROL  the io-port control (object/ioport.h)
 *   CAIRN_AT_DEVICE_MEMORY   the device-memory control (object/device_memory.h)
 * each with MANAGE, DUPLICATE, TRANSFER and REVOKE; the kernel log
 * (object/kernel_log.h) under CAIRN_AT_KERNEL_LOG with READ, DUPLICATE,
 * TRANSFER and REVOKE; and, when there is
 * one, the initial ramdisk (core/initrd.h) with READ, MAP, DUPLICATE,
 * TRANSFER and REVOKE under CAIRN_AT_INITRD, its size under
 * CAIRN_AT_INITRD_SIZE. The key for the process itself is reserved.
 *
 * Only boot programs get these: a process made some other way must be
 * handed what it needs by its creator.
 */
#ifndef CAIRN_CORE_STARTUP_H
#define CAIRN_CORE_STARTUP_H

#include <core/exec.h>

struct process;

#define STARTUP_MAX_AUX 6 /* entries startup_grant() may fill */

/* Installs the initial handles in p's table and describes them in
 * aux[0..STARTUP_MAX_AUX-1]. Returns how many, or -1 and *why. On failure
 * the handles installed so far stay in p's table, to go with it. */
int startup_grant(struct process *p, struct exec_aux *aux, const char **why);

#endif
