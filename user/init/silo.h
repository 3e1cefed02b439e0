/*
 * silo.h - init's view of the silos it runs: each one's manifest, its
 * state, its process, its namespace and its restart bookkeeping.
 *
 * init is one thread; nothing here is shared.
 */
#ifndef CAIRN_INIT_SILO_H
#define CAIRN_INIT_SILO_H

#include <cairn/handle.h>
#include <manifest/manifest.h>
#include <stdbool.h>
#include <stdint.h>

#define NAMESERVER_SILO "nameserver" /* the silo that serves the namespaces */

enum silo_state {
    SILO_DOWN = 0,    /* not running, no restart pending */
    SILO_RUNNING = 1, /* its process runs */
    SILO_PENDING = 2, /* waiting for its restart deadline */
};

struct silo {
    struct manifest m;
    enum silo_state state;
    cairn_handle_t process;  /* while RUNNING */
    cairn_handle_t thread;   /* its main thread, while RUNNING (the tests' stop=) */
    uint32_t pid;            /* the kernel's process id, for the log */
    uint32_t ns;             /* its namespace id while RUNNING; 0 for the nameserver */
    cairn_handle_t endpoint; /* the endpoint it serves (provides schemes), kept across restarts */
    unsigned restarts;       /* restarts made so far */
    uint64_t restart_at;     /* clock_get time of the restart, while PENDING */
    uint64_t ended_at;       /* clock_get time init saw its last run end */
    unsigned bit;            /* its bit in init's watch notification */
};

/* The boot set, in start order (main.c). */
extern struct silo silos[];
extern unsigned silo_count;

/* The nameserver's endpoint and init's own handle to it (badge NS_ROOT). */
extern cairn_handle_t nameserver_endpoint;
extern cairn_handle_t nameserver_admin;

/* The notification the process watches signal (bit silo->bit). */
extern cairn_handle_t silo_watch;

bool silo_is_nameserver(const struct silo *s);

/* Whether the nameserver runs, so that init may call it (a call to it
 * while it is down would wait until it is back). */
bool silo_nameserver_up(void);

/* Starts s: its namespace, its process with exactly the capabilities of
 * its manifest, the watch. Logs "init: started NAME pid N" or why not.
 * Returns 0 or the error. */
long silo_start(struct silo *s);

/* Starts s again, its restart deadline come, and logs "init: restarted
 * NAME after N ms", the time since init saw it end; a start that fails
 * is handled as a run that failed (its policy may try again later). */
void silo_restart(struct silo *s);

/* Handles the end of s's process (its watch bit came): logs how it ended,
 * removes its namespace, and applies its restart policy. */
void silo_ended(struct silo *s);

/* Makes s's namespace (a new id in s->ns) as its manifest says - its
 * schemes whole, its mounts with their modes, the schemes it may
 * provide - and the handle it reaches the nameserver with (init's, to
 * hand on and close). Returns 0 or the error, logged. */
long silo_namespace_make(struct silo *s, cairn_handle_t *client);

/* Removes s's namespace, if it has one and the nameserver runs. */
void silo_namespace_remove(struct silo *s);

/* Makes the namespaces of the running silos again, with their ids, and
 * registers the schemes they provide, after the nameserver has been
 * restarted with none. */
void silo_replay_namespaces(void);

/* Writes a line of init's to the console at once (init does not depend
 * on the log service it supervises) and queues it for the log service
 * (lines.h). */
void init_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
