/*
 * args.c - argument values (see args.h).
 */
#include "args.h"
#include "layout.h"
#include "pool.h"
#include <cairn/handle.h>
#include <cairn/ipc.h>
#include <rt/rt.h>
#include <stdbool.h>

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

enum kind {
    KIND_HANDLE,
    KIND_STALE,
    KIND_ZERO,
    KIND_ONE,
    KIND_SMALL,
    KIND_BOUNDARY,
    KIND_HIGH_HANDLE,
    KIND_RANDOM,
    KIND_SCRATCH,
    KIND_SCRATCH_EDGE,
    KIND_READONLY,
    KIND_KERNEL,
    KIND_UNMAPPED,
    KIND_NONCANONICAL,
    KIND_WINDOW,
    KIND_RIGHTS,
    KIND_BIT,
    KIND_COUNT
};

/* How often each kind comes up, out of their sum: real handles most, so
 * calls get past the handle check and reach deeper code. */
static const uint8_t WEIGHTS[KIND_COUNT] = {
    [KIND_HANDLE] = 56,  [KIND_STALE] = 12,       [KIND_ZERO] = 12,       [KIND_ONE] = 6,
    [KIND_SMALL] = 16,   [KIND_BOUNDARY] = 16,    [KIND_HIGH_HANDLE] = 6, [KIND_RANDOM] = 16,
    [KIND_SCRATCH] = 16, [KIND_SCRATCH_EDGE] = 8, [KIND_READONLY] = 4,    [KIND_KERNEL] = 8,
    [KIND_UNMAPPED] = 8, [KIND_NONCANONICAL] = 6, [KIND_WINDOW] = 6,      [KIND_RIGHTS] = 16,
    [KIND_BIT] = 8,
};

static const uint64_t BOUNDARIES[] = {
    0x7fffffffull,         0x80000000ull,         0xffffffffull,         0x100000000ull,
    0x7fffffffffffffffull, 0x8000000000000000ull, 0xffffffffffffffffull, 0xfffffffffffffffeull,
};

static const uint64_t KERNEL_ADDRESSES[] = {
    0xffff800000000000ull, 0xffff800000001000ull, 0xffffc00000000000ull, 0xffffffff80000000ull,
    0xffffffff80200000ull, 0xfffffffffffff000ull, 0xfffffffffffffff8ull,
};

static const uint64_t NONCANONICAL_ADDRESSES[] = {
    CANONICAL_TOP,         CANONICAL_TOP + 0x1000, 0x00ff000000000000ull,
    0x7fffffffffffffffull, 0xffff7fffffffffffull,  0xffff7ffffffff000ull,
};

/* User addresses where nothing is mapped: below the image, above the
 * stack, up to the last bytes under the canonical hole. */
static const uint64_t UNMAPPED_ADDRESSES[] = {
    0x1000,
    0xfff8,
    0x10000,
    0x3ff000,
    0x3ffff8,
    ABOVE_STACK,
    0x00007fffffffdff8ull,
    0x00007fffffffe000ull,
    0x00007ffffffff000ull,
    CANONICAL_TOP - 8,
    CANONICAL_TOP - 1,
};

/* Offsets from the start and the end of the scratch buffer: inside the
 * arena's guards, so a write that crosses them harms nothing. */
static const int64_t SCRATCH_EDGES[] = {-64, -8, -1, 0, 1};

static enum kind pick_kind(uint64_t draw)
{
    unsigned total = 0;
    for (unsigned k = 0; k < KIND_COUNT; k++)
        total += WEIGHTS[k];
    unsigned at = (unsigned)(draw % total);
    for (unsigned k = 0; k < KIND_COUNT; k++) {
        if (at < WEIGHTS[k])
            return (enum kind)k;
        at -= WEIGHTS[k];
    }
    return KIND_ZERO;
}

static uint64_t small_value(uint64_t v)
{
    /* Mostly 0-3, where priorities, CPUs and flags are valid. */
    return (v & 1) ? (v >> 1) % 4 : (v >> 1) % 65;
}

static uint64_t scratch_edge(uint64_t v)
{
    int64_t offset = SCRATCH_EDGES[(v >> 1) % COUNT_OF(SCRATCH_EDGES)];
    uint64_t base = layout_scratch() + ((v & 1) ? SCRATCH_SIZE : 0);
    return base + (uint64_t)offset;
}

static uint64_t window_address(uint64_t v)
{
    uint64_t page = WINDOW_BASE + ((v >> 1) % (WINDOW_SIZE / PAGE_SIZE)) * PAGE_SIZE;
    return (v & 1) ? page : page + (v >> 40) % PAGE_SIZE;
}

static uint64_t rights_value(uint64_t v)
{
    switch (v % 4) {
    case 0:
        return CAIRN_RIGHTS_ALL;
    case 1:
        return 1ull << ((v >> 2) % 10);
    default:
        return (v >> 2) & CAIRN_RIGHTS_ALL;
    }
}

