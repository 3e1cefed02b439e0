/*
 * hostile.c - a client that sends the log service and the nameserver
 * malformed messages of every kind the IDL runtime must refuse (another
 * interface, an unknown method, a payload shorter or longer than its
 * lengths say, a length over its bound, a string without its NUL or with
 * one inside, an enum value not listed, capabilities missing, unexpected,
 * of the wrong type or without the rights, a message that differs from a
 * well-formed one only by a byte that is not 0 where nothing travels:
 * alignment padding or a register after the payload), resolves whose
 * reply (a moved handle) the client has no IPC buffer to take, then a run
 * of random ones. Each must come back with an error, and after each the
 * services must still answer well-formed requests.
 */
#include "svctest.h"
#include <cairn/ipc.h>
#include <idl/log.h>
#include <idl/nameserver.h>
#include <rt/ipc.h>
#include <rt/rt.h>
#include <string.h>
#include <svc/svc.h>

#define H            "hostile"
#define RANDOM_RUNS  300
#define UNTAKEN_RUNS 5000 /* more handles than the nameserver's quota (1M) lets it hold: 4093 */

/* A hand-made message: the first IDL_REG_BYTES of bytes travel in the
 * registers whatever len says (a sender may put anything there), the rest
 * of the payload in the IPC buffer. */
struct raw {
    uint32_t label;
    uint8_t bytes[IDL_MAX_PAYLOAD];
    uint32_t len;           /* payload bytes */
    cairn_handle_t caps[4]; /* copied, not moved */
    unsigned cap_count;
};

static cairn_handle_t log_ep;
static unsigned rejected;

/* Sends r and returns the reply's status (or the call's own error). */
static long raw_call(cairn_handle_t ep, const struct raw *r)
{
    struct cairn_ipc_buffer *buf = svc_ipc_buffer();
    struct cairn_msg msg = {0};
    uint32_t in_regs = r->len < IDL_REG_BYTES ? r->len : IDL_REG_BYTES;
    memcpy(msg.words, r->bytes, IDL_REG_BYTES);
    memcpy(buf->data, r->bytes + in_regs, r->len - in_regs);
    for (unsigned i = 0; i < r->cap_count; i++)
        buf->caps[i] = r->caps[i];
    msg.info = CAIRN_MSGINFO_MAKE(r->label, r->len - in_regs, r->cap_count);
    long err = rt_ipc_call(ep, &msg);
    if (err < 0)
        return err;
    for (unsigned i = 0; i < CAIRN_MSGINFO_CAPS(msg.info); i++)
        cairn_handle_close(buf->caps[i]);
    return (int32_t)CAIRN_MSGINFO_LABEL(msg.info);
}

/* Both services still answer well-formed requests. */
static void still_serving(const char *after)
{
    cairn_handle_t h;
    check(H, after, log_write(log_ep, LOG_LEVEL_DEBUG, "svctest: hostile: still there?"), 0);
    check(H, after, svc_resolve("log:", &h), 0);
    cairn_handle_close(h);
}

/* Sends r to ep: the reply must be the error `expected`. */
static void refused(cairn_handle_t ep, const struct raw *r, const char *what, long expected)
{
    if (check(H, what, raw_call(ep, r), expected))
        rejected++;
    still_serving(what);
}

/* A well-formed log write of text: lvl at 0, the text's length at 4, the
 * text and its NUL after the fixed part (idl/idl.h, the wire format). */
static void log_write_raw(struct raw *r, uint32_t lvl, const char *text)
{
    const struct idl_struct *in = &log_interface.methods[0].in;
    uint16_t n = (uint16_t)strlen(text);
    memset(r, 0, sizeof(*r));
    r->label = IDL_LABEL(LOG_ID, LOG_WRITE);
    memcpy(r->bytes, &lvl, 4);
    memcpy(r->bytes + 4, &n, 2);
    memcpy(r->bytes + in->fixed, text, n + 1u);
    r->len = in->fixed + n + 1u;
}

