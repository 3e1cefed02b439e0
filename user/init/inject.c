/*
 * inject.c - killing silos on purpose, for the tests (see inject.h).
 */
#include "inject.h"
#include "silo.h"
#include <cairn/process.h>
#include <rt/rt.h>
#include <stdlib.h>
#include <string.h>

struct kill {
    enum inject_kind kind;
    char name[MANIFEST_NAME_MAX + 1];
    uint64_t after_ms;
    uint64_t at; /* UINT64_MAX: not armed, or done */
};

static struct kill kills[INJECT_MAX];
static unsigned kill_count;

bool inject_add(const char *spec, enum inject_kind kind)
{
    const char *at = strchr(spec, '@');
    char *end;
    if (!at || at == spec || (size_t)(at - spec) > MANIFEST_NAME_MAX || kill_count == INJECT_MAX)
        return false;
    unsigned long ms = strtoul(at + 1, &end, 10);
    if (end == at + 1 || *end != '\0')
        return false;
    struct kill *k = &kills[kill_count++];
    k->kind = kind;
    memcpy(k->name, spec, (size_t)(at - spec));
    k->name[at - spec] = '\0';
    k->after_ms = ms;
    k->at = UINT64_MAX;
    return true;
}

void inject_arm(uint64_t now)
{
    for (unsigned i = 0; i < kill_count; i++)
        kills[i].at = now + kills[i].after_ms * 1000000;
}

uint64_t inject_next(void)
{
    uint64_t at = UINT64_MAX;
    for (unsigned i = 0; i < kill_count; i++) {
        if (kills[i].at < at)
            at = kills[i].at;
    }
    return at;
}

static struct silo *silo_named(const char *name)
{
    for (unsigned i = 0; i < silo_count; i++) {
        if (strcmp(silos[i].m.name, name) == 0)
            return &silos[i];
    }
    return NULL;
}

void inject_due(uint64_t now)
{
    for (unsigned i = 0; i < kill_count; i++) {
        struct kill *k = &kills[i];
        if (k->at > now)
            continue;
        k->at = UINT64_MAX;
        struct silo *s = silo_named(k->name);
        bool stop = k->kind == INJECT_STOP;
        if (!s || s->state != SILO_RUNNING) {
            init_log("init: test: no silo %s running to %s", k->name, stop ? "stop" : "kill");
            continue;
        }
        init_log("init: test: %s %s", stop ? "stopping" : "killing", k->name);
        if (stop)
            cairn_thread_control(s->thread, CAIRN_THREAD_SUSPEND, 0);
        else
            cairn_process_kill(s->process);
    }
}
