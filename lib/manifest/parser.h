/*
 * parser.h - what the parts of the manifest parser share (private to
 * lib/manifest): the parser state, the key table that keys.c defines and
 * manifest.c reads lines with, the error reporter and text helpers.
 */
#ifndef CAIRN_LIB_MANIFEST_PARSER_H
#define CAIRN_LIB_MANIFEST_PARSER_H

#include <manifest/manifest.h>

#include <lib/string.h>
#include <stdbool.h>

struct parser;

/* How a key takes its value. */
enum key_shape {
    KEY_SINGLE, /* at most once per manifest */
    KEY_ITEM,   /* may repeat: one item per line, the value taken verbatim */
    KEY_LIST,   /* may repeat: comma-separated items */
};

struct key {
    const char *name;
    enum key_shape shape;
    /* Reads one value (KEY_SINGLE) or one item: [at, at+len), trimmed, not empty. */
    int (*parse)(struct parser *p, const char *at, size_t len);
};

enum key_id {
    K_NAME,
    K_PROGRAM,
    K_ARG,
    K_ENV,
    K_CAPABILITIES,
    K_SCHEMES,
    K_MOUNT,
    K_PROVIDES,
    K_DEPENDS,
    K_MEMORY,
    K_PRIORITY,
    K_AFFINITY,
    K_RESTART,
    K_RESTART_DELAY,
    K_RESTART_MAX_DELAY,
    K_RESTART_LIMIT,
    KEY_COUNT
};

struct parser {
    struct manifest *m;
    struct manifest_error *err;
    const char *line_start;   /* the current line, for columns */
    uint32_t line;            /* the current line number, 1-based */
    const struct key *key;    /* the key of the current line */
    uint32_t seen[KEY_COUNT]; /* the line each key first appeared on, or 0 */
};

/* The keys, indexed by enum key_id (keys.c). */
extern const struct key manifest_keys[KEY_COUNT];

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Fills *p->err for the current line, with the column of at (0 when at is
 * NULL) and the formatted message. Returns -1, for `return manifest_fail(...)`.
 */
__attribute__((format(printf, 3, 4))) int manifest_fail(struct parser *p, const char *at,
                                                        const char *fmt, ...);

/* Longest piece of input text quoted in a message, so the message keeps its end. */
#define QUOTE_MAX 40

static inline int quote_len(size_t len)
{
    return len > QUOTE_MAX ? QUOTE_MAX : (int)len;
}

static inline bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

static inline bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static inline bool is_lower(char c)
{
    return c >= 'a' && c <= 'z';
}

static inline bool is_alpha(char c)
{
    return is_lower(c) || (c >= 'A' && c <= 'Z');
}

static inline void trim(const char **s, size_t *len)
{
    while (*len > 0 && is_space((*s)[0])) {
        (*s)++;
        (*len)--;
    }
    while (*len > 0 && is_space((*s)[*len - 1]))
        (*len)--;
}

static inline const char *find_char(const char *s, size_t len, char c)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == c)
            return s + i;
    }
    return NULL;
}

/* Whether [s, s+len) is exactly the NUL-terminated word. */
static inline bool equals(const char *s, size_t len, const char *word)
{
    return strlen(word) == len && memcmp(s, word, len) == 0;
}

static inline void copy(char *dst, const char *s, size_t len)
{
    memcpy(dst, s, len);
    dst[len] = '\0';
}

#endif
