/*
 * kernel_log.h - the kernel log capability.
 *
 * One kernel object (CAIRN_OBJ_KERNEL_LOG) that the kernel never destroys:
 * a handle to it with READ lets log_read copy out the kernel's recent log
 * lines (core/log_ring.h, cairn/log.h). Boot programs get one under
 * CAIRN_AT_KERNEL_LOG (core/startup.h); init passes it on to the log
 * service only.
 */
#ifndef CAIRN_OBJECT_KERNEL_LOG_H
#define CAIRN_OBJECT_KERNEL_LOG_H

#include <object/kobject.h>

/* The kernel log object, for handing out at start-up. */
struct kobject *kernel_log_object(void);

#endif
