/*
 * memory_phys.h - memory objects of a fixed physical range that the
 * object does not own: the initial ramdisk, or device memory
 * (object/device_memory.h). The pages are the range itself (no copy),
 * never zeroed and never freed, whatever happens to the object. A handle
 * to one says what its holder may do with it (no WRITE for the ramdisk).
 */
#ifndef CAIRN_OBJECT_MEMORY_PHYS_H
#define CAIRN_OBJECT_MEMORY_PHYS_H

#include <cairn/error.h>
#include <object/memory.h>

struct quota;

/* A memory object of [base, base+size), both whole pages and size not
 * above CAIRN_MEMORY_MAX_SIZE, mapped with cache, in *out with one
 * reference for the caller. Its struct and frame lists (not the pages,
 * which are not the kernel's) are charged to quota before the frame lists
 * are allocated; with quota NULL nobody is charged (the kernel holds the
 * object for ever). CAIRN_E_QUOTA or CAIRN_E_NO_MEMORY on failure, with
 * nothing left allocated or charged. Any context that may allocate. */
enum cairn_error memory_create_physical(uint64_t base, uint64_t size, enum memory_cache cache,
                                        struct quota *quota, struct memory **out);

#endif