static void hostile_log(void)
{
    static struct raw r;
    const char *text = "svctest: hostile: a well-formed line sent by hand";
    log_write_raw(&r, LOG_LEVEL_INFO, text);
    check(H, "the hand-made message is well formed", raw_call(log_ep, &r), 0);

    log_write_raw(&r, LOG_LEVEL_INFO, text);
    r.label = IDL_LABEL(LOG_ID ^ 0x5a5a5a, LOG_WRITE);
    refused(log_ep, &r, "another interface", -CAIRN_E_NOT_SUPPORTED);
    r.label = IDL_LABEL(LOG_ID, 99);
    refused(log_ep, &r, "an unknown method", -CAIRN_E_NOT_SUPPORTED);
    r.label = IDL_LABEL(LOG_ID, 0);
    refused(log_ep, &r, "method 0", -CAIRN_E_NOT_SUPPORTED);

    log_write_raw(&r, 77, text);
    refused(log_ep, &r, "an enum value not listed", -CAIRN_E_INVALID_ARGUMENT);
    log_write_raw(&r, 0xffffffffu, text);
    refused(log_ep, &r, "an enum value of -1", -CAIRN_E_INVALID_ARGUMENT);

    log_write_raw(&r, LOG_LEVEL_INFO, text);
    uint16_t over = 300;
    memcpy(r.bytes + 4, &over, 2);
    refused(log_ep, &r, "a length over the bound", -CAIRN_E_INVALID_ARGUMENT);

    log_write_raw(&r, LOG_LEVEL_INFO, text);
    r.len -= 20;
    refused(log_ep, &r, "a payload shorter than its lengths", -CAIRN_E_INVALID_ARGUMENT);
    log_write_raw(&r, LOG_LEVEL_INFO, text);
    r.len += 40;
    refused(log_ep, &r, "a payload longer than its lengths", -CAIRN_E_INVALID_ARGUMENT);

    log_write_raw(&r, LOG_LEVEL_INFO, text);
    r.bytes[r.len - 1] = 'x';
    refused(log_ep, &r, "a string without its NUL", -CAIRN_E_INVALID_ARGUMENT);
    log_write_raw(&r, LOG_LEVEL_INFO, text);
    r.bytes[log_interface.methods[0].in.fixed + 3] = 0;
    refused(log_ep, &r, "a string with a NUL inside", -CAIRN_E_INVALID_ARGUMENT);

    log_write_raw(&r, LOG_LEVEL_INFO, text);
    long n = cairn_notification_create();
    r.caps[0] = (cairn_handle_t)n;
    r.cap_count = 1;
    refused(log_ep, &r, "an unexpected capability", -CAIRN_E_INVALID_ARGUMENT);
    cairn_handle_close((cairn_handle_t)n);

    memset(&r, 0xff, sizeof(r));
    r.label = IDL_LABEL(LOG_ID, LOG_WRITE);
    r.len = CAIRN_IPC_MAX_BYTES + IDL_REG_BYTES;
    r.cap_count = 0;
    refused(log_ep, &r, "a whole page of 0xff", -CAIRN_E_INVALID_ARGUMENT);
}

/* nameserver provide(string<15> scheme, cap service): the scheme's
 * length at 0, the scheme after the fixed part. */
static void provide_raw(struct raw *r, cairn_handle_t cap, unsigned caps)
{
    const struct idl_struct *in = &nameserver_interface.methods[1].in;
    uint16_t n = 3;
    memset(r, 0, sizeof(*r));
    r->label = IDL_LABEL(NAMESERVER_ID, NAMESERVER_PROVIDE);
    memcpy(r->bytes, &n, 2);
    memcpy(r->bytes + in->fixed, "xyz", 4);
    r->len = in->fixed + 4;
    r->caps[0] = cap;
    r->cap_count = caps;
}

