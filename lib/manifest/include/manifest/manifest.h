/*
 * manifest/manifest.h - silo manifests: the text that says how to start a
 * service or a user program (docs/manifest.md describes the format).
 *
 * The parser is pure: no system calls, no allocation, no global state, so it
 * runs in init and on the host (tests, fuzzing) alike, and may be called
 * from several threads at once on different outputs. Every field of
 * struct manifest has a fixed bound given below; text that would exceed one
 * is an error, never truncated.
 */
#ifndef CAIRN_MANIFEST_MANIFEST_H
#define CAIRN_MANIFEST_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest manifest text, in bytes. */
#define MANIFEST_TEXT_MAX 65536u

/* Longest values, in bytes, without the terminating NUL. */
#define MANIFEST_NAME_MAX    31  /* name, depends items: as CAIRN_PROCESS_NAME_MAX */
#define MANIFEST_SCHEME_MAX  15  /* schemes, provides items, a mount's scheme */
#define MANIFEST_PATH_MAX    127 /* program, mount paths (scheme:/path) */
#define MANIFEST_ARG_MAX     127 /* one arg */
#define MANIFEST_ENV_MAX     127 /* one env entry, NAME=VALUE */
#define MANIFEST_MESSAGE_MAX 127 /* an error message */

/* Most items of each list. */
#define MANIFEST_ARGS_MAX     16
#define MANIFEST_ENVS_MAX     16
#define MANIFEST_SCHEMES_MAX  16
#define MANIFEST_MOUNTS_MAX   16
#define MANIFEST_PROVIDES_MAX 8
#define MANIFEST_DEPENDS_MAX  16

/* Limits and defaults of the numeric keys. */
#define MANIFEST_MEMORY_MIN                   0x10000ull      /* 64K */
#define MANIFEST_MEMORY_MAX                   0x1000000000ull /* 64G */
#define MANIFEST_MEMORY_DEFAULT               0x400000ull     /* 4M */
#define MANIFEST_PRIORITY_MAX                 63
#define MANIFEST_PRIORITY_DEFAULT             32
#define MANIFEST_CPU_MAX                      63          /* highest CPU index for affinity */
#define MANIFEST_AFFINITY_ANY                 0xffffffffu /* == CAIRN_AFFINITY_ANY */
#define MANIFEST_DELAY_MIN_MS                 1u
#define MANIFEST_DELAY_MAX_MS                 3600000u /* 1 hour */
#define MANIFEST_RESTART_DELAY_DEFAULT_MS     100u
#define MANIFEST_RESTART_MAX_DELAY_DEFAULT_MS 30000u
#define MANIFEST_RESTART_LIMIT_MAX            1000u
#define MANIFEST_RESTART_LIMIT_DEFAULT        5u
#define MANIFEST_RESTART_UNLIMITED            0xffffffffu /* restart_limit = unlimited */

enum manifest_restart {
    MANIFEST_RESTART_NEVER = 0,      /* never restarted */
    MANIFEST_RESTART_ON_FAILURE = 1, /* restarted when it faults, is killed or exits non-zero */
    MANIFEST_RESTART_ALWAYS = 2,     /* restarted whenever it ends */
};

/* How a mount relates to the parent's view of the same path. */
enum manifest_mount_mode {
    MANIFEST_MOUNT_INHERIT = 0,   /* the parent's binding, shared: later changes seen by both */
    MANIFEST_MOUNT_PRIVATE = 1,   /* a copy of the parent's binding, independent from start */
    MANIFEST_MOUNT_READ_ONLY = 2, /* the parent's binding, shared, but reached read-only */
};

/*
 * The capabilities a manifest can grant, by name (the table in manifest.c
 * is the one list of names: manifest_cap_name / manifest_cap_lookup). A
 * name not in it is an error. Values index the manifest's caps bit set;
 * append only.
 */
