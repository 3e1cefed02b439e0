/*
 * load.c - filling a new process's memory from the caller (see spawn/load.h).
 */
#include <spawn/load.h>

#include <cairn/error.h>
#include <cairn/process.h>
#include <cairn/syscalls.h>
#include <cairn/vm.h>
#include <lib/string.h>
#include <stdbool.h>

#define PAGE_SIZE  4096ull
#define SLOT_SIZE  (1ull << 30)
#define SLOTS_FULL (~0ull)

_Static_assert(SPAWN_SCRATCH_SLOTS == 64, "the slot bitmap is one uint64_t");
_Static_assert(SLOT_SIZE >= CAIRN_MEMORY_MAX_SIZE, "a slot holds any memory object");

/* Bit i set: scratch slot i is in use by some thread's fill. */
static uint64_t scratch_busy;

static int scratch_claim(void)
{
    uint64_t busy = __atomic_load_n(&scratch_busy, __ATOMIC_RELAXED);
    while (busy != SLOTS_FULL) {
        int slot = __builtin_ctzll(~busy);
        if (__atomic_compare_exchange_n(&scratch_busy, &busy, busy | (1ull << slot), false,
                                        __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
            return slot;
    }
    return -1;
}

static void scratch_release(int slot)
{
    __atomic_fetch_and(&scratch_busy, ~(1ull << slot), __ATOMIC_RELEASE);
}

static uint64_t page_down(uint64_t a)
{
    return a & ~(PAGE_SIZE - 1);
}

static uint64_t page_up(uint64_t a)
{
    return (a + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

long spawn_map_filled(cairn_handle_t process, uint64_t vaddr, uint64_t length, uint64_t prot,
                      void (*fill)(void *ctx, uint8_t *view), void *ctx)
{
    int slot = scratch_claim();
    if (slot < 0)
        return -CAIRN_E_BUSY;
    uint64_t scratch = SPAWN_SCRATCH_BASE + (uint64_t)slot * SLOT_SIZE;
    long mem = cairn_memory_create(length);
    long r = mem;
    if (mem >= 0)
        r = cairn_vm_map(CAIRN_PROCESS_SELF, (cairn_handle_t)mem, 0, scratch, length,
                         CAIRN_PROT_READ | CAIRN_PROT_WRITE);
    if (r >= 0) {
        fill(ctx, (uint8_t *)scratch);
        r = cairn_vm_unmap(CAIRN_PROCESS_SELF, scratch, length);
    }
    scratch_release(slot);
    if (r >= 0)
        r = cairn_vm_map(process, (cairn_handle_t)mem, 0, vaddr, length, prot);
    if (mem >= 0)
        cairn_handle_close((cairn_handle_t)mem);
    return r < 0 ? r : 0;
}

static uint64_t segment_prot(uint32_t flags)
{
    uint64_t prot = CAIRN_PROT_READ;
    if (flags & ELF_PF_W)
        prot |= CAIRN_PROT_WRITE;
    if (flags & ELF_PF_X)
        prot |= CAIRN_PROT_EXEC;
    return prot;
}

struct segment_fill {
    const uint8_t *image;
    const struct elf_segment *seg;
};

static void fill_segment(void *ctx, uint8_t *view)
{
    const struct segment_fill *f = ctx;
    memcpy(view + (f->seg->vaddr - page_down(f->seg->vaddr)), f->image + f->seg->offset,
           f->seg->filesz);
}

long spawn_load_elf(cairn_handle_t process, const void *image, size_t size, uint64_t limit,
                    struct elf_image *elf, const char **why)
{
    const struct elf_limits limits = {CAIRN_VM_USER_BASE, limit};
    enum elf_error e = elf_parse(image, size, &limits, elf);
    if (e != ELF_OK) {
        *why = elf_strerror(e);
        return -CAIRN_E_INVALID_ARGUMENT;
    }
    for (unsigned i = 0; i < elf->nsegments; i++) {
        const struct elf_segment *s = &elf->segments[i];
        uint64_t start = page_down(s->vaddr);
        struct segment_fill f = {image, s};
        long r = spawn_map_filled(process, start, page_up(s->vaddr + s->memsz) - start,
                                  segment_prot(s->flags), fill_segment, &f);
        if (r < 0) {
            *why = "cannot map a segment";
            return r;
        }
    }
    return 0;
}