static void hostile_nameserver(void)
{
    static struct raw r;
    cairn_handle_t ns = svc_nameserver();
    long note = cairn_notification_create();
    long ep = cairn_endpoint_create();
    long weak =
        cairn_handle_duplicate((cairn_handle_t)ep, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_TRANSFER);
    provide_raw(&r, (cairn_handle_t)note, 1);
    refused(ns, &r, "a capability of the wrong type", -CAIRN_E_WRONG_TYPE);
    provide_raw(&r, (cairn_handle_t)weak, 1);
    refused(ns, &r, "a capability without the rights", -CAIRN_E_ACCESS_DENIED);
    provide_raw(&r, 0, 0);
    refused(ns, &r, "a missing capability", -CAIRN_E_INVALID_ARGUMENT);
    provide_raw(&r, (cairn_handle_t)ep, 1);
    refused(ns, &r, "a scheme this silo may not provide", -CAIRN_E_ACCESS_DENIED);
    memset(&r, 0, sizeof(r));
    r.label = IDL_LABEL(NAMESERVER_ID, NAMESERVER_RESOLVE);
    uint16_t len = 200;
    memcpy(r.bytes, &len, 2);
    r.len = nameserver_interface.methods[0].in.fixed + 201;
    memset(r.bytes + nameserver_interface.methods[0].in.fixed, 'a', 200);
    refused(ns, &r, "a path over its bound", -CAIRN_E_INVALID_ARGUMENT);
    memset(&r, 0, sizeof(r));
    r.label = IDL_LABEL(NAMESERVER_ID, 200);
    refused(ns, &r, "an unknown nameserver method", -CAIRN_E_NOT_SUPPORTED);
    cairn_handle_close((cairn_handle_t)weak);
    cairn_handle_close((cairn_handle_t)ep);
    cairn_handle_close((cairn_handle_t)note);
}

/* Resolves "log:" through the nameserver, UNTAKEN_RUNS times, with no IPC
 * buffer to take the handle the reply moves: each call fails (TOO_LARGE),
 * and the nameserver must close the handle it minted rather than keep
 * it; kept, they fill its handle table and every resolve after, anyone's,
 * fails with NO_HANDLES. */
static void hostile_untaken_replies(void)
{
    cairn_handle_t ns = svc_nameserver();
    uint32_t fixed = nameserver_interface.methods[0].in.fixed;
    uint8_t bytes[IDL_REG_BYTES] = {0};
    uint16_t n = 4;
    unsigned failed = 0;
    memcpy(bytes, &n, 2);
    memcpy(bytes + fixed, "log:", 5);
    check(H, "no IPC buffer", rt_ipc_buffer_set(NULL), 0);
    for (unsigned i = 0; i < UNTAKEN_RUNS; i++) {
        struct cairn_msg msg = {0};
        memcpy(msg.words, bytes, IDL_REG_BYTES);
        msg.info = CAIRN_MSGINFO_MAKE(IDL_LABEL(NAMESERVER_ID, NAMESERVER_RESOLVE), 0, 0);
        failed += rt_ipc_call(ns, &msg) == -CAIRN_E_TOO_LARGE;
    }
    check(H, "the IPC buffer again", rt_ipc_buffer_set(svc_ipc_buffer()), 0);
    if (check(H, "resolves whose reply could not be taken", failed, UNTAKEN_RUNS))
        rejected++;
    still_serving("after replies the client could not take");
}

/* The argument shape of iface's method number. */
static const struct idl_struct *args_of(const struct idl_interface *iface, uint32_t number)
{
    for (uint32_t i = 0; i < iface->count; i++) {
        if (iface->methods[i].number == number)
            return &iface->methods[i].in;
    }
    return 0;
}

/* r, well formed, gets `expected` back; with payload byte `byte` made
 * 0x80 (nothing else changed) it is refused with INVALID_ARGUMENT. */
static void one_encoding(cairn_handle_t ep, struct raw *r, unsigned byte, const char *what,
                         long expected)
{
    check(H, what, raw_call(ep, r), expected);
    uint8_t keep = r->bytes[byte];
    r->bytes[byte] = 0x80;
    refused(ep, r, what, -CAIRN_E_INVALID_ARGUMENT);
    r->bytes[byte] = keep;
}

/* One value, one encoding: a byte that is not 0 where no value travels
 * makes a message malformed, on the register-only fast path and off it. */
