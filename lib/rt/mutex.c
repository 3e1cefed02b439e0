/*
 * mutex.c - the spin, yield, nap lock (see rt/mutex.h for the choice).
 */
#include <cairn/syscalls.h>
#include <rt/mutex.h>

#define SPINS  100 /* pause-and-look rounds before the first yield */
#define YIELDS 20  /* yields before the thread starts to nap */

bool rt_mutex_trylock(struct rt_mutex *m)
{
    return __atomic_load_n(&m->locked, __ATOMIC_RELAXED) == 0 &&
           __atomic_exchange_n(&m->locked, 1, __ATOMIC_ACQUIRE) == 0;
}

void rt_mutex_lock(struct rt_mutex *m)
{
    for (unsigned tries = 0; !rt_mutex_trylock(m); tries++) {
        if (tries < SPINS)
            __builtin_ia32_pause();
        else if (tries < SPINS + YIELDS)
            cairn_yield();
        else
            cairn_sleep(RT_MUTEX_NAP_NS);
    }
}

void rt_mutex_unlock(struct rt_mutex *m)
{
    __atomic_store_n(&m->locked, 0, __ATOMIC_RELEASE);
}
