/*
 * rules.c - the per-call rules (see rules.h).
 */
#include "rules.h"
#include "layout.h"
#include "pool.h"
#include <cairn/abi.h>
#include <cairn/handle.h>
#include <cairn/process.h>
#include <cairn/ipc.h>
#include <cairn/log.h>
#include <cairn/syscalls.h>
#include <cairn/vm.h>
#include <rt/rt.h>

#define COUNT_OF(a)    (sizeof(a) / sizeof((a)[0]))
#define ARG(i)         (1u << (i))
#define ALL_ARGS       0x3fu
#define TIMEOUT_MAX_NS 1000000ull /* 1 ms: no wait may hold the run up longer */
/* The highest FS base the kernel takes. */
#define USER_TOP 0x00007fffffffe000ull

struct rule {
    uint64_t number;
    bool never;      /* ends the caller: never made */
    uint8_t writes;  /* ARG(i): argument i is a pointer the kernel writes through */
    uint8_t timeout; /* ARG(i): argument i is a timeout in nanoseconds */
    void (*fix)(struct call *call, const uint64_t *draws); /* a rule of its own */
};

/* The thread bodies of stubs.S. */
void sysfuzz_stub_exit(void);
void sysfuzz_stub_yield(void);
void sysfuzz_stub_signal(void);
void sysfuzz_stub_wait(void);
void sysfuzz_stub_recv(void);

static void (*const STUBS[])(void) = {
    sysfuzz_stub_exit, sysfuzz_stub_yield, sysfuzz_stub_signal,
    sysfuzz_stub_wait, sysfuzz_stub_recv,
};

/* Every stub thread's RSP: they never touch it. */
static uint8_t stub_stack[64] __attribute__((aligned(16)));

static const char QUIET[] = " ";

/* Bit 31 set: no handle has it (cairn/handle.h). */
#define NEVER_A_HANDLE 0x80000000ull

/* A handle that names nothing now: one closed earlier, or none at all. */
static uint64_t dead_handle(uint64_t draw)
{
    uint32_t h = pool_pick_stale(draw);
    return pool_find(h) ? CAIRN_HANDLE_NONE : h;
}

/* A write that might succeed shows at most one byte, a space: the console
 * is slow and tests read it. One that must fail (its first byte is where
 * nothing is mapped) keeps its length, whatever it is. */
static void fix_debug_write(struct call *c, const uint64_t *draws)
{
    uint64_t buf = c->args[0];
    if (c->args[1] > CAIRN_DEBUG_WRITE_MAX || buf < layout_image_start() || buf >= ABOVE_STACK)
        return;
    c->args[1] = draws[0] & 1;
    if (c->args[1])
        c->args[0] = (uint64_t)QUIET;
}

/* The helpers' own handles stay open, or a server could stop answering. */
static void fix_handle_close(struct call *c, const uint64_t *draws)
{
    const struct pool_entry *e = pool_find(c->args[0]);
    if (e && e->pinned)
        c->args[0] = dead_handle(draws[0]);
}