static void hostile_one_encoding(void)
{
    static struct raw r;
    /* log write of a short line: 6 bytes of fixed part, the text and its
     * NUL, then registers that carry nothing */
    const char *text = "svctest: hi";
    log_write_raw(&r, LOG_LEVEL_INFO, text);
    one_encoding(log_ep, &r, r.len + 2, "log write: a register after the payload", 0);
    /* log read(u64 seq): registers only, its reply is not */
    memset(&r, 0, sizeof(r));
    r.label = IDL_LABEL(LOG_ID, LOG_READ);
    r.len = args_of(&log_interface, LOG_READ)->fixed;
    one_encoding(log_ep, &r, 8, "log read: an unused register word", 0);
    one_encoding(log_ep, &r, 31, "log read: the last register byte", 0);

    /* nameserver ns_destroy(u32 ns): the fast path both ways; this silo is
     * not init, so a well-formed request reaches the handler, which
     * refuses it */
    cairn_handle_t ns = svc_nameserver();
    memset(&r, 0, sizeof(r));
    r.label = IDL_LABEL(NAMESERVER_ID, NAMESERVER_NS_DESTROY);
    r.len = args_of(&nameserver_interface, NAMESERVER_NS_DESTROY)->fixed;
    r.bytes[0] = 7;
    one_encoding(ns, &r, 4, "ns_destroy: a register byte after the u32", -CAIRN_E_ACCESS_DENIED);
    one_encoding(ns, &r, 24, "ns_destroy: an unused register word", -CAIRN_E_ACCESS_DENIED);
    /* ns_bind(u32 ns, string<127> path, mode how): ns at 0, the path's
     * length at 4, padding at 6-7, how at 8, "x" after the fixed part */
    memset(&r, 0, sizeof(r));
    r.label = IDL_LABEL(NAMESERVER_ID, NAMESERVER_NS_BIND);
    uint32_t fixed = args_of(&nameserver_interface, NAMESERVER_NS_BIND)->fixed;
    uint16_t one = 1;
    r.bytes[0] = 7;
    memcpy(r.bytes + 4, &one, 2);
    memcpy(r.bytes + fixed, "x", 2);
    r.len = fixed + 2;
    one_encoding(ns, &r, 6, "ns_bind: alignment padding", -CAIRN_E_ACCESS_DENIED);
    one_encoding(ns, &r, 7, "ns_bind: alignment padding", -CAIRN_E_ACCESS_DENIED);
    one_encoding(ns, &r, r.len, "ns_bind: a register after the payload", -CAIRN_E_ACCESS_DENIED);
}

/* xorshift64*: the same sequence on every run. */
static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545f4914f6cdd1dull;
}

/* Random messages with valid labels: whatever each gets back, both
 * services must go on serving. */
static void hostile_random(void)
{
    static struct raw r;
    uint64_t seed = 0x5eed;
    cairn_handle_t targets[2] = {log_ep, svc_nameserver()};
    const uint32_t ids[2] = {LOG_ID, NAMESERVER_ID};
    for (unsigned i = 0; i < RANDOM_RUNS; i++) {
        unsigned t = i & 1;
        memset(&r, 0, sizeof(r));
        r.label = IDL_LABEL(ids[t], rng_next(&seed) % 16);
        r.len = (uint32_t)(rng_next(&seed) % 300);
        for (uint32_t k = 0; k < r.len; k += 8) {
            uint64_t v = rng_next(&seed);
            memcpy(r.bytes + k, &v, 8);
        }
        raw_call(targets[t], &r);
    }
    still_serving("after random messages");
}

int mode_hostile(void)
{
    check(H, "resolve log:", svc_resolve("log:", &log_ep), 0);
    hostile_log();
    hostile_nameserver();
    hostile_one_encoding();
    hostile_untaken_replies();
    hostile_random();
    if (check_failures)
        return 1;
    log_printf(LOG_LEVEL_INFO,
               "hostile: ok: %u malformed messages rejected, %u random ones survived; "
               "log and nameserver still serve",
               rejected, RANDOM_RUNS);
    return 0;
}
