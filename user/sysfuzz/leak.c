/*
 * leak.c - the memory check at the end of a run (see leak.h).
 */
#include "leak.h"
#include <rt/rt.h>

#define MS      1000000ull
#define WAIT_MS 5000

/* The heap keeps an empty slab per size class for reuse, so free frames
 * alone move with its caching: a frame leak shows in the frames neither
 * free nor held by the heap, a heap leak in the heap's bytes in use. */
static uint64_t frames_in_use(const struct cairn_system_info *s)
{
    return s->frames_total - s->frames_free - s->heap_pages;
}

static bool same_memory(const struct cairn_system_info *a, const struct cairn_system_info *b)
{
    return frames_in_use(a) == frames_in_use(b) && a->heap_bytes == b->heap_bytes;
}

bool leak_check(const struct cairn_system_info *before)
{
    struct cairn_system_info now;
    for (int waited = 0; waited <= WAIT_MS; waited++) {
        cairn_system_info(&now);
        if (same_memory(&now, before)) {
            rt_printf("sysfuzz: no leak (memory back after %d ms)\n", waited);
            return true;
        }
        cairn_sleep(MS);
    }
    rt_printf("sysfuzz: LEAK: frames in use outside the heap %llu -> %llu, heap bytes %llu -> "
              "%llu\n",
              (unsigned long long)frames_in_use(before), (unsigned long long)frames_in_use(&now),
              (unsigned long long)before->heap_bytes, (unsigned long long)now.heap_bytes);
    return false;
}