enum manifest_cap {
    MANIFEST_CAP_IRQ_CONTROL = 0,    /* "irq_control" */
    MANIFEST_CAP_IOPORT_CONTROL = 1, /* "ioport_control" */
    MANIFEST_CAP_DEVICE_MEMORY = 2,  /* "device_memory" */
    MANIFEST_CAP_INITRD = 3,         /* "initrd" */
    MANIFEST_CAP_KERNEL_LOG = 4,     /* "kernel_log" */
    MANIFEST_CAP_COUNT = 5,
};

struct manifest_mount {
    char path[MANIFEST_PATH_MAX + 1]; /* "scheme:" or "scheme:/a/b", normalised */
    enum manifest_mount_mode mode;
};

/* A parsed manifest: every string NUL-terminated, every count within its bound. */
struct manifest {
    char name[MANIFEST_NAME_MAX + 1];
    char program[MANIFEST_PATH_MAX + 1];                /* path in the initrd; argv[0] */
    char args[MANIFEST_ARGS_MAX][MANIFEST_ARG_MAX + 1]; /* argv[1..] in order */
    unsigned arg_count;
    char env[MANIFEST_ENVS_MAX][MANIFEST_ENV_MAX + 1]; /* "NAME=VALUE", names distinct */
    unsigned env_count;
    uint64_t caps; /* bit (1ull << enum manifest_cap) per capability granted */
    /* Per capability, the CAIRN_RIGHT_* it is narrowed to ("initrd(read|map)"),
     * never 0 when named; 0 when no rights list was given: as init holds it. */
    uint32_t cap_rights[MANIFEST_CAP_COUNT];
    char schemes[MANIFEST_SCHEMES_MAX][MANIFEST_SCHEME_MAX + 1]; /* granted whole */
    unsigned scheme_count;
    struct manifest_mount mounts[MANIFEST_MOUNTS_MAX];
    unsigned mount_count;
    char provides[MANIFEST_PROVIDES_MAX][MANIFEST_SCHEME_MAX + 1]; /* registered */
    unsigned provide_count;
    char depends[MANIFEST_DEPENDS_MAX][MANIFEST_NAME_MAX + 1]; /* silos up first */
    unsigned depend_count;
    uint64_t memory;   /* quota in bytes: a multiple of 4096 */
    uint32_t priority; /* 0 .. MANIFEST_PRIORITY_MAX */
    uint32_t affinity; /* a CPU index, or MANIFEST_AFFINITY_ANY */
    enum manifest_restart restart;
    uint32_t restart_delay_ms;     /* first back-off delay */
    uint32_t restart_max_delay_ms; /* back-off cap, >= restart_delay_ms */
    uint32_t restart_limit;        /* restarts before giving up, or MANIFEST_RESTART_UNLIMITED */
};

/* Where and why parsing failed. */
struct manifest_error {
    uint32_t line;   /* 1-based; for a missing key, the last line */
    uint32_t column; /* 1-based byte column of the offending text, or 0 if not meaningful */
    char message[MANIFEST_MESSAGE_MAX + 1];
};

/*
 * Parses len bytes of text (need not be NUL-terminated) into *out. Returns 0
 * with *out filled (defaults for absent keys), or -1 with *err filled; *out
 * is then unspecified. out and err must not be NULL; text may be NULL only
 * when len is 0.
 */
int manifest_parse(const char *text, size_t len, struct manifest *out, struct manifest_error *err);

/*
 * Formats err as "FILE:LINE: message" into buf of size bytes, always
 * NUL-terminated when size > 0. Returns the untruncated length, as snprintf.
 */
int manifest_error_format(const char *file, const struct manifest_error *err, char *buf,
                          size_t size);

/* The name of capability cap ("irq_control"), or NULL when cap is unknown. */
const char *manifest_cap_name(enum manifest_cap cap);

/* The capability called name[0..len), or -1 when no capability has that name. */
int manifest_cap_lookup(const char *name, size_t len);

/* Whether m provides scheme (its `provides` list names it). */
bool manifest_provides(const struct manifest *m, const char *scheme);

/* The name of a restart policy ("on-failure") or mount mode ("read-only"). */
const char *manifest_restart_name(enum manifest_restart restart);
const char *manifest_mount_mode_name(enum manifest_mount_mode mode);

#endif
