/*
 * pages.c - the heap's page source (see pages.h).
 *
 * Each block of pages is a memory object of its own, mapped at an address
 * taken from the heap range; the handle is closed at once, since the
 * mapping keeps the object alive and unmapping it destroys the object.
 * Addresses given back are kept in a short list of holes and reused
 * first, so a program that maps and unmaps large blocks for ever does not
 * walk off the end of the range; when the list is full a hole is simply
 * forgotten (the range is 16 TiB).
 */
#include "pages.h"

#include <cairn/syscalls.h>
#include <cairn/vm.h>
#include <stdint.h>

#define HOLES     64
#define MAP_TRIES 8

struct hole {
    uint64_t base, size;
};

static uint64_t pages_top = PAGES_BASE; /* below it: handed out or in holes */
static struct hole holes[HOLES];
static unsigned nholes;

static void hole_drop(unsigned i)
{
    holes[i] = holes[--nholes];
}

/* An address for size bytes: the first hole that fits, else the top. */
static uint64_t range_take(uint64_t size)
{
    for (unsigned i = 0; i < nholes; i++) {
        if (holes[i].size >= size) {
            uint64_t va = holes[i].base;
            holes[i].base += size;
            holes[i].size -= size;
            if (holes[i].size == 0)
                hole_drop(i);
            return va;
        }
    }
    if (PAGES_END - pages_top < size)
        return 0;
    pages_top += size;
    return pages_top - size;
}

/* Takes [va, va + size) back: lowers the top or joins or adds a hole. */
static void range_give(uint64_t va, uint64_t size)
{
    for (unsigned i = 0; i < nholes; i++) {
        if (holes[i].base + holes[i].size == va) {
            va = holes[i].base;
            size += holes[i].size;
            hole_drop(i);
            i = (unsigned)-1; /* the joined hole may touch another: look again */
        } else if (va + size == holes[i].base) {
            size += holes[i].size;
            hole_drop(i);
            i = (unsigned)-1;
        }
    }
    if (va + size == pages_top)
        pages_top = va;
    else if (nholes < HOLES)
        holes[nholes++] = (struct hole){va, size};
}

/* Maps memory object mem at a free address of the heap range: the address,
 * or 0. A range the program mapped on its own (BUSY) is left out of the
 * heap for good and the next one tried. */
static uint64_t pages_map(cairn_handle_t mem, size_t size)
{
    for (int tries = 0; tries < MAP_TRIES; tries++) {
        uint64_t va = range_take(size);
        if (!va)
            return 0;
        long r =
            cairn_vm_map(CAIRN_PROCESS_SELF, mem, 0, va, size, CAIRN_PROT_READ | CAIRN_PROT_WRITE);
        if (r >= 0)
            return va;
        if (r != -CAIRN_E_BUSY) {
            range_give(va, size);
            return 0;
        }
    }
    return 0;
}

void *pages_get(void *ctx, size_t size)
{
    (void)ctx;
    if (size == 0 || size > CAIRN_MEMORY_MAX_SIZE)
        return NULL;
    long mem = cairn_memory_create(size);
    if (mem < 0)
        return NULL;
    uint64_t va = pages_map((cairn_handle_t)mem, size);
    cairn_handle_close((cairn_handle_t)mem);
    return (void *)va;
}

void pages_put(void *ctx, void *base, size_t size)
{
    (void)ctx;
    if (cairn_vm_unmap(CAIRN_PROCESS_SELF, (uint64_t)base, size) == 0)
        range_give((uint64_t)base, size);
}
