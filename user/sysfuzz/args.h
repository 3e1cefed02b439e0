/*
 * args.h - argument values for the fuzzed calls: each one drawn from a mix
 * of the handles the fuzzer holds, handles it closed, boundary integers,
 * random bits, and pointers of every kind (into the scratch buffer, at its
 * edges, at a read-only page, into the kernel, unmapped, non-canonical,
 * into the window).
 */
#ifndef CAIRN_SYSFUZZ_ARGS_H
#define CAIRN_SYSFUZZ_ARGS_H

#include <stdint.h>

/* What an argument of a known call is, so that most of its draws come from
 * values that get past the call's checks (hints.h). */
enum hint {
    HINT_NONE,
    HINT_HANDLE,         /* any handle held */
    HINT_NOTIFICATION,   /* a notification handle held */
    HINT_ENDPOINT,       /* an endpoint handle held */
    HINT_SERVED,         /* a handle to an endpoint a server answers */
    HINT_CALLED,         /* a handle to the endpoint the client calls */
    HINT_MEMORY,         /* a memory-object handle held */
    HINT_RIGHTS,         /* a set of rights */
    HINT_BITS,           /* notification bits */
    HINT_MSGINFO,        /* an IPC descriptor: a label, often with bytes, handles or a timeout */
    HINT_PRIORITY,       /* a thread priority up to the fuzzer's own */
    HINT_CPU,            /* a CPU index or any CPU */
    HINT_SCRATCH,        /* a pointer into the scratch buffer */
    HINT_PAGES,          /* a length of a few whole pages */
    HINT_OFFSET,         /* an offset of a few whole pages, 0 most often */
    HINT_WINDOW,         /* a page of the window */
    HINT_PROT,           /* mapping protection bits */
    HINT_IRQ_CONTROL,    /* the irq control handle */
    HINT_IRQ,            /* an irq-object handle held */
    HINT_IRQ_LINE,       /* an ISA IRQ or GSI, small most often */
    HINT_IRQ_FLAGS,      /* irq_create flags */
    HINT_IOPORT_CONTROL, /* the io-port control handle */
    HINT_IOPORT,         /* an io-port-object handle held */
    HINT_PORT,           /* an I/O port number */
    HINT_PORT_COUNT,     /* a count of I/O ports */
    HINT_PROCESS,      /* CAIRN_PROCESS_SELF (0) or a process handle held */
    HINT_THREAD,       /* a thread handle held */
    HINT_THREAD_OP,    /* a thread_control operation, valid most often */
    HINT_QUOTA,        /* a process quota: up to 1 MiB, sometimes too small */
    HINT_LENGTH,       /* a byte count up to a few hundred */
    HINT_IPC_BUFFER,   /* a page for ipc_buffer_set: the fuzzer's IPC page, a window page, 0 */
    HINT_DEVICE_MEMORY, /* the device-memory control handle */
    HINT_PHYS,         /* a physical address: RAM, the kernel's MMIO, a hole, the top */
    HINT_MEMORY_FLAGS, /* memory_create_physical flags, valid most often */
    HINT_REPLY,        /* a reply-object handle held */
};

/* Tells the hints how many CPUs there are. */
void args_init(unsigned cpus);

/* One argument value: kind_draw chooses the kind, value_draw the value
 * within it. The same draws and the same pool give the same value. */
uint64_t args_draw(uint64_t kind_draw, uint64_t value_draw);

/* A value that fits hint, chosen by draw; when the pool holds no handle
 * of the kind hinted, a value from args_draw(). */
uint64_t args_hinted(enum hint hint, uint64_t draw);

#endif
