/*
 * layout.h - the fuzzer's own memory, and the addresses it aims at.
 *
 * The kernel may write only into the arena (a scratch buffer with guard
 * space on both sides); the program image and the stack must never be
 * handed to a call that writes, or the kernel would corrupt the fuzzer on
 * the fuzzer's own orders. A read-only page is a target on purpose: a
 * kernel that writes to it has a bug, and layout_readonly_intact() tells.
 * Calls that change mappings are confined to the window, where nothing of
 * the fuzzer lives. IPC buffers are the IPC page or pages of the window.
 */
#ifndef CAIRN_SYSFUZZ_LAYOUT_H
#define CAIRN_SYSFUZZ_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#define PAGE_SIZE    4096ull
#define SCRATCH_SIZE 8192ull
#define ARENA_GUARD  4096ull
/* The most any call writes through one pointer, for the edges of the arena
 * and the read-only page. */
#define WRITE_MAX 256ull

/* Addresses for calls that change mappings are drawn in the window; a
 * range that starts there may run on up to REGION_END, and nothing else of
 * the fuzzer's lies below REGION_END and above its image. Small, so maps,
 * unmaps and protects keep meeting each other's mappings. */
#define WINDOW_BASE 0x10000000ull
#define WINDOW_SIZE 0x400000ull
#define REGION_END  (WINDOW_BASE + 2 * WINDOW_SIZE)

/* Where a user address may start: the lower canonical half. */
#define CANONICAL_TOP 0x0000800000000000ull
/* Above the stack (docs/abi.md: 64 KiB below 0x00007fffffff0000) nothing
 * is mapped; below the program image neither. */
#define ABOVE_STACK 0x00007fffffff0000ull

/* Records where the stack is, from the start-up block argv points into. */
void layout_init(char **argv);

uint64_t layout_scratch(void);  /* first byte of the scratch buffer */
uint64_t layout_readonly(void); /* first byte of the read-only target page */
uint64_t layout_image_start(void);

/* The page the fuzzer's threads use as IPC buffer: the kernel writes into
 * it (message bytes, new handles) only when IPC delivers to them. */
uint64_t layout_ipc_page(void);

/* True when a call writing WRITE_MAX bytes at addr could reach the image or
 * the stack outside the arena and the read-only page. */
bool layout_is_protected(uint64_t addr);

/* A scratch address derived from addr, for a protected one. */
uint64_t layout_redirect(uint64_t addr);

/* True while the read-only page holds what the program was built with. */
bool layout_readonly_intact(void);

#endif
