/*
 * memory_phys.h - memory objects of a fixed physical range that the
 * object does not own, such as the initial ramdisk: the pages are the
 * range itself (no copy), never zeroed and never freed, whatever happens
 * to the object. The kernel makes these objects, never user space; a
 * handle to one says what its holder may do with it (no WRITE for the
 * ramdisk).
 */
#ifndef CAIRN_OBJECT_MEMORY_PHYS_H
#define CAIRN_OBJECT_MEMORY_PHYS_H

#include <object/memory.h>

/* A memory object of [base, base+size), both whole pages, with one
 * reference for the caller and no quota; NULL when out of memory for its
 * struct and frame lists. Boot CPU, before the first program starts. */
struct memory *memory_create_physical(uint64_t base, uint64_t size);

#endif
