/*
 * load.c - loading a static Linux executable into a new process (load.h).
 */
#include "load.h"

#include "stack.h"

#include <cairn/error.h>
#include <cairn/process.h>
#include <cairn/vm.h>
#include <lib/elf.h>
#include <lib/string.h>
#include <rt/rt.h>
#include <spawn/load.h>

#define LINUX_QUOTA (4u << 20)
#define STACK_SIZE  (64u << 10)
#define STACK_TOP   CAIRN_VM_USER_END

#define E_PHOFF 32
#define E_PHNUM 56

static uint64_t read_le(const uint8_t *p, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* AT_RANDOM's bytes: not for cryptography, only different on each run
 * (musl seeds its stack-protector canary from them). */
static void random_fill(uint8_t *out, size_t n)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    uint64_t x = ((uint64_t)hi << 32 | lo) ^ 0x9e3779b97f4a7c15ull;
    for (size_t i = 0; i < n; i++) {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        out[i] = (uint8_t)((x * 0x2545f4914f6cdd1dull) >> 56);
    }
}

struct stack_fill {
    const struct linux_start *start;
    uint64_t rsp;
};

static void fill_stack(void *ctx, uint8_t *view)
{
    struct stack_fill *f = ctx;
    f->rsp = linux_stack_build(view, STACK_SIZE, STACK_TOP, f->start);
}

/* The user address of the program headers: inside the first segment that
 * covers their file offset, or 0 when none does. */
static uint64_t phdr_address(const uint8_t *image, const struct elf_image *elf)
{
    uint64_t phoff = read_le(image + E_PHOFF, 8);
    for (unsigned i = 0; i < elf->nsegments; i++) {
        const struct elf_segment *s = &elf->segments[i];
        if (phoff >= s->offset && phoff < s->offset + s->filesz)
            return s->vaddr + (phoff - s->offset);
    }
    return 0;
}

long linux_load(const void *image, size_t size, int argc, char *const argv[],
                struct linux_process *out)
{
    struct elf_image elf;
    const char *why;
    long process =
        cairn_process_create(argv[0], strnlen(argv[0], CAIRN_PROCESS_NAME_MAX), LINUX_QUOTA);
    if (process < 0) {
        rt_printf("posix: %s: process_create failed (%ld)\n", argv[0], process);
        return process;
    }
    long r =
        spawn_load_elf((cairn_handle_t)process, image, size, STACK_TOP - STACK_SIZE, &elf, &why);
    if (r < 0) {
        if (r == -CAIRN_E_INVALID_ARGUMENT)
            rt_printf("posix: %s: not a static x86_64 executable: %s\n", argv[0], why);
        else
            rt_printf("posix: %s: %s (%ld)\n", argv[0], why, r);
        cairn_process_kill((cairn_handle_t)process);
        cairn_handle_close((cairn_handle_t)process);
        return r;
    }
    struct linux_start start = {
        .argc = argc,
        .argv = argv,
        .phdr = phdr_address(image, &elf),
        .phnum = read_le((const uint8_t *)image + E_PHNUM, 2),
        .entry = elf.entry,
    };
    random_fill(start.random, sizeof(start.random));
    struct stack_fill stack = {&start, 0};
    r = spawn_map_filled((cairn_handle_t)process, STACK_TOP - STACK_SIZE, STACK_SIZE,
                         CAIRN_PROT_READ | CAIRN_PROT_WRITE, fill_stack, &stack);
    if (r >= 0 && !stack.rsp)
        r = -CAIRN_E_TOO_LARGE;
    if (r >= 0) {
        struct cairn_thread_params params = {
            .entry = elf.entry,
            .stack = stack.rsp,
            .priority = RT_PRIORITY_DEFAULT,
            .affinity = CAIRN_AFFINITY_ANY,
            .flags = CAIRN_THREAD_SUSPENDED,
        };
        r = cairn_thread_create((cairn_handle_t)process, &params);
    }
    if (r < 0) {
        rt_printf("posix: %s: cannot build the process (%ld)\n", argv[0], r);
        cairn_process_kill((cairn_handle_t)process);
        cairn_handle_close((cairn_handle_t)process);
        return r;
    }
    out->process = (cairn_handle_t)process;
    out->thread = (cairn_handle_t)r;
    out->name = argv[0];
    return 0;
}
