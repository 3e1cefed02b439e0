/*
 * cairn/ioport.h - x86 I/O ports as capabilities (see docs/syscalls.md,
 * ioport_create and ioport_enable). Values are ABI.
 *
 * The kernel keeps these ports for itself and refuses any range that
 * touches them (CAIRN_E_RESERVED):
 *   0x0020-0x0021, 0x00a0-0x00a1  the 8259 PICs (masked; Cairn uses the I/O APIC)
 *   0x0040-0x0043, 0x0061         the PIT and port B (timer calibration)
 *   0x03f8-0x03ff                 COM1, the kernel console
 *   0x0510-0x051b                 QEMU's fw_cfg (its DMA interface writes
 *                                 physical memory)
 */
#ifndef CAIRN_IOPORT_H
#define CAIRN_IOPORT_H

#define CAIRN_IOPORT_COUNT 0x10000u /* ports 0 .. 0xffff */

#endif
