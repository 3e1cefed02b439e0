/*
 * cairn/abi.h - limits and constants of the system-call ABI that are not
 * part of one call's table entry (see docs/syscalls.md).
 */
#ifndef CAIRN_ABI_H
#define CAIRN_ABI_H

#define CAIRN_DEBUG_WRITE_MAX 4096 /* longest buffer debug_write accepts */

#endif