uint64_t args_draw(uint64_t kind_draw, uint64_t v)
{
    switch (pick_kind(kind_draw)) {
    case KIND_HANDLE:
        return pool_pick(v);
    case KIND_STALE:
        return pool_pick_stale(v);
    case KIND_ZERO:
        return 0;
    case KIND_ONE:
        return 1;
    case KIND_SMALL:
        return small_value(v);
    case KIND_BOUNDARY:
        return BOUNDARIES[v % COUNT_OF(BOUNDARIES)];
    case KIND_HIGH_HANDLE:
        return ((v & 1) ? 1ull << 32 : 0xffffffff00000000ull) | pool_pick(v >> 1);
    case KIND_RANDOM:
        return v;
    case KIND_SCRATCH:
        return layout_scratch() + ((v % SCRATCH_SIZE) & ((v >> 32) & 1 ? ~7ull : ~0ull));
    case KIND_SCRATCH_EDGE:
        return scratch_edge(v);
    case KIND_READONLY:
        return layout_readonly() + ((v % (PAGE_SIZE - WRITE_MAX)) & ~7ull);
    case KIND_KERNEL:
        return KERNEL_ADDRESSES[v % COUNT_OF(KERNEL_ADDRESSES)];
    case KIND_UNMAPPED:
        return UNMAPPED_ADDRESSES[v % COUNT_OF(UNMAPPED_ADDRESSES)];
    case KIND_NONCANONICAL:
        return NONCANONICAL_ADDRESSES[v % COUNT_OF(NONCANONICAL_ADDRESSES)];
    case KIND_WINDOW:
        return window_address(v);
    case KIND_RIGHTS:
        return rights_value(v);
    case KIND_BIT:
        return 1ull << (v % 64);
    case KIND_COUNT:
        break;
    }
    return 0;
}

#define PRIORITY_MAX RT_PRIORITY_DEFAULT /* the main thread's: no higher is allowed */
#define PAGES_MAX    16
#define ANY_CPU      0xffffffffull

static unsigned cpu_count = 1;

void args_init(unsigned cpus)
{
    cpu_count = cpus ? cpus : 1;
}

static bool pick_typed(uint32_t type, enum pool_role role, uint64_t draw, uint64_t *value)
{
    uint32_t h = pool_pick_matching(type, role, draw);
    *value = h;
    return h != 0;
}

/* A label alone one time in four; else bytes around the limit or small,
 * 0-5 handles, and now and then the timeout flag or a bit that is not
 * allowed. */
static uint64_t msginfo_value(uint64_t v)
{
    static const uint64_t BYTES[] = {0,     1, 8, 100, CAIRN_IPC_MAX_BYTES, CAIRN_IPC_MAX_BYTES + 1,
                                     0x1fff};
    uint64_t label = (uint32_t)(v >> 8);
    if ((v & 3) == 0)
        return label;
    uint64_t info = CAIRN_MSGINFO_MAKE(label, BYTES[(v >> 2) % COUNT_OF(BYTES)], (v >> 40) % 6);
    if ((v >> 48) % 4 == 0)
        info |= CAIRN_MSGINFO_TIMEOUT;
    if ((v >> 52) % 32 == 0)
        info |= (v >> 56) & 1 ? CAIRN_MSGINFO_NOTIFIED : 1ull << 50;
    return info;
}

/* RAM, the kernel image, the local APIC, I/O APIC and HPET, q35's ECAM,
 * a frame buffer, high holes, the top of the address space; sometimes
 * not page-aligned. */
static uint64_t phys_value(uint64_t v)
{
    static const uint64_t PHYS[] = {
        0,
        0x100000,
        0x200000,
        0xfee00000,
        0xfec00000,
        0xfed00000,
        0xb0000000,
        0xfd000000,
        1ull << 35,
        (1ull << 52) - PAGE_SIZE,
        1ull << 52,
        0ull - PAGE_SIZE,
        0ull - 2 * PAGE_SIZE,
    };
    uint64_t base =
        (v & 3) ? PHYS[(v >> 2) % COUNT_OF(PHYS)] : ((v >> 2) % (1ull << 28)) * PAGE_SIZE;
    return ((v >> 40) % 8 == 0) ? base + (v >> 44) % PAGE_SIZE : base;
}

static uint64_t prot_value(uint64_t v)
{
    static const uint64_t PROTS[] = {1, 1, 3, 3, 5, 5, 7, 0, 2, 4, 9};
    return PROTS[v % COUNT_OF(PROTS)];
}

