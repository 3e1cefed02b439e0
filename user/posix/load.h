/*
 * load.h - starting an unmodified static Linux x86_64 executable in a new
 * Cairn process: its segments in memory objects mapped with the segments'
 * permissions, a Linux start-up stack, and one suspended thread at the
 * entry point. The executable is checked by the same ELF validator the
 * kernel uses (kernel/lib/elf.c) before anything is mapped.
 */
#ifndef CAIRN_POSIX_LOAD_H
#define CAIRN_POSIX_LOAD_H

#include <cairn/handle.h>
#include <stddef.h>

struct linux_process {
    cairn_handle_t process;
    cairn_handle_t thread; /* suspended at the entry point */
    const char *name;
};

/*
 * Builds the process for the executable image[0, size) with the given
 * arguments (argv[0] is the program's name). Returns 0, or a negative
 * Cairn error with a line on the console that says what was wrong with the
 * file or which call failed.
 */
long linux_load(const void *image, size_t size, int argc, char *const argv[],
                struct linux_process *out);

#endif
