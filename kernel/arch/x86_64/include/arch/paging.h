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
#include <stddef.h>
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

/* Software-available bit (the CPU ignores bits 9-11 of a 4 KiB PTE): the
 * frame belongs to a memory object (object/memory.h), not to the address
 * space. paging_root_destroy() frees every other leaf frame it finds, which
 * is right for the program image and stack pages a process owns; it leaves
 * these to their object, whose destructor frees them once no handle and no
 * mapping holds it. */
#define PTE_OBJECT (1ull << 9)

/* Software-available bit: the frame is device memory (object/device_memory.h),
 * mapped uncached or write-combining. The kernel never reads or writes such
 * a page through the physical window, where it would be cached (and may not
 * be mapped at all): paging_user_frame() does not return it, and vm_read,
 * vm_write refuse it. */
#define PTE_DEVICE (1ull << 10)

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

/* Frees every user page (except PTE_OBJECT ones), every user page table and
 * the root itself. No CPU may be using root any more. */
void paging_root_destroy(uint64_t root);

/*
 * Editing ranges of a live user address space, for memory-object mappings
 * (object/vm.h). The caller serialises every call on one root (the
 * process's vm lock) and shoots down stale translations (arch/tlb.h) after
 * changing or removing present entries. Ranges are page-aligned, non-empty
 * and below USER_TOP.
 */

/* Page-table frames held aside: reserved before a mapping so that mapping
 * cannot fail half-way, or unlinked by an unmap and kept until the TLB
 * shootdown, after which no CPU can still walk them. Linked through each
 * frame's first word. Start from {0}. */
struct paging_tables {
    uint64_t head;
    size_t count;
};

/* Adds n zeroed frames to t; false, with nothing added, when memory ran out. */
bool paging_tables_reserve(struct paging_tables *t, size_t n);

/* Returns every frame of t to the frame allocator; t is then empty. */
void paging_tables_free(struct paging_tables *t);

/* How many page tables mapping [va, va+len) would add to root. */
size_t paging_user_tables_missing(uint64_t root, uint64_t va, uint64_t len);

/* Whether no page of [va, va+len) is present in root. */
bool paging_user_range_free(uint64_t root, uint64_t va, uint64_t len);

/* Maps the unmapped page va to phys with flags (PTE_*; USER and PRESENT are
 * added), taking the page tables it needs from tables, which must hold them
 * (paging_user_tables_missing() for the whole range, reserved up front). */
void paging_map_user_reserved(uint64_t root, uint64_t va, uint64_t phys, uint64_t flags,
                              struct paging_tables *tables);

/* Points the entry of page va at phys with flags (PTE_*; USER is added)
 * if the page is mapped, keeping whether it is present; returns whether it
 * was mapped. An entry is mapped while it is not 0: a mapped page can be
 * held back (not present, but still listing its frame, which keeps its
 * page table from being freed) with paging_set_user_present(). */
bool paging_set_user_page(uint64_t root, uint64_t va, uint64_t phys, uint64_t flags);

/* Makes the entry of page va present or holds it back, if it is mapped. */
void paging_set_user_present(uint64_t root, uint64_t va, bool present);

/* Clears every page of the range, then unlinks each page table of the range
 * left with no entry and moves it to freed (to be freed after the
 * shootdown). Returns the number of tables moved. Frames of the pages are
 * not freed: their owner does that. */
size_t paging_unmap_user(uint64_t root, uint64_t va, uint64_t len, struct paging_tables *freed);

/* The PTE of the user page va in root (0 when a table on the way is
 * missing), for reading and writing another address space through the
 * physical window. */
uint64_t paging_user_pte(uint64_t root, uint64_t va);

/* The frame that user page va maps in root when its PTE has every bit of
 * need (PTE_PRESENT and PTE_USER are added) and is not device memory
 * (PTE_DEVICE), else 0: what it returns may be reached through the
 * physical window. The frame stays the page's only while the caller holds
 * off changes to root (the vm lock). */
uint64_t paging_user_frame(uint64_t root, uint64_t va, uint64_t need);

/* Loads root into CR3. After a CPU's first thread switch only
 * context_load_space() (arch/context.h) may load a different root: it
 * keeps a copy of the loaded one in cpu->root and trusts it. */
static inline void paging_switch(uint64_t root)
{
    __asm__ volatile("mov %0, %%cr3" : : "r"(root) : "memory");
}

#endif
