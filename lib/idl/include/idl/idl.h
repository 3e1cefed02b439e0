/*
 * idl/idl.h - the runtime of the code tools/idlc generates from the idl/ files
 * (see docs/idl.md): the tables that describe an interface, the client's
 * call, the server's validating dispatch and its receive loop.
 *
 * Generated code only fills in tables and forwards arguments; every
 * encoding, decoding and check lives here, so one audited copy validates
 * every message of every interface.
 *
 * Wire format of a message (request or reply): the label (msginfo bits
 * 0-31) names the interface, version and method (requests) or the status
 * (replies: 0 or a negated enum cairn_error). The payload is a byte string:
 * a fixed part laid out like the C struct of the arguments (natural
 * alignment), where a string or byte array has its 16-bit length, then
 * the bytes of each string (with its NUL) and byte array in order. Its
 * first IDL_REG_BYTES bytes travel in the four register words, the rest
 * in the IPC buffer's data; capabilities in the buffer's capability list.
 */
#ifndef CAIRN_IDL_IDL_H
#define CAIRN_IDL_IDL_H

#include <cairn/error.h>
#include <cairn/handle.h>
#include <cairn/ipc.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IDL_REG_BYTES   (CAIRN_IPC_WORDS * 8)
#define IDL_MAX_PAYLOAD (IDL_REG_BYTES + CAIRN_IPC_MAX_BYTES)

/* Bytes of the C argument or result struct of any method (idlc checks):
 * the dispatcher keeps the two of the method it serves on its stack. */
#define IDL_MAX_ARGS 4608

/* A request label: the interface's 24-bit identity (a hash of its name and
 * version) above the 8-bit method number. */
#define IDL_LABEL(iface_id, method) ((uint32_t)(iface_id) << 8 | (uint32_t)(method))
#define IDL_LABEL_IFACE(label)      ((label) >> 8)
#define IDL_LABEL_METHOD(label)     ((label)&0xffu)

enum idl_kind {
    IDL_U8,
    IDL_U16,
    IDL_U32,
    IDL_U64,
    IDL_I8,
    IDL_I16,
    IDL_I32,
    IDL_I64,
    IDL_BOOL,
    IDL_ENUM,   /* 32 bits on the wire; one of the listed values */
    IDL_STRUCT, /* inline, laid out like its C struct */
    IDL_STRING, /* char[bound + 1] in C, NUL-terminated */
    IDL_BYTES,  /* uint8_t[bound] in C, with a uint32_t length */
    IDL_CAP,    /* cairn_handle_t in C; in the capability list */
};

struct idl_enum {
    uint32_t count;
    const int32_t *values;
};

struct idl_struct;

struct idl_field {
    uint8_t kind;      /* enum idl_kind */
    uint8_t cap_type;  /* IDL_CAP: enum cairn_object_type */
    uint8_t cap_move;  /* IDL_CAP: sent with CAIRN_IPC_CAP_MOVE */
    uint16_t wire;     /* offset in the fixed part; IDL_CAP: index in the capability list */
    uint32_t c_offset; /* of the value in the C struct */
    uint32_t c_len;    /* IDL_BYTES: offset of its uint32_t length in the C struct */
    uint32_t bound;    /* IDL_STRING, IDL_BYTES: maximum length; IDL_CAP: rights required */
    const void *sub;   /* IDL_ENUM: struct idl_enum; IDL_STRUCT: struct idl_struct */
};

/* idl_struct flags, which let the codec skip work. */
#define IDL_FLAT                                                                                   \
    1u                 /* no string, byte array or capability: the C struct's first                \
                          `fixed` bytes are the fixed part as it travels */
#define IDL_CHECKED 2u /* has a bool or an enum (at any depth): values to check */
#define IDL_REGS                                                                                   \
    4u /* flat and at most IDL_REG_BYTES: travels in registers only,                               \
          and its C struct is exactly IDL_REG_BYTES (idlc pads it) */

/* The arguments or results of a method, or an IDL struct. */
struct idl_struct {
    uint16_t count;     /* fields */
    uint16_t fixed;     /* bytes of the fixed part */
    uint16_t caps;      /* capabilities */
    uint16_t max;       /* largest payload in bytes: fixed part and full variable parts */
    uint32_t c_size;    /* sizeof the C struct */
    uint16_t flags;     /* IDL_FLAT, IDL_CHECKED, IDL_REGS */
    uint16_t pad_words; /* in pad: CAIRN_IPC_WORDS for IDL_REGS, 0 when nothing to check */
    const struct idl_field *fields;
    /* Per 8-byte word of the payload from its start, the bits that must be
     * 0 in every message: the fixed part's alignment padding (of nested
     * structs too) and, for IDL_REGS, the register bytes after the fixed
     * part. A message with one of them set is malformed; encoding clears
     * them whatever the C struct holds there. */
    const uint64_t *pad;
};

