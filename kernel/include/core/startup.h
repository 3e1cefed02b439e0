/*
 * startup.h - the initial capabilities the kernel gives each boot program
 * (docs/abi.md, include/cairn/startup.h): handles installed in its table
 * before it starts, their values passed in its auxiliary vector.
 *
 * Every boot program (the run= list, core/launcher.h) gets today:
 *   CAIRN_AT_IRQ_CONTROL     the irq control (object/irq.h)
 *   CAIRN_AT_IOPORT_CONTROL  the io-port control (object/ioport.h)
 * each with MANAGE, DUPLICATE, TRANSFER and REVOKE. The keys for the
 * process itself, the initial ramdisk and device memory are reserved.
 */
#ifndef CAIRN_CORE_STARTUP_H
#define CAIRN_CORE_STARTUP_H

#include <core/exec.h>

struct process;

#define STARTUP_MAX_AUX 2 /* entries startup_grant() may fill */

/* Installs the initial handles in p's table and describes them in
 * aux[0..STARTUP_MAX_AUX-1]. Returns how many, or -1 and *why. On failure
 * the handles installed so far stay in p's table, to go with it. */
int startup_grant(struct process *p, struct exec_aux *aux, const char **why);

#endif
