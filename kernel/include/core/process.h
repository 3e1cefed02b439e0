/*
 * process.h - user processes, in the provisional form of this stage: one
 * address space and one thread, run to completion on the boot CPU, one at a
 * time, in the order the launcher gives.
 */
#ifndef CAIRN_CORE_PROCESS_H
#define CAIRN_CORE_PROCESS_H

#include <stdint.h>

#define PROCESS_NAME_MAX 32

struct process {
    uint32_t pid;
    uint64_t root; /* physical address of the PML4 */
    uint64_t entry;
    uint64_t stack; /* initial RSP */
    char name[PROCESS_NAME_MAX];
};

/* Builds a process from the initial-ramdisk file bin/<argv[0]>. Returns
 * NULL and *why when the program is missing or not a valid executable. */
struct process *process_create(int argc, char *const argv[], const char **why);

/* Runs the process on this CPU from its entry point. Never returns. */
__attribute__((noreturn)) void process_start(struct process *p);

/* End the process now running on this CPU (from its system call or fault)
 * and go on with the next boot program. Never return. */
__attribute__((noreturn)) void process_exit_current(int status);
__attribute__((noreturn)) void process_kill_current(const char *reason);

#endif
