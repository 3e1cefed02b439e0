/*
 * twin.c - a second process running a function of this program (see
 * twin.h). The ELF and program headers are mapped at __executable_start
 * (the first loadable segment starts at file offset 0).
 */
#include "twin.h"
#include <cairn/process.h>
#include <cairn/vm.h>
#include <rt/rt.h>
#include <rt/thread.h>

#define SCRATCH_VA 0x310000000000ull /* where a segment copy is filled */
#define PT_LOAD    1u
#define PF_X       1u
#define PF_W       2u

struct elf_phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

extern const char __executable_start[];

static uint64_t page_down(uint64_t a)
{
    return a & ~(CAIRN_PAGE_SIZE - 1);
}

static uint64_t page_up(uint64_t a)
{
    return page_down(a + CAIRN_PAGE_SIZE - 1);
}

/* Copies one loadable segment into a new memory object and maps it at the
 * same place in the twin; 0 or the error. */
static long segment_copy(long process, const struct elf_phdr *ph)
{
    uint64_t start = page_down(ph->vaddr), size = page_up(ph->vaddr + ph->memsz) - start;
    long mem = cairn_memory_create(size);
    if (mem < 0)
        return mem;
    long r = cairn_vm_map(CAIRN_PROCESS_SELF, mem, 0, SCRATCH_VA, size,
                          CAIRN_PROT_READ | CAIRN_PROT_WRITE);
    if (r >= 0) {
        /* Writable segments: their file-backed bytes only; the rest stays
         * zero, as in a freshly loaded program. */
        uint64_t bytes = ph->vaddr - start + (ph->flags & PF_W ? ph->filesz : ph->memsz);
        const char *from = (const char *)start;
        char *to = (char *)SCRATCH_VA;
        for (uint64_t i = 0; i < bytes; i++)
            to[i] = from[i];
        cairn_vm_unmap(CAIRN_PROCESS_SELF, SCRATCH_VA, size);
        uint64_t prot = CAIRN_PROT_READ | (ph->flags & PF_W ? CAIRN_PROT_WRITE : 0) |
                        (ph->flags & PF_X ? CAIRN_PROT_EXEC : 0);
        r = cairn_vm_map(process, mem, 0, start, size, prot);
    }
    cairn_handle_close(mem); /* the twin's mapping keeps it */
    return r < 0 ? r : 0;
}

static long image_copy(long process)
{
    const char *elf = __executable_start;
    uint64_t phoff = *(const uint64_t *)(elf + 32);
    uint16_t phnum = *(const uint16_t *)(elf + 56);
    const struct elf_phdr *ph = (const struct elf_phdr *)(elf + phoff);
    for (uint16_t i = 0; i < phnum; i++) {
        if (ph[i].type != PT_LOAD || ph[i].memsz == 0)
            continue;
        long r = segment_copy(process, &ph[i]);
        if (r < 0)
            return r;
    }
    return 0;
}

static void twin_close(struct twin *t)
{
    if (t->process > 0)
        cairn_handle_close(t->process);
    if (t->ended > 0)
        cairn_handle_close(t->ended);
    t->process = t->ended = 0;
}

long twin_create(struct twin *t, const char *name, uint64_t quota)
{
    t->process = cairn_process_create(name, rt_strlen(name), quota);
    t->ended = cairn_notification_create();
    long r = t->process < 0 ? t->process : t->ended;
    if (r >= 0)
        r = cairn_process_watch(t->process, t->ended, TWIN_ENDED);
    if (r >= 0)
        r = image_copy(t->process);
    if (r < 0) {
        if (t->process > 0)
            cairn_process_kill(t->process);
        twin_close(t);
        return r;
    }
    return 0;
}

long twin_run(struct twin *t, void (*fn)(uint64_t), uint64_t arg, const void *stack_top,
              uint32_t priority, uint32_t cpu)
{
    const struct cairn_thread_params params = {
        .entry = (uint64_t)fn,
        .stack = (uint64_t)stack_top,
        .arg = arg,
        .fs_base = RT_MAIN_THREAD_BLOCK, /* the twin's copy: see twin.h */
        .priority = priority,
        .affinity = cpu,
    };
    long thread = cairn_thread_create(t->process, &params);
    if (thread < 0)
        return thread;
    cairn_handle_close(thread);
    return 0;
}

long twin_wait(struct twin *t)
{
    long r = cairn_notification_wait(t->ended, UINT64_MAX);
    twin_close(t);
    return r;
}

void twin_kill(struct twin *t)
{
    if (t->process > 0) {
        cairn_process_kill(t->process);
        cairn_notification_wait(t->ended, UINT64_MAX);
    }
    twin_close(t);
}
