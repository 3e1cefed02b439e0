/*
 * start.c - starting a silo with exactly what its manifest names, and
 * handling its end (see silo.h).
 */
#include "initrd.h"
#include "silo.h"
#include "supervise.h"
#include <cairn/process.h>
#include <cairn/startup.h>
#include <rt/error.h>
#include <rt/rt.h>
#include <spawn/spawn.h>
#include <string.h>

#define CLIENT_RIGHTS (CAIRN_RIGHT_SIGNAL)
#define ENDPOINT_RIGHTS                                                                            \
    (CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_WAIT | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER)

bool silo_is_nameserver(const struct silo *s)
{
    return strcmp(s->m.name, NAMESERVER_SILO) == 0;
}

bool silo_nameserver_up(void)
{
    for (unsigned i = 0; i < silo_count; i++) {
        if (silo_is_nameserver(&silos[i]))
            return silos[i].state == SILO_RUNNING;
    }
    return false;
}

/* The initial capabilities s's manifest names, as init holds them or
 * narrowed to the manifest's rights list: their count, or ACCESS_DENIED
 * (logged) when the list names a right init's own handle lacks. */
static long manifest_caps(const struct silo *s, struct spawn_handle *caps)
{
    static const struct {
        enum manifest_cap cap;
        uint64_t key;
    } table[] = {
        {MANIFEST_CAP_IRQ_CONTROL, CAIRN_AT_IRQ_CONTROL},
        {MANIFEST_CAP_IOPORT_CONTROL, CAIRN_AT_IOPORT_CONTROL},
        {MANIFEST_CAP_DEVICE_MEMORY, CAIRN_AT_DEVICE_MEMORY},
        {MANIFEST_CAP_INITRD, CAIRN_AT_INITRD},
        {MANIFEST_CAP_KERNEL_LOG, CAIRN_AT_KERNEL_LOG},
    };
    _Static_assert(sizeof(table) / sizeof(table[0]) == MANIFEST_CAP_COUNT,
                   "init hands on every capability a manifest can name");
    unsigned n = 0;
    for (unsigned i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if (!(s->m.caps & (1ull << table[i].cap)))
            continue;
        cairn_handle_t h = rt_startup_handle(table[i].key);
        struct cairn_handle_info info = {0};
        if (!h || cairn_handle_info(h, &info) < 0)
            continue; /* init was not given it either */
        uint32_t want = s->m.cap_rights[table[i].cap];
        if (want & ~info.rights) {
            init_log("init: %s: capability %s asks for rights 0x%x; init holds only 0x%x",
                     s->m.name, manifest_cap_name(table[i].cap), (unsigned)want,
                     (unsigned)info.rights);
            return -CAIRN_E_ACCESS_DENIED;
        }
        caps[n++] = (struct spawn_handle){h, want ? want : info.rights, table[i].key};
    }
    return n;
}

/* Collects what s is given: its nameserver handle, its service endpoint,
 * the capabilities its manifest names; nothing else. */
static long silo_caps(struct silo *s, struct spawn_handle *caps, unsigned *n,
                      cairn_handle_t *client)
{
    *n = 0;
    *client = CAIRN_HANDLE_NONE;
    if (silo_is_nameserver(s) || s->m.provide_count) {
        if (!s->endpoint) {
            long ep = silo_is_nameserver(s) ? (long)nameserver_endpoint : cairn_endpoint_create();
            if (ep < 0)
                return ep;
            s->endpoint = (cairn_handle_t)ep;
        }
        caps[(*n)++] =
            (struct spawn_handle){s->endpoint, ENDPOINT_RIGHTS, CAIRN_AT_SERVICE_ENDPOINT};
    }
    if (!silo_is_nameserver(s)) {
        long err = silo_namespace_make(s, client);
        if (err < 0)
            return err;
        caps[(*n)++] = (struct spawn_handle){*client, CLIENT_RIGHTS, CAIRN_AT_NAMESERVER};
    }
    long granted = manifest_caps(s, caps + *n);
    if (granted < 0)
        return granted;
    *n += (unsigned)granted;
    return 0;
}

/* Starts s's program with exactly the handles caps[0..n) (and the
 * ramdisk's size beside the ramdisk): its process in s->process. */
static long silo_spawn(struct silo *s, const struct spawn_handle *caps, unsigned n)
{
    char *argv[MANIFEST_ARGS_MAX + 1], *envp[MANIFEST_ENVS_MAX];
    struct spawn_aux size = {CAIRN_AT_INITRD_SIZE, 0};
    struct spawn_result r;
    argv[0] = s->m.program;
    for (unsigned i = 0; i < s->m.arg_count; i++)
        argv[i + 1] = s->m.args[i];
    for (unsigned i = 0; i < s->m.env_count; i++)
        envp[i] = s->m.env[i];
    bool initrd = s->m.caps & (1ull << MANIFEST_CAP_INITRD);
    if (initrd && !rt_startup_value(CAIRN_AT_INITRD_SIZE, &size.value))
        init_log("init: %s: the kernel passed no initrd size; its initrd reads as empty",
                 s->m.name);
    struct spawn_params p = {
        .path = s->m.program,
        .name = s->m.name,
        .argc = (int)s->m.arg_count + 1,
        .argv = argv,
        .envc = (int)s->m.env_count,
        .envp = envp,
        .handles = caps,
        .nhandles = n,
        .values = &size,
        .nvalues = initrd ? 1 : 0,
        .quota = s->m.memory,
        .priority = s->m.priority,
        .affinity = s->m.affinity,
    };
    p.initrd = initrd_archive(&p.initrd_size);
    long err = spawn_program(&p, &r);
    if (err < 0)
        return err;
    s->process = r.process;
    s->thread = r.thread;
    return 0;
}

