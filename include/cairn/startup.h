/*
 * cairn/startup.h - what the kernel hands a boot program at start-up,
 * beyond argc, argv and envp: the initial capabilities (see docs/abi.md).
 *
 * Each initial handle is already in the program's handle table when it
 * starts; its value travels in the System V auxiliary vector under one of
 * the keys below (above every AT_* key Linux defines, so a Linux-ABI
 * loader can pass them through). A key that is absent means the program
 * did not get that capability. The runtime's rt_startup_handle(key)
 * (lib/rt) looks one up. Values are ABI: append, never renumber.
 */
#ifndef CAIRN_STARTUP_H
#define CAIRN_STARTUP_H

#define CAIRN_AT_BASE 0x1000

/* Reserved: a handle to the program's own process (not handed out yet). */
#define CAIRN_AT_PROCESS_SELF 0x1000
/* The irq control (CAIRN_OBJ_IRQ_CONTROL, MANAGE): irq_create claims
 * interrupt lines from it (cairn/irq.h). */
#define CAIRN_AT_IRQ_CONTROL 0x1001
/* The io-port control (CAIRN_OBJ_IOPORT_CONTROL, MANAGE): ioport_create
 * makes port ranges from it (cairn/ioport.h). */
#define CAIRN_AT_IOPORT_CONTROL 0x1002
/* The initial ramdisk (a cpio archive) as a memory object with READ, MAP,
 * DUPLICATE, TRANSFER and REVOKE: map it read-only with vm_map. Its size
 * is a whole number of pages; the bytes past the archive are 0. */
#define CAIRN_AT_INITRD 0x1003
/* The device-memory control (CAIRN_OBJ_DEVICE_MEMORY, MANAGE):
 * memory_create_physical makes memory objects of physical ranges (MMIO:
 * framebuffers, PCI BARs) from it, never of RAM (cairn/vm.h). */
#define CAIRN_AT_DEVICE_MEMORY 0x1004
/* Not a handle: the initial ramdisk's size in bytes (the archive itself,
 * not rounded up to pages). */
#define CAIRN_AT_INITRD_SIZE 0x1005
/* The kernel log (CAIRN_OBJ_KERNEL_LOG) with READ, DUPLICATE, TRANSFER and
 * REVOKE: log_read copies out the kernel's recent log lines (cairn/log.h). */
#define CAIRN_AT_KERNEL_LOG 0x1006
/* Given by init, not the kernel (docs/services.md): the process's handle
 * to the nameserver, an endpoint badged with its namespace's id (SIGNAL,
 * TRANSFER). */
#define CAIRN_AT_NAMESERVER 0x1007
/* Given by init to a silo that provides schemes, and to the nameserver:
 * the endpoint to serve on (unbadged: SIGNAL, WAIT, DUPLICATE, TRANSFER).
 * init keeps it across restarts, so clients' handles stay good when the
 * service is restarted. */
#define CAIRN_AT_SERVICE_ENDPOINT 0x1008

#endif
