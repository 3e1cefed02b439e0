/*
 * ioport.h - x86 I/O port ranges as capabilities.
 *
 * The io-port control is one kernel object (CAIRN_OBJ_IOPORT_CONTROL)
 * that the kernel never destroys; boot programs get a handle to it
 * (core/startup.h). ioport_create makes from it an io-port object for a
 * range [base, base+count) that avoids the kernel's own ports
 * (cairn/ioport.h); ioport_enable opens the range in the calling
 * process's I/O permission bitmap (arch/iopb.h).
 *
 * An enable is a grant record linking the object and the process; it
 * holds no reference. When the object is destroyed - the last handle to
 * it closed or revoked, in whatever process - its ports are closed in
 * every process that enabled it, on every CPU, before the close or revoke
 * that destroyed it returns (the destructor runs on that call's way out).
 * A process's grants and bitmap go when the process is torn down.
 *
 * Locks: ioport_lock (this file) protects every grant list and process's
 * iopb pointer; a bitmap's own lock nests inside it.
 */
#ifndef CAIRN_OBJECT_IOPORT_H
#define CAIRN_OBJECT_IOPORT_H

#include <lib/list.h>
#include <object/kobject.h>
#include <stdint.h>

struct process;

struct ioport {
    struct kobject obj;
    uint32_t base, count; /* fixed: [base, base+count) within 0..0xffff */
    struct list grants;   /* ioport_lock: the processes that enabled it */
};

/* The io-port control, for handing out at start-up (core/startup.h). */
struct kobject *ioport_control_object(void);

/* Drops p's grants and bitmap; p runs no thread any more. */
void ioport_process_teardown(struct process *p);

#endif