uint64_t args_hinted(enum hint hint, uint64_t v)
{
    uint64_t h;
    switch (hint) {
    case HINT_HANDLE:
        if (pool_count())
            return pool_pick(v);
        break;
    case HINT_NOTIFICATION:
        if (pick_typed(CAIRN_OBJ_NOTIFICATION, ROLE_ANY, v, &h))
            return h;
        break;
    case HINT_ENDPOINT:
        if (pick_typed(CAIRN_OBJ_ENDPOINT, ROLE_ANY, v, &h))
            return h;
        break;
    case HINT_SERVED:
        if (pick_typed(CAIRN_OBJ_ENDPOINT, ROLE_SERVED, v, &h))
            return h;
        break;
    case HINT_CALLED:
        if (pick_typed(CAIRN_OBJ_ENDPOINT, ROLE_CALLED, v, &h))
            return h;
        break;
    case HINT_MEMORY:
        if (pick_typed(CAIRN_OBJ_MEMORY, ROLE_ANY, v, &h))
            return h;
        break;
    case HINT_RIGHTS:
        return rights_value(v);
    case HINT_BITS:
        return (v & 1) ? 1ull << ((v >> 1) % 63) : (v >> 1) & ((1ull << 63) - 1);
    case HINT_MSGINFO:
        return msginfo_value(v);
    case HINT_THREAD:
        if ((v & 3) && pick_typed(CAIRN_OBJ_THREAD, ROLE_ANY, v >> 2, &h))
            return h;
        return CAIRN_HANDLE_NONE;
    case HINT_IPC_BUFFER:
        if (v % 3 == 0)
            return 0;
        if (v % 3 == 1)
            return layout_ipc_page();
        return WINDOW_BASE + ((v >> 8) % (WINDOW_SIZE / PAGE_SIZE)) * PAGE_SIZE;
    case HINT_PRIORITY:
        return (v >> 8) % (PRIORITY_MAX + 1);
    case HINT_CPU:
        return (v & 1) ? ANY_CPU : (v >> 1) % cpu_count;
    case HINT_SCRATCH:
        return layout_scratch() + ((v % (SCRATCH_SIZE - WRITE_MAX)) & ~7ull);
    case HINT_PAGES:
        return (v & 1) ? PAGE_SIZE : (1 + (v >> 8) % PAGES_MAX) * PAGE_SIZE;
    case HINT_OFFSET:
        return (v & 3) ? 0 : ((v >> 8) % PAGES_MAX) * PAGE_SIZE;
    case HINT_WINDOW:
        return WINDOW_BASE + ((v >> 8) % (WINDOW_SIZE / PAGE_SIZE)) * PAGE_SIZE;
    case HINT_PROT:
        return prot_value(v);
    case HINT_IRQ_CONTROL:
        if (pick_typed(CAIRN_OBJ_IRQ_CONTROL, ROLE_ANY, v, &h))
            return h;
        break;
    case HINT_IRQ:
        if (pick_typed(CAIRN_OBJ_IRQ, ROLE_ANY, v, &h))
            return h;
        break;
    case HINT_IRQ_LINE:
        return (v & 1) ? (v >> 1) % 16 : (v >> 1) % 256;
    case HINT_IRQ_FLAGS:
        return (v >> 8) % 8;
    case HINT_IOPORT_CONTROL:
        if (pick_typed(CAIRN_OBJ_IOPORT_CONTROL, ROLE_ANY, v, &h))
            return h;
        break;
    case HINT_IOPORT:
        if (pick_typed(CAIRN_OBJ_IOPORT, ROLE_ANY, v, &h))
            return h;
        break;
    case HINT_PORT:
        return (v & 1) ? (v >> 1) % 0x400 : (v >> 1) % 0x10001;
    case HINT_PORT_COUNT:
        return (v & 1) ? 1 + (v >> 1) % 8 : (v >> 1) % 0x10002;
    case HINT_PROCESS:
        if ((v & 1) && pick_typed(CAIRN_OBJ_PROCESS, ROLE_ANY, v >> 1, &h))
            return h;
        return 0;
    case HINT_THREAD_OP:
        return (v >> 8) % 6;
    case HINT_QUOTA:
        return (v & 7) ? ((v >> 8) % 256 + 1) * PAGE_SIZE : (v >> 8) % 1024;
    case HINT_LENGTH:
        return (v >> 8) % (WRITE_MAX + 1);
    case HINT_DEVICE_MEMORY:
        if (pick_typed(CAIRN_OBJ_DEVICE_MEMORY, ROLE_ANY, v, &h))
            return h;
        break;
    case HINT_PHYS:
        return phys_value(v);
    case HINT_REPLY:
        if (pick_typed(CAIRN_OBJ_REPLY, ROLE_ANY, v, &h))
            return h;
        break;
    case HINT_MEMORY_FLAGS:
        return (v & 3) ? (v >> 8) % 2 : (v >> 8) % 5;
    case HINT_NONE:
        break;
    }
    return args_draw(v, v >> 32 | v << 32);
}