/* What a handler learns about the message besides its arguments. */
struct idl_call {
    uint64_t badge;  /* the sender's badge */
    uint32_t method; /* the method number */
};

/* Calls the handler of a method: forwards the decoded arguments in `in`
 * and result pointers into `out` (generated for each method). Returns the
 * handler's status, or IDL_NO_HANDLER when ops has none for the method. */
typedef long (*idl_thunk_fn)(const void *ops, void *ctx, const struct idl_call *call,
                             const void *in, void *out);

#define IDL_NO_HANDLER 0x1d100000L /* never a status: handlers return 0 or negative */

struct idl_method {
    const char *name;
    uint32_t number;
    struct idl_struct in;
    struct idl_struct out;
    idl_thunk_fn thunk; /* server side only; 0 in client tables */
};

struct idl_interface {
    const char *name;
    uint32_t version;
    uint32_t id; /* 24 bits: the label's upper bits */
    uint32_t count;
    const struct idl_method *methods; /* sorted by number */
};

/* --- codec (codec.c): pure apart from handle_info and handle_close -------- */

/* Encodes the C struct c of shape s into msg's words and buf's data and
 * capability list (buf may be 0 when s needs neither) and returns the
 * descriptor's byte and capability counts as msginfo bits (no label), or a
 * negated error: TOO_LARGE (a string longer than its bound or without its
 * NUL, a byte array longer than its bound), INVALID_ARGUMENT (a bool not 0
 * or 1, an enum value not listed, a capability of 0), BAD_ADDRESS (buf
 * needed but 0). */
long idl_encode(const struct idl_struct *s, const void *c, struct cairn_msg *msg,
                struct cairn_ipc_buffer *buf);

/* Decodes and validates a received payload (msg's info, words, buf's data
 * and capabilities) of shape s into the zeroed C struct c. On success the
 * received handles are in c and belong to the caller. On error every
 * received handle is closed and the negated error is returned:
 * INVALID_ARGUMENT (lengths, bool, enum, string termination, capability
 * count, a descriptor flag, a padding byte or a register byte after the
 * payload not 0: each value has one encoding), WRONG_TYPE or ACCESS_DENIED
 * (a capability of another object type or without the required rights). */
long idl_decode(const struct idl_struct *s, const struct cairn_msg *msg,
                const struct cairn_ipc_buffer *buf, void *c);

/* For IDL_REGS shapes s, the runtime's register-only path: whether every
 * bool and enum of C struct c is valid; C struct c (IDL_REG_BYTES long)
 * into the four words with the bits s->pad marks cleared; and back, which
 * is false (and copies nothing) when a bit s->pad marks is set in words.
 * The last two are inline and written out word by word: on the IPC fast
 * path they are most of the runtime's work. */
bool idl_values_valid(const struct idl_struct *s, const void *c);

static inline void idl_regs_put(const struct idl_struct *s, const void *c,
                                uint64_t words[CAIRN_IPC_WORDS])
{
    const uint64_t *pad = s->pad;
    uint64_t v[CAIRN_IPC_WORDS];
    __builtin_memcpy(v, c, sizeof(v));
    words[0] = v[0] & ~pad[0];
    words[1] = v[1] & ~pad[1];
    words[2] = v[2] & ~pad[2];
    words[3] = v[3] & ~pad[3];
}

static inline bool idl_regs_get(const struct idl_struct *s, const uint64_t words[CAIRN_IPC_WORDS],
                                void *c)
{
    const uint64_t *pad = s->pad;
    uint64_t w0 = words[0], w1 = words[1], w2 = words[2], w3 = words[3];
    if ((w0 & pad[0]) | (w1 & pad[1]) | (w2 & pad[2]) | (w3 & pad[3]))
        return false;
    uint8_t *to = c;
    __builtin_memcpy(to, &w0, 8);
    __builtin_memcpy(to + 8, &w1, 8);
    __builtin_memcpy(to + 16, &w2, 8);
    __builtin_memcpy(to + 24, &w3, 8);
    return true;
}

