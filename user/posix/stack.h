/*
 * stack.h - the start-up stack a Linux x86_64 program expects (the System V
 * ABI, as the Linux kernel lays it out): at RSP argc, then argv[], NULL,
 * envp[], NULL, and the auxiliary vector of (key, value) pairs ending with
 * AT_NULL; the strings and AT_RANDOM's 16 bytes above them.
 */
#ifndef CAIRN_POSIX_STACK_H
#define CAIRN_POSIX_STACK_H

#include <stddef.h>
#include <stdint.h>

/* What the program learns about itself through the auxiliary vector. */
struct linux_start {
    int argc;
    char *const *argv;
    int envc;
    char *const *envp;
    uint64_t phdr;  /* user address of the program headers, or 0 */
    uint64_t phnum; /* how many there are */
    uint64_t entry;
    uint8_t random[16]; /* AT_RANDOM's bytes (musl seeds its canary from them) */
};

/*
 * Lays out the stack image in buf[0, size), which the caller will map so
 * that buf + size is the user address top (16-byte aligned). Returns the
 * program's initial RSP (16-byte aligned, pointing at argc), or 0 when the
 * strings and vectors do not fit in size bytes.
 */
uint64_t linux_stack_build(uint8_t *buf, size_t size, uint64_t top, const struct linux_start *s);

#endif