/* Closes the handles of s's process and main thread. */
static void silo_handles_close(struct silo *s)
{
    if (s->process)
        cairn_handle_close(s->process);
    if (s->thread)
        cairn_handle_close(s->thread);
    s->process = CAIRN_HANDLE_NONE;
    s->thread = CAIRN_HANDLE_NONE;
}

/* Undoes what a failed start made. */
static void start_undo(struct silo *s)
{
    if (s->process)
        cairn_process_kill(s->process);
    silo_handles_close(s);
    silo_namespace_remove(s);
    s->state = SILO_DOWN;
}

long silo_start(struct silo *s)
{
    struct spawn_handle caps[2 + MANIFEST_CAP_COUNT]; /* nameserver, endpoint, manifest's */
    struct cairn_process_info info = {0};
    cairn_handle_t client;
    unsigned n;
    long err = silo_caps(s, caps, &n, &client);
    if (err == 0)
        err = silo_spawn(s, caps, n);
    if (client)
        cairn_handle_close(client);
    if (err == 0)
        err = cairn_process_watch(s->process, silo_watch, 1ull << s->bit);
    if (err == 0)
        err = cairn_process_info(s->process, &info);
    if (err < 0) {
        init_log("init: cannot start %s (error %ld, %s)", s->m.name, err, rt_error_name(err));
        start_undo(s);
        return err;
    }
    s->pid = info.id;
    s->state = SILO_RUNNING;
    init_log("init: started %s pid %u", s->m.name, s->pid);
    return 0;
}

/* s will not run again: its clients' calls must fail, not wait for ever.
 * Every other handle to its endpoint derives from init's (the silo's own,
 * granted at start; the nameserver's, copied by provide; each client's,
 * copied from the nameserver's), so revoking init's and closing it ends
 * the endpoint's last handle: calls queued on it and later ones fail with
 * PEER_DEAD (kernel.md, IPC ends). The nameserver's endpoint stays: init
 * reaches the nameserver through a handle minted from it. */
static void silo_endpoint_end(struct silo *s)
{
    if (!s->endpoint || silo_is_nameserver(s))
        return;
    cairn_handle_revoke(s->endpoint);
    cairn_handle_close(s->endpoint);
    s->endpoint = CAIRN_HANDLE_NONE;
}

/* Applies s's restart policy after it ended with reason and status. */
static void silo_decide(struct silo *s, uint32_t reason, int64_t status)
{
    uint32_t delay;
    switch (supervise_decide(&s->m, s->restarts, reason, status, &delay)) {
    case SUPERVISE_RESTART:
        init_log("init: restarting %s in %u ms", s->m.name, delay);
        s->state = SILO_PENDING;
        s->restart_at = (uint64_t)cairn_clock_get() + (uint64_t)delay * 1000000;
        break;
    case SUPERVISE_GIVE_UP:
        init_log("init: giving up on %s after %u restarts", s->m.name, s->restarts);
        silo_endpoint_end(s);
        break;
    case SUPERVISE_STAY_DOWN:
        init_log("init: %s stays down (restart = %s)", s->m.name,
                 manifest_restart_name(s->m.restart));
        silo_endpoint_end(s);
        break;
    }
}

void silo_ended(struct silo *s)
{
    struct cairn_process_info info = {0};
    char reason[32];
    if (s->state != SILO_RUNNING)
        return;
    s->ended_at = (uint64_t)cairn_clock_get();
    long err = cairn_process_info(s->process, &info);
    if (err < 0) {
        /* Cannot happen with init's own handle; if it does, count the run
         * as failed rather than as a clean exit the policy would accept. */
        init_log("init: %s: process_info failed (%ld); counting it as a failure", s->m.name, err);
        info.exit_reason = CAIRN_EXIT_FAULTED;
    }
    silo_handles_close(s);
    s->state = SILO_DOWN;
    supervise_reason(info.exit_reason, info.exit_status, reason, sizeof(reason));
    init_log("init: %s exited (%s)", s->m.name, reason);
    silo_namespace_remove(s);
    silo_decide(s, info.exit_reason, info.exit_status);
}

void silo_restart(struct silo *s)
{
    uint64_t waited = (uint64_t)cairn_clock_get() - s->ended_at;
    s->restarts++;
    /* A restart that cannot even start counts as a run that failed, so
     * the policy tries again later or gives up. */
    if (silo_start(s) < 0) {
        s->ended_at = (uint64_t)cairn_clock_get();
        silo_decide(s, CAIRN_EXIT_STATUS, 1);
        return;
    }
    init_log("init: restarted %s after %llu ms", s->m.name, (unsigned long long)(waited / 1000000));
}
