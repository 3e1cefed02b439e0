/*
 * log_ring.h - the kernel's recent log lines, kept for log_read.
 *
 * log_write() appends every line it prints (core/log.h) to one ring
 * (lib/logbuf.h) with the next sequence number; the ring keeps the last
 * LOGBUF_LINES, the oldest overwritten first. Its own spinlock protects
 * it; callable from any context. While panicking nothing is appended
 * (another CPU may have stopped holding the lock).
 */
#ifndef CAIRN_CORE_LOG_RING_H
#define CAIRN_CORE_LOG_RING_H

#include <cairn/log.h>
#include <stddef.h>
#include <stdint.h>

/* Records one line (len bytes, no newline) at level (enum log_level). */
void log_ring_append(unsigned level, const char *text, size_t len);

/* Lays out records from sequence number seq on into buf (len bytes, a
 * kernel buffer), as many whole records as fit, times in nanoseconds
 * since boot, and says where it left off in *pos. Returns the bytes. */
size_t log_ring_copy(uint64_t seq, void *buf, size_t len, struct cairn_log_position *pos);

/* The sequence number the next line will get. */
uint64_t log_ring_next(void);

#endif
