/*
 * spawn/spawn.h - starting a native Cairn program from the initial ramdisk
 * in a new process that holds exactly the capabilities the caller hands it.
 *
 * The child starts as a boot program does (docs/abi.md): at its ELF entry
 * with RSP at the System V start-up block at the top of its stack (argc,
 * argv, envp, then the auxiliary vector: AT_PAGESZ, one entry per handed
 * handle under its CAIRN_AT_* key, the plain values, AT_NULL), a
 * SPAWN_STACK_SIZE stack, so
 * lib/rt's crt0 and rt_startup_handle() read it unchanged. Only the stack's
 * place differs: it ends at SPAWN_STACK_TOP, the top of the space vm_map
 * may use, where the kernel puts a boot program's 64 KiB above that. Its
 * handle table holds the handed handles and nothing else.
 *
 * Thread-safe (see spawn/load.h for the caller's address range it uses).
 */
#ifndef CAIRN_SPAWN_SPAWN_H
#define CAIRN_SPAWN_SPAWN_H

#include <cairn/handle.h>
#include <cairn/vm.h>
#include <spawn/stack.h>
#include <stddef.h>
#include <stdint.h>

#define SPAWN_STACK_TOP   CAIRN_VM_USER_END
#define SPAWN_STACK_SIZE  (64u << 10)
#define SPAWN_MAX_HANDLES 16 /* handles one spawn hands over */
#define SPAWN_MAX_VALUES  8  /* plain auxiliary-vector entries */
#define SPAWN_MAX_STRINGS 64 /* argv plus envp entries */

/* One capability to hand over. */
struct spawn_handle {
    cairn_handle_t handle; /* in the caller's table; needs TRANSFER */
    uint32_t rights;       /* the child's rights: a subset of the handle's */
    uint64_t key;          /* CAIRN_AT_* key the child finds it under (cairn/startup.h) */
};

struct spawn_params {
    const void *initrd; /* the ramdisk (cpio), mapped readable in the caller */
    size_t initrd_size;
    const char *path; /* the program's file in the ramdisk, e.g. "bin/log" */
    const char *name; /* the process name (at most 31 bytes used); NULL: path */
    int argc;
    char *const *argv; /* argv[0] is the program's name by convention */
    int envc;
    char *const *envp; /* "NAME=VALUE" strings */
    const struct spawn_handle *handles;
    unsigned nhandles;
    /* Entries passed as they are, after the handles' (such as
     * CAIRN_AT_INITRD_SIZE beside a handed CAIRN_AT_INITRD). */
    const struct spawn_aux *values;
    unsigned nvalues;
    /* process_create's quota in bytes: pays for the child's page tables,
     * handle table, threads and whatever it creates. The program's
     * segments and stack are memory objects the caller creates, so they
     * stay charged to the caller's quota while the child maps them. */
    uint64_t quota;
    uint32_t priority; /* of the main thread: 0-63, at most the caller's */
    uint32_t affinity; /* a CPU index or CAIRN_AFFINITY_ANY */
};

struct spawn_result {
    cairn_handle_t process; /* READ, WRITE, MAP, MANAGE, ...: watch it, kill it */
    cairn_handle_t thread;  /* its main thread, running */
};

/*
 * Creates the process, loads the program's ELF segments and a stack with
 * the start-up block, grants the handles and starts the main thread.
 * Returns 0 with *r filled, or a negative error with nothing left behind
 * (the half-built process killed, every handle made closed):
 *   INVALID_ARGUMENT  argc < 1, envc < 0, a NULL pointer, a handle or
 *                     value key of 0 (AT_NULL) or AT_PAGESZ, or the file
 *                     is not a valid static x86_64 executable;
 *   TOO_LARGE         more than SPAWN_MAX_HANDLES handles,
 *                     SPAWN_MAX_VALUES values or SPAWN_MAX_STRINGS
 *                     strings, or they do not fit in the stack;
 *   NOT_FOUND         no file at path in the ramdisk (or it is malformed);
 *   BUSY              every scratch slot of the caller is in use;
 *   and any error of process_create, memory_create, vm_map, handle_grant
 *   (a bad, revoked or under-privileged handle) or thread_create.
 */
long spawn_program(const struct spawn_params *p, struct spawn_result *r);

#endif
