/*
 * cairn/vm.h - memory objects and their mappings: the limits and protection
 * bits of memory_create, vm_map, vm_unmap and vm_protect (see
 * docs/syscalls.md). Values are ABI: append, never renumber.
 */
#ifndef CAIRN_VM_H
#define CAIRN_VM_H

#define CAIRN_PAGE_SIZE 4096ull

/* A memory object is 1 page .. 1 GiB, a whole number of pages. */
#define CAIRN_MEMORY_MAX_SIZE (1ull << 30)

/* memory_create_physical's flags: how every mapping of the physical range
 * caches it. Uncached (0) suits device registers; write-combining suits
 * framebuffers (writes may be merged and reordered, reads are uncached). */
#define CAIRN_MEMORY_UNCACHED        0u
#define CAIRN_MEMORY_WRITE_COMBINING (1u << 0)

/* Where mappings may go: [CAIRN_VM_USER_BASE, CAIRN_VM_USER_END). Below is
 * the unmapped guard that catches null pointers; above, the boot stack. */
#define CAIRN_VM_USER_BASE 0x10000ull
#define CAIRN_VM_USER_END  0x00007ffffffe0000ull

/* Protection of a mapping. READ is required (x86 cannot map a page that is
 * writable or executable but not readable); WRITE and EXEC exclude each
 * other (W^X). Each needs the same-named right on the memory handle. */
#define CAIRN_PROT_READ  (1u << 0)
#define CAIRN_PROT_WRITE (1u << 1)
#define CAIRN_PROT_EXEC  (1u << 2)

#endif