/* The next of a few values drawn from one word. */
static uint64_t mix(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* Whether a held handle may leave the fuzzer's table with a message. A
 * helper's own handle may not (its thread would lose it), nor a process
 * handle: the fuzzer kills every process it made before it lets go of
 * the handle (fuzz.c), and a server just closes what it gets. A process
 * outlives its handles once a thread has run in it, so one whose thread
 * waits for ever (a page fault sent to an endpoint nobody receives on, a
 * suspended thread) or that never ran one but holds a handle to itself
 * would live past the leak check with nobody left able to kill it
 * (process_create's notes in docs/syscalls.md). */
static bool may_move(const struct pool_entry *e)
{
    return !(e && (e->pinned || e->type == CAIRN_OBJ_PROCESS));
}

/* Whether the fuzzer holds a live reply handle (ipc_reply_detach). Its
 * caller may be the client, which then calls no more until the reply is
 * given or dropped: a receive on its endpoint would wait for ever. */
static bool holds_reply(void)
{
    for (unsigned i = 0; i < pool_count(); i++) {
        const struct pool_entry *e = pool_at(i);
        struct cairn_handle_info info;
        if (e->type == CAIRN_OBJ_REPLY && cairn_handle_info(e->handle, &info) == 0)
            return true;
    }
    return false;
}

/* Fills the IPC page's capability list for a message with handles: held
 * handles (moved, as may_move allows, or copied), stale ones and junk.
 * The servers close what they get before they reply. A reply handle goes
 * only to them (in a call): a reply may reach a caller the fuzzer does not
 * see, which could keep it, and the client waiting, past holds_reply().
 * The timeout a timed call reads is drawn too. */
static void fill_ipc_page(uint64_t info, uint64_t draw, bool call)
{
    struct cairn_ipc_buffer *page = (struct cairn_ipc_buffer *)layout_ipc_page();
    uint64_t x = draw | 1;
    for (unsigned i = 0; i < CAIRN_MSGINFO_CAPS(info) && i < CAIRN_IPC_MAX_CAPS; i++) {
        uint64_t v = mix(&x);
        uint32_t h = v % 8 == 0   ? (uint32_t)(v >> 8)
                     : v % 8 == 1 ? dead_handle(v >> 8)
                                  : pool_pick(v >> 8);
        bool move = (v >> 4) & 1;
        const struct pool_entry *e = pool_find(h);
        if (!call && e && e->type == CAIRN_OBJ_REPLY)
            h = dead_handle(v >> 8);
        page->caps[i] = h | (move && may_move(pool_find(h)) ? CAIRN_IPC_CAP_MOVE : 0);
    }
    /* None, 0 (refused), or long enough that a server, which answers at
     * once, always does: a call that gave up while a server held its
     * handles would let them be closed later, and a replay differ. */
    static const uint64_t TIMEOUTS[] = {UINT64_MAX, 0, 1000000000ull};
    page->timeout_ns = TIMEOUTS[mix(&x) % 3];
}

/* A call waits for a receiver and its reply (unless timed): only an
 * endpoint a server answers may be called; any other endpoint is swapped
 * for a handle that fails at once. */
static void fix_ipc_call(struct call *c, const uint64_t *draws)
{
    const struct pool_entry *e = pool_find(c->args[0]);
    if (e && e->type == CAIRN_OBJ_ENDPOINT && e->role != ROLE_SERVED)
        c->args[0] = dead_handle(draws[0]);
    fill_ipc_page(c->args[1], draws[0], true);
}

/* ipc_reply and ipc_reply_to. */
static void fix_ipc_reply(struct call *c, const uint64_t *draws)
{
    fill_ipc_page(c->args[1], draws[0], false);
}

/* Its receive has no timeout: only an endpoint a client keeps calling,
 * and only while the client waits on no reply handle of ours. */
static void fix_ipc_reply_recv(struct call *c, const uint64_t *draws)
{
    const struct pool_entry *e = pool_find(c->args[0]);
    if (e && e->type == CAIRN_OBJ_ENDPOINT && (e->role != ROLE_CALLED || holds_reply()))
        c->args[0] = dead_handle(draws[0]);
    fill_ipc_page(c->args[1], draws[0], false);
}

/* A reply handle stays in the fuzzer's table (see fill_ipc_page). */
static void fix_handle_grant(struct call *c, const uint64_t *draws)
{
    const struct pool_entry *e = pool_find(c->args[1]);
    if (c->args[0] != CAIRN_PROCESS_SELF && e && e->type == CAIRN_OBJ_REPLY)
        c->args[1] = dead_handle(draws[0]);
}

/* The kernel writes whole messages into an IPC buffer: only the IPC page
 * or the window may be one. Other user pages go to the IPC page; unaligned
 * and non-user addresses stay, to be refused. */
static void fix_ipc_buffer_set(struct call *c, const uint64_t *draws)
{
    uint64_t va = c->args[0];
    (void)draws;
    if (va == 0 || va % PAGE_SIZE || va >= CANONICAL_TOP || va == layout_readonly() ||
        (va >= WINDOW_BASE && va < REGION_END))
        return;
    c->args[0] = layout_ipc_page();
}

/* The fuzzer's runtime finds errno and its IPC buffer through its FS base:
 * a value the kernel would take becomes the calling thread's own block
 * (no change); values beyond user space stay, to be refused. */
static void fix_thread_fs_base_set(struct call *c, const uint64_t *draws)
{
    (void)draws;
    if (c->args[0] <= USER_TOP)
        c->args[0] = (uint64_t)rt_thread_self();
}

/* What thread_create reads: built here from the draw, so that a thread
 * that could start in this process runs a stub (anything else would fault
 * and kill the fuzzer) on the shared stack and is never created suspended
 * (it would never end). Parameters the kernel must reject come up too. */
static struct cairn_thread_params thread_params;

static void fix_thread_create(struct call *c, const uint64_t *draws)
{
    uint64_t d = draws[0];
    if (c->args[1] >= CANONICAL_TOP)
        return;
    if ((d >> 40) % 16 == 0) {
        c->args[1] = 0x1000; /* unmapped */
        return;
    }
    thread_params = (struct cairn_thread_params){
        .entry = (d & 15) ? (uint64_t)STUBS[(d >> 4) % COUNT_OF(STUBS)] : 0xffff800000000000ull,
        .stack = (uint64_t)(stub_stack + sizeof(stub_stack)),
        .arg = pool_pick(d >> 8),
        .fs_base = ((d >> 16) & 3) == 0 ? CANONICAL_TOP : ((d >> 16) & 3) * PAGE_SIZE,
        .priority = (uint32_t)((d >> 20) % (RT_PRIORITY_DEFAULT + 2)),
        .affinity = (d >> 26) & 1 ? CAIRN_AFFINITY_ANY : (uint32_t)((d >> 27) % 5),
        .flags = (uint32_t)((d >> 32) & 3),
        .reserved = ((d >> 36) & 15) == 0,
    };
    if (c->args[0] == CAIRN_PROCESS_SELF)
        thread_params.flags &= ~CAIRN_THREAD_SUSPENDED;
    c->args[1] = (uint64_t)&thread_params;
}

/* The fuzzer never kills itself, and never has itself watched: a watch
 * would hold its notification until the fuzzer ends, past the leak check. */
static void fix_not_self(struct call *c, const uint64_t *draws)
{
    if (c->args[0] != CAIRN_PROCESS_SELF)
        return;
    c->args[0] = dead_handle(draws[0]);
    if (c->args[0] == CAIRN_PROCESS_SELF)
        c->args[0] = NEVER_A_HANDLE;
}

/* Marked, the fuzzer would send each of its own system calls to an
 * endpoint as a message and never get an answer it understands: its own
 * process (0, or any value whose low 32 bits are 0, in case the kernel
 * ever looked at those only) is only ever asked to be unmarked, which the
 * kernel refuses (INVALID_ARGUMENT) and which would change nothing if it
 * did not. It holds no other handle to itself. Its children may be marked
 * with any endpoint: their threads start at addresses of the fuzzer's
 * image, so one makes a system call only if a mapping put code there by
 * chance; a server's reply (the call's own label) then kills it, and a
 * call nobody takes waits until the child is killed, as the fuzzer kills
 * every process it lets go of. */
static void fix_set_syscall_handler(struct call *c, const uint64_t *draws)
{
    (void)draws;
    if ((uint32_t)c->args[0] == CAIRN_PROCESS_SELF)
        c->args[1] = CAIRN_HANDLE_NONE;
}

/* A suspended thread of the fuzzer's would never end: resume instead. */
static void fix_thread_control(struct call *c, const uint64_t *draws)
{
    (void)draws;
    if (c->args[1] == CAIRN_THREAD_SUSPEND)
        c->args[1] = CAIRN_THREAD_RESUME;
}

/* The fuzzer holds the io-port control (every boot program does) but
 * executes no IN or OUT, so an open port does nothing here; still, any
 * range the kernel could accept is moved into [FUZZ_PORT_BASE,
 * FUZZ_PORT_BASE + FUZZ_PORT_SPAN), the POST port and the DMA page
 * registers, which nothing in Cairn drives. Ranges the ABI rejects stay
 * as drawn. (irq_create needs no rule: claiming a line programs no
 * device; the kernel masks a line each time it fires, so even a line
 * claimed with the wrong polarity costs one interrupt per irq_ack.) */
#define FUZZ_PORT_BASE 0x80
#define FUZZ_PORT_SPAN 16

static void fix_ioport_create(struct call *c, const uint64_t *draws)
{
    (void)draws;
    uint64_t base = c->args[1], count = c->args[2];
    if (count == 0 || base >= 0x10000 || count > 0x10000 - base)
        return;
    c->args[1] = FUZZ_PORT_BASE + base % FUZZ_PORT_SPAN;
    c->args[2] = 1 + count % (FUZZ_PORT_BASE + FUZZ_PORT_SPAN - c->args[1]);
}

/* The fuzzer never makes a device-memory object: it maps and writes
 * memory objects it holds (directly, and by passing window pages to calls
 * that write), and a write to real device registers could do anything.
 * So a range the kernel could accept (page-aligned, not empty, at most
 * 1 GiB, ending below 2^52, the widest physical address any x86_64 CPU
 * has) is moved to start at FUZZ_KEPT_PHYS, the kernel image's first page
 * (KERNEL_PHYS in the kernel's arch/layout.h), which the kernel always
 * refuses with RESERVED. Handle, flags and every range the ABI rejects stay
 * as drawn, so every refusal is still reached. */
#define FUZZ_KEPT_PHYS 0x200000ull
#define PHYS_TOP       (1ull << 52)

static void fix_memory_create_physical(struct call *c, const uint64_t *draws)
{
    (void)draws;
    uint64_t base = c->args[1], size = c->args[2];
    if (size == 0 || base % PAGE_SIZE || size % PAGE_SIZE || size > CAIRN_MEMORY_MAX_SIZE ||
        base >= PHYS_TOP || size > PHYS_TOP - base)
        return;
    c->args[1] = FUZZ_KEPT_PHYS;
}

/* Keeps a range that could be accepted off the fuzzer's memory: a user
 * address is moved into the window (keeping its offset in the page), and
 * a range from the window that does not wrap and ends in user space ends
 * by REGION_END. Addresses and ranges the ABI rejects stay as drawn. */
static void confine_range(uint64_t *addr, uint64_t *len, uint64_t draw)
{
    bool in_window = *addr >= WINDOW_BASE && *addr < WINDOW_BASE + WINDOW_SIZE;
    if (*addr >= CAIRN_VM_USER_BASE && *addr < CAIRN_VM_USER_END && !in_window) {
        uint64_t page = draw % (WINDOW_SIZE / PAGE_SIZE);
        *addr = WINDOW_BASE + page * PAGE_SIZE + *addr % PAGE_SIZE;
        in_window = true;
    }
    if (!in_window || *len > UINT64_MAX - *addr)
        return;
    uint64_t end = *addr + *len;
    if (end > REGION_END && end <= CAIRN_VM_USER_END)
        *len %= REGION_END - *addr;
}

/* log_read writes up to len bytes at buf: a length the kernel could take
 * beyond what any address may have written at it (WRITE_MAX) either has
 * its buffer moved into the window (odd draws) or is cut to WRITE_MAX,
 * which is exactly one largest record. */
static void fix_log_read(struct call *c, const uint64_t *draws)
{
    if (c->args[3] <= WRITE_MAX || c->args[3] > CAIRN_LOG_READ_MAX)
        return;
    if (draws[0] & 1)
        confine_range(&c->args[2], &c->args[3], draws[0] >> 1);
    else
        c->args[3] = WRITE_MAX;
}

/* Only the fuzzer's own space needs confining; another process's may be
 * changed anywhere. */
static void fix_vm_map(struct call *c, const uint64_t *draws)
{
    if (c->args[0] == CAIRN_PROCESS_SELF)
        confine_range(&c->args[3], &c->args[4], draws[0]);
}

static void fix_vm_range(struct call *c, const uint64_t *draws)
{
    if (c->args[0] == CAIRN_PROCESS_SELF)
        confine_range(&c->args[1], &c->args[2], draws[0]);
}

/* A length the kernel would accept stays within what the arena's guards
 * allow (WRITE_MAX); longer ones stay, to be rejected. */
static void clamp_access(struct call *c)
{
    if (c->args[3] <= CAIRN_VM_ACCESS_MAX)
        c->args[3] %= WRITE_MAX + 1;
}

static void fix_vm_read(struct call *c, const uint64_t *draws)
{
    (void)draws;
    clamp_access(c);
}

/* Writing its own memory, the fuzzer aims away from its image and stack. */
static void fix_vm_write(struct call *c, const uint64_t *draws)
{
    (void)draws;
    clamp_access(c);
    if (c->args[0] == CAIRN_PROCESS_SELF && layout_is_protected(c->args[1]))
        c->args[1] = layout_redirect(c->args[1]);
}

static const struct rule RULES[] = {
    {.number = SYS_DEBUG_WRITE, .fix = fix_debug_write},
    {.number = SYS_EXIT, .never = true},
    {.number = SYS_YIELD},
    {.number = SYS_CLOCK_GET},
    {.number = SYS_SLEEP, .timeout = ARG(0)},
    {.number = SYS_NULL},
    {.number = SYS_HANDLE_CLOSE, .fix = fix_handle_close},
    {.number = SYS_HANDLE_DUPLICATE},
    {.number = SYS_HANDLE_MINT},
    {.number = SYS_HANDLE_REVOKE},
    {.number = SYS_HANDLE_INFO, .writes = ARG(1)},
    {.number = SYS_NOTIFICATION_CREATE},
    {.number = SYS_NOTIFICATION_SIGNAL},
    {.number = SYS_NOTIFICATION_WAIT, .timeout = ARG(1)},
    {.number = SYS_ENDPOINT_CREATE},
    {.number = SYS_IPC_CALL, .fix = fix_ipc_call},
    {.number = SYS_IPC_RECV, .timeout = ARG(1)},
    {.number = SYS_IPC_REPLY, .fix = fix_ipc_reply},
    {.number = SYS_IPC_REPLY_RECV, .fix = fix_ipc_reply_recv},
    {.number = SYS_IPC_BUFFER_SET, .fix = fix_ipc_buffer_set},
    {.number = SYS_NOTIFICATION_BIND},
    {.number = SYS_NOTIFICATION_UNBIND},
    {.number = SYS_THREAD_CREATE, .fix = fix_thread_create},
    {.number = SYS_THREAD_EXIT, .never = true},
    {.number = SYS_SYSTEM_INFO, .writes = ARG(0)},
    {.number = SYS_IRQ_CREATE},
    {.number = SYS_IRQ_ACK},
    {.number = SYS_IOPORT_CREATE, .fix = fix_ioport_create},
    {.number = SYS_IOPORT_ENABLE},
    {.number = SYS_MEMORY_CREATE},
    {.number = SYS_VM_MAP, .fix = fix_vm_map},
    {.number = SYS_VM_UNMAP, .fix = fix_vm_range},
    {.number = SYS_VM_PROTECT, .fix = fix_vm_range},
    /* The fuzzer's threads never fault, so a fault endpoint set on one is
     * never called; a clone is a memory object like any other. */
    {.number = SYS_THREAD_SET_FAULT_ENDPOINT},
    {.number = SYS_MEMORY_CLONE},
    {.number = SYS_PROCESS_CREATE},
    {.number = SYS_PROCESS_KILL, .fix = fix_not_self},
    {.number = SYS_PROCESS_WATCH, .fix = fix_not_self},
    {.number = SYS_PROCESS_INFO, .writes = ARG(1)},
    {.number = SYS_THREAD_CONTROL, .writes = ARG(2), .fix = fix_thread_control},
    {.number = SYS_HANDLE_GRANT, .fix = fix_handle_grant},
    {.number = SYS_VM_READ, .writes = ARG(2), .fix = fix_vm_read},
    {.number = SYS_VM_WRITE, .fix = fix_vm_write},
    {.number = SYS_PROCESS_SET_SYSCALL_HANDLER, .fix = fix_set_syscall_handler},
    {.number = SYS_MEMORY_CREATE_PHYSICAL, .fix = fix_memory_create_physical},
    /* A detached reply's caller is the client: see holds_reply(). */
    {.number = SYS_IPC_REPLY_DETACH},
    {.number = SYS_IPC_REPLY_TO, .fix = fix_ipc_reply},
    {.number = SYS_LOG_READ, .writes = ARG(2) | ARG(4), .fix = fix_log_read},
    {.number = SYS_THREAD_FS_BASE_SET, .fix = fix_thread_fs_base_set},
};

static const struct rule *rule_of(uint64_t number)
{
    for (unsigned i = 0; i < COUNT_OF(RULES); i++) {
        if (RULES[i].number == number)
            return &RULES[i];
    }
    return NULL;
}

bool rules_forbid(uint64_t number)
{
    const struct rule *r = rule_of(number);
    return r && r->never;
}

void rules_apply(struct call *call, const uint64_t draws[RULE_DRAWS])
{
    const struct rule *r = rule_of(call->number);
    uint8_t writes = r ? r->writes : ALL_ARGS;
    for (unsigned i = 0; i < CALL_ARGS; i++) {
        if ((writes & ARG(i)) && layout_is_protected(call->args[i]))
            call->args[i] = layout_redirect(call->args[i]);
        if (r && (r->timeout & ARG(i)) && call->args[i] > TIMEOUT_MAX_NS)
            call->args[i] %= TIMEOUT_MAX_NS + 1;
    }
    if (r && r->fix)
        r->fix(call, draws);
}

unsigned rules_unmap_window(void)
{
    unsigned pages = 0;
    for (uint64_t va = WINDOW_BASE; va < REGION_END; va += PAGE_SIZE) {
        if (cairn_vm_unmap(CAIRN_PROCESS_SELF, va, PAGE_SIZE) == 0)
            pages++;
    }
    return pages;
}
