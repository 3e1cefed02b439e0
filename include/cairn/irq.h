/*
 * cairn/irq.h - interrupt lines as capabilities: the flags of irq_create
 * (see docs/syscalls.md). Values are ABI: append, never renumber.
 *
 * An irq object owns one I/O APIC line (a GSI). When the line fires the
 * kernel masks it and signals the bound notification bits; the driver
 * serves its device, then calls irq_ack to unmask the line.
 */
#ifndef CAIRN_IRQ_H
#define CAIRN_IRQ_H

/* How irq_create reads its line argument. */
#define CAIRN_IRQ_ISA 0x0u /* a legacy ISA IRQ 0-15; the firmware's overrides apply */
#define CAIRN_IRQ_GSI 0x1u /* a global system interrupt (I/O APIC input) */
/* For CAIRN_IRQ_GSI only (an ISA line takes its trigger and polarity from
 * the firmware): */
#define CAIRN_IRQ_LEVEL      0x2u /* level-triggered (else edge) */
#define CAIRN_IRQ_ACTIVE_LOW 0x4u /* active low (else active high) */

#define CAIRN_IRQ_ISA_LINES 16
/* GSIs from here on would need vectors the kernel keeps for itself. */
#define CAIRN_IRQ_MAX_GSI 192

#endif
