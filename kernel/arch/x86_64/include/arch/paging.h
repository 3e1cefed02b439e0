/*
 * paging.h - 4-level page tables: the kernel's own mappings, device
 * mappings, and the page-table side of user address spaces.
 *
 * Every address space shares the kernel half (PML4 slots 256..511): those
 * PML4 entries are created once by paging_init() and never change, so user
 * roots can copy them at creation.
 */
#ifndef CAIRN_ARCH_PAGING_H
#define CAIRN_ARCH_PAGING_H

#include <core/boot_info.h>
#include <stdbool.h>
#include <stdint.h>

#define PTE_PRESENT (1ull << 0)
#define PTE_WRITE   (1ull << 1)
#define PTE_USER    (1ull << 2)
#define PTE_PWT     (1ull << 3)
#define PTE_PCD     (1ull << 4)
#define PTE_HUGE    (1ull << 7)
#define PTE_GLOBAL  (1ull << 8)
#define PTE_NX      (1ull << 63)
#define PTE_ADDR    0x000ffffffffff000ull

/* PTE_NX when the CPU has NX, else 0 (the bit is reserved without it). */
extern uint64_t pte_nx;

enum mmio_cache { MMIO_UNCACHED, MMIO_WRITE_COMBINING };

/* Builds the kernel's page tables (physical window, kernel image with
 * per-section permissions, device window) and switches to them. */
void paging_init(const struct boot_info *bi);

/* Whether [phys, phys+len) is inside the physical-memory window. */
bool paging_physmap_covers(uint64_t phys, uint64_t len);

/* Physical address of the kernel's PML4 (below 4 GiB, for AP start-up). */
uint64_t paging_kernel_root(void);

/* Maps [phys, phys+size) into the device window; NULL when out of space. */
void *mmio_map(uint64_t phys, uint64_t size, enum mmio_cache cache);

/* Identity-maps (or unmaps) the 2 MiB of low memory holding the AP
 * start-up code in the kernel's PML4 while CPUs are brought up. */
void paging_identity_low(bool on);

/* A new user root sharing the kernel half; 0 when out of memory. */
uint64_t paging_root_create(void);

/* Maps one 4 KiB user page; flags from PTE_*. Returns false when out of
 * memory for page tables or the page is already mapped. */
bool paging_map_user(uint64_t root, uint64_t va, uint64_t phys, uint64_t flags);

/* Frees every user page, every user page table and the root itself. */
void paging_root_destroy(uint64_t root);

static inline void paging_switch(uint64_t root)
{
    __asm__ volatile("mov %0, %%cr3" : : "r"(root) : "memory");
}

#endif
