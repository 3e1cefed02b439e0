/*
 * layout.h - the kernel's virtual address map. Shared by C and assembly.
 *
 *   0x0000000000000000 .. USER_TOP          user space (lower canonical half)
 *   PHYSMAP_BASE (PML4 slot 256)            all physical memory, RW, NX
 *   MMIO_BASE    (PML4 slot 384)            device registers, uncached
 *   KERNEL_VMA   (top 2 GiB, PML4 slot 511) the kernel image
 */
#ifndef CAIRN_ARCH_LAYOUT_H
#define CAIRN_ARCH_LAYOUT_H

#define KERNEL_VMA         0xffffffff80000000
#define KERNEL_PHYS        0x200000
#define PHYSMAP_BASE       0xffff800000000000
#define PML4_INDEX_PHYSMAP 256
#define MMIO_BASE          0xffffc00000000000
#define MMIO_SIZE          0x0000008000000000
#define BOOT_STACK_SIZE    16384
#define KERNEL_STACK_SIZE  16384

/* Lowest and one-past-highest user addresses. The top page below the
 * canonical hole stays unmapped so no user RIP can sit at the boundary where
 * SYSRET would fault in ring 0. */
#define USER_BASE 0x10000
#define USER_TOP  0x00007fffffffe000

#define PAGE_SIZE  4096
#define PAGE_SHIFT 12

#ifndef __ASSEMBLER__
#include <stdint.h>

static inline void *phys_to_virt(uint64_t phys)
{
    return (void *)(phys + PHYSMAP_BASE);
}

static inline uint64_t virt_to_phys(const void *virt)
{
    uint64_t v = (uint64_t)virt;
    return v >= KERNEL_VMA ? v - KERNEL_VMA : v - PHYSMAP_BASE;
}
#endif

#endif
