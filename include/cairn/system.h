/*
 * cairn/system.h - what system_info reports.
 */
#ifndef CAIRN_SYSTEM_H
#define CAIRN_SYSTEM_H

#include <stdint.h>

struct cairn_system_info {
    uint32_t cpus; /* CPUs online */
    uint32_t reserved;
    uint64_t frames_free;  /* free 4 KiB physical frames */
    uint64_t frames_total; /* usable frames at boot */
    uint64_t heap_bytes;   /* kernel heap bytes in use */
    uint64_t heap_pages;   /* frames the kernel heap holds, in use or cached */
};

#endif
