/*
 * spawn.c - starting a native program in a new process (see spawn/spawn.h).
 */
#include <spawn/spawn.h>

#include <cairn/error.h>
#include <cairn/process.h>
#include <cairn/syscalls.h>
#include <cairn/vm.h>
#include <lib/cpio.h>
#include <lib/string.h>
#include <spawn/load.h>
#include <spawn/stack.h>
#include <stdbool.h>

#define AT_NULL   0
#define AT_PAGESZ 6

/* AT_NULL would end the vector early; AT_PAGESZ is always the first entry. */
static bool aux_key_ok(uint64_t key)
{
    return key != AT_NULL && key != AT_PAGESZ;
}

static long check_params(const struct spawn_params *p)
{
    if (!p->initrd || !p->path || p->argc < 1 || p->envc < 0 || !p->argv ||
        (p->envc > 0 && !p->envp) || (p->nhandles > 0 && !p->handles) ||
        (p->nvalues > 0 && !p->values))
        return -CAIRN_E_INVALID_ARGUMENT;
    if (p->nhandles > SPAWN_MAX_HANDLES || p->nvalues > SPAWN_MAX_VALUES ||
        p->argc > SPAWN_MAX_STRINGS || p->envc > SPAWN_MAX_STRINGS - p->argc)
        return -CAIRN_E_TOO_LARGE;
    for (int i = 0; i < p->argc; i++) {
        if (!p->argv[i])
            return -CAIRN_E_INVALID_ARGUMENT;
    }
    for (int i = 0; i < p->envc; i++) {
        if (!p->envp[i])
            return -CAIRN_E_INVALID_ARGUMENT;
    }
    for (unsigned i = 0; i < p->nhandles; i++) {
        if (!aux_key_ok(p->handles[i].key))
            return -CAIRN_E_INVALID_ARGUMENT;
    }
    for (unsigned i = 0; i < p->nvalues; i++) {
        if (!aux_key_ok(p->values[i].key))
            return -CAIRN_E_INVALID_ARGUMENT;
    }
    return 0;
}

/* Grants every handle to process: aux[i] gets handle i's key and its value in the child. */
static long grant_handles(cairn_handle_t process, const struct spawn_params *p,
                          struct spawn_aux *aux)
{
    for (unsigned i = 0; i < p->nhandles; i++) {
        const struct spawn_handle *h = &p->handles[i];
        long child = cairn_handle_grant(process, h->handle, h->rights);
        if (child < 0)
            return child;
        aux[i] = (struct spawn_aux){h->key, (uint64_t)child};
    }
    return 0;
}

struct stack_fill {
    const struct spawn_startup *startup;
    uint64_t rsp;
};

static void fill_stack(void *ctx, uint8_t *view)
{
    struct stack_fill *f = ctx;
    f->rsp = spawn_stack_build(view, SPAWN_STACK_SIZE, SPAWN_STACK_TOP, f->startup);
}

/* Everything after process_create: on failure the caller kills the process. */
static long spawn_build(cairn_handle_t process, const struct spawn_params *p, const void *image,
                        size_t size, cairn_handle_t *thread)
{
    struct elf_image elf;
    struct spawn_aux aux[1 + SPAWN_MAX_HANDLES + SPAWN_MAX_VALUES] = {{AT_PAGESZ, 4096}};
    const char *why;

    long r = spawn_load_elf(process, image, size, SPAWN_STACK_TOP - SPAWN_STACK_SIZE, &elf, &why);
    if (r < 0)
        return r;
    r = grant_handles(process, p, aux + 1);
    if (r < 0)
        return r;
    for (unsigned i = 0; i < p->nvalues; i++)
        aux[1 + p->nhandles + i] = p->values[i];
    const struct spawn_startup startup = {
        .argc = p->argc,
        .argv = p->argv,
        .envc = p->envc,
        .envp = p->envp,
        .aux = aux,
        .naux = 1 + p->nhandles + p->nvalues,
    };
    struct stack_fill stack = {&startup, 0};
    r = spawn_map_filled(process, SPAWN_STACK_TOP - SPAWN_STACK_SIZE, SPAWN_STACK_SIZE,
                         CAIRN_PROT_READ | CAIRN_PROT_WRITE, fill_stack, &stack);
    if (r < 0)
        return r;
    if (!stack.rsp)
        return -CAIRN_E_TOO_LARGE;
    struct cairn_thread_params params = {
        .entry = elf.entry,
        .stack = stack.rsp,
        .priority = p->priority,
        .affinity = p->affinity,
    };
    r = cairn_thread_create(process, &params);
    if (r < 0)
        return r;
    *thread = (cairn_handle_t)r;
    return 0;
}

long spawn_program(const struct spawn_params *p, struct spawn_result *r)
{
    struct cpio_entry file;

    long err = check_params(p);
    if (err < 0)
        return err;
    if (cpio_find(p->initrd, p->initrd_size, p->path, &file) != CPIO_OK)
        return -CAIRN_E_NOT_FOUND;
    const char *name = p->name ? p->name : p->path;
    long process = cairn_process_create(name, strnlen(name, CAIRN_PROCESS_NAME_MAX), p->quota);
    if (process < 0)
        return process;
    cairn_handle_t thread;
    err = spawn_build((cairn_handle_t)process, p, file.data, file.size, &thread);
    if (err < 0) {
        cairn_process_kill((cairn_handle_t)process);
        cairn_handle_close((cairn_handle_t)process);
        return err;
    }
    r->process = (cairn_handle_t)process;
    r->thread = thread;
    return 0;
}
