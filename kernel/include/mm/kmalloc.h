/*
 * kmalloc.h - the kernel heap for kernel objects (mm/heap.h over frames).
 * Safe from any context; memory comes back zeroed from kzalloc only.
 */
#ifndef CAIRN_MM_KMALLOC_H
#define CAIRN_MM_KMALLOC_H

#include <mm/heap.h>
#include <stddef.h>

void kmalloc_init(void);
void *kmalloc(size_t size); /* NULL when out of memory */
void *kzalloc(size_t size);
void kfree(void *ptr); /* a pointer kmalloc did not return panics */
void kmalloc_stats(struct heap_stats *out);

#endif
