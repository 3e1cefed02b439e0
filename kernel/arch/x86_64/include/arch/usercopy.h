/*
 * usercopy.h - moving bytes between the kernel and user space.
 *
 * The range must lie entirely in user space (checked here, so a user
 * pointer can never name kernel memory); unmapped pages are caught by the
 * page-fault fixup and reported, never fatal, and never sent to a pager.
 * A write to a copy-on-write page is resolved on the way (object/vm.h,
 * vm_resolve_fault), which may take the process's vm locks and shoot down
 * TLBs: call these with no spinlock held.
 */
#ifndef CAIRN_ARCH_USERCOPY_H
#define CAIRN_ARCH_USERCOPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Whether [addr, addr+len) is a non-wrapping range inside user space. */
bool user_range_ok(uint64_t addr, size_t len);

/* 0 on success, -CAIRN_E_BAD_ADDRESS when the range is not user memory or
 * a page of it is not mapped. */
int copy_from_user(void *dst, uint64_t user_src, size_t len);

/* The same towards user space. */
int copy_to_user(uint64_t user_dst, const void *src, size_t len);

/* The fixup address for a fault at rip inside a user-copy routine, or 0. */
uint64_t trap_find_fixup(uint64_t rip);

#endif