/* The status of a reply whose label is not 0 or which is not the label
 * alone: the negated error when msg is exactly an error reply (a label of
 * -1 to -(CAIRN_ERROR_COUNT - 1), no bytes, capabilities or flags, the
 * four words 0); INVALID_ARGUMENT for anything else. */
long idl_reply_status(const struct cairn_msg *msg);

/* Checks that handle h is of type and has rights before it is sent: 0 or
 * WRONG_TYPE, ACCESS_DENIED or the error of handle_info. */
long idl_cap_check(cairn_handle_t h, uint32_t type, uint32_t rights);

/* Closes the capabilities msg says came with it (buf's list). */
void idl_caps_close(const struct cairn_msg *msg, const struct cairn_ipc_buffer *buf);

/* Closes the `move` capabilities of C struct c (laid out as s) that are
 * not CAIRN_HANDLE_NONE: a handler's results when their reply could not
 * be encoded, so handles it gave up do not stay in the server. */
void idl_moved_caps_close(const struct idl_struct *s, const void *c);

/* The method of iface that request label names (interface id and method
 * number, IDL_LABEL), or NULL (dispatch.c). */
const struct idl_method *idl_method_find(const struct idl_interface *iface, uint32_t label);

/* --- client (client.c) ----------------------------------------------------- */

/* Not needed: the stubs use the calling thread's own IPC buffer
 * (rt_ipc_buffer, allocated on first use). Kept for older callers: names
 * buf as the calling thread's IPC buffer (rt_ipc_buffer_set), which that
 * thread's calls then use. */
long idl_client_init(struct cairn_ipc_buffer *buf);

/* Calls method m through endpoint: encodes `in`, calls, validates the
 * reply and decodes it into the zeroed `out`. A method whose request or
 * reply may need the IPC buffer uses the calling thread's (rt_ipc_buffer),
 * so threads may call at the same time. Returns 0, the server's error, an
 * error of the call or of validating the reply (as idl_decode), the
 * encoding errors of idl_encode, or NO_MEMORY (the thread's buffer could
 * not be allocated). The reply's handles belong to the caller when it
 * returns 0 and are closed otherwise. The calling thread needs a thread
 * block (rt/thread.h). */
long idl_call(cairn_handle_t endpoint, const struct idl_interface *iface,
              const struct idl_method *m, const void *in, void *out);

/* idl_call through an explicit IPC buffer (the calling thread's own). */
long idl_call_buffer(cairn_handle_t endpoint, struct cairn_ipc_buffer *buf,
                     const struct idl_interface *iface, const struct idl_method *m, const void *in,
                     void *out);

/* --- server (dispatch.c, serve.c) ------------------------------------------ */

/* Validates the request in msg (and buf, the receiving thread's IPC
 * buffer), calls the handler in ops and replaces msg with the reply to
 * send (its results in msg and buf). A malformed request never reaches a
 * handler: its capabilities are closed and the reply is its error
 * (NOT_SUPPORTED: another interface or version, or an unknown method or one
 * ops does not implement; the errors of idl_decode otherwise). */
void idl_dispatch(const struct idl_interface *iface, const void *ops, void *ctx,
                  struct cairn_msg *msg, struct cairn_ipc_buffer *buf);

/* Serves iface on endpoint with the handlers in ops for ever: receives,
 * dispatches, replies and receives again, through buf (named as the calling
 * thread's IPC buffer with rt_ipc_buffer_set), or with buf NULL through the
 * thread's own (rt_ipc_buffer; NO_MEMORY if it cannot be had). The calling
 * thread needs a thread block (rt/thread.h). Ignores
 * notification bits; keeps serving after malformed messages and after a
 * reply that could not be delivered. Returns only when receiving fails
 * (the endpoint's error). */
long idl_serve(cairn_handle_t endpoint, struct cairn_ipc_buffer *buf,
               const struct idl_interface *iface, const void *ops, void *ctx);

/* What a server does while no request comes (idl_serve_idle): fn(ctx)
 * each time every_ns nanoseconds pass without one. */
struct idl_idle {
    uint64_t every_ns;
    void (*fn)(void *ctx);
    void *ctx;
};

/* As idl_serve, and calls idle->fn whenever idle->every_ns pass without a
 * request (idle NULL: exactly idl_serve). The reply and the next receive
 * are then two system calls instead of ipc_reply_recv's one, since only a
 * receive alone can time out. */
long idl_serve_idle(cairn_handle_t endpoint, struct cairn_ipc_buffer *buf,
                    const struct idl_interface *iface, const void *ops, void *ctx,
                    const struct idl_idle *idle);

#endif
