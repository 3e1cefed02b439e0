/*
 * rt/mutex.h - a lock for the threads of one process.
 *
 * A mutex is one word in the process's memory: no kernel object, so a
 * static RT_MUTEX_INIT needs no set-up and costs nothing until contended.
 * Taking it spins briefly (the holder is usually running on another CPU
 * and about to let go), then yields, then sleeps in short naps: yield only
 * hands the CPU to threads of the same or a higher priority, and the nap
 * lets a lower-priority holder on the same CPU run and release the lock.
 * A waiter is not queued, so the lock is not fair, and a nap adds up to
 * RT_MUTEX_NAP_NS of latency under heavy contention; it suits short
 * critical sections such as the heap's.
 *
 * Not recursive: a thread that takes a mutex it holds waits for ever.
 * Usable from any user thread; not from a signal-like context that
 * interrupted the holder (Cairn has none).
 */
#ifndef CAIRN_RT_MUTEX_H
#define CAIRN_RT_MUTEX_H

#include <stdbool.h>
#include <stdint.h>

struct rt_mutex {
    uint32_t locked; /* 1 while held; changed only with atomic operations */
};

#define RT_MUTEX_INIT                                                                              \
    {                                                                                              \
        0                                                                                          \
    }
#define RT_MUTEX_NAP_NS 50000

/* Takes m, waiting as described above. */
void rt_mutex_lock(struct rt_mutex *m);

/* Takes m if it is free; false (and nothing held) if it is not. */
bool rt_mutex_trylock(struct rt_mutex *m);

/* Releases m, which the calling thread holds. */
void rt_mutex_unlock(struct rt_mutex *m);

#endif
