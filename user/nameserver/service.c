/*
 * service.c - the nameserver's methods (see service.h).
 */
#include "service.h"
#include <rt/rt.h>

#define CLIENT_RIGHTS  (CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_TRANSFER)
#define SERVICE_RIGHTS (CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_TRANSFER)

/* The namespace a request is in: its badge, when it can be one. */
static uint32_t caller(const struct idl_call *call)
{
    return call->badge <= UINT32_MAX ? (uint32_t)call->badge : 0;
}

static bool is_init(const struct idl_call *call)
{
    return call->badge == NS_ROOT;
}

static long ns_op_resolve(void *ctx, const struct idl_call *call, const char *path,
                          cairn_handle_t *service, uint32_t *flags)
{
    struct nameserver *s = ctx;
    struct ns_target target;
    long err = ns_resolve(&s->table, caller(call), path, &target);
    if (err < 0)
        return err;
    long h = cairn_handle_mint((cairn_handle_t)target.service, SERVICE_RIGHTS,
                               (uint64_t)caller(call) << 8 | target.flags);
    if (h < 0)
        return h;
    *service = (cairn_handle_t)h;
    *flags = target.flags;
    return 0;
}

static long ns_op_provide(void *ctx, const struct idl_call *call, const char *scheme,
                          cairn_handle_t service)
{
    struct nameserver *s = ctx;
    struct cairn_handle_info info;
    uint64_t old = 0;
    long err = cairn_handle_info(service, &info);
    if (err == 0 && info.badge != 0)
        err = -CAIRN_E_INVALID_ARGUMENT; /* it could not be minted for clients */
    if (err == 0)
        err = ns_register(&s->table, caller(call), scheme, service, &old);
    if (err < 0) {
        cairn_handle_close(service);
        return err;
    }
    if (old)
        cairn_handle_close((cairn_handle_t)old);
    return 0;
}

static long ns_op_create(void *ctx, const struct idl_call *call, uint32_t ns, uint32_t parent,
                         const char *label)
{
    struct nameserver *s = ctx;
    return is_init(call) ? ns_create(&s->table, ns, parent, label) : -CAIRN_E_ACCESS_DENIED;
}

static long ns_op_bind(void *ctx, const struct idl_call *call, uint32_t ns, const char *path,
                       enum nameserver_mode how)
{
    struct nameserver *s = ctx;
    return is_init(call) ? ns_bind(&s->table, ns, path, (enum ns_mode)how) : -CAIRN_E_ACCESS_DENIED;
}

static long ns_op_unbind(void *ctx, const struct idl_call *call, uint32_t ns, const char *path)
{
    struct nameserver *s = ctx;
    return is_init(call) ? ns_unbind(&s->table, ns, path) : -CAIRN_E_ACCESS_DENIED;
}

static long ns_op_allow(void *ctx, const struct idl_call *call, uint32_t ns, const char *scheme)
{
    struct nameserver *s = ctx;
    return is_init(call) ? ns_allow_provide(&s->table, ns, scheme) : -CAIRN_E_ACCESS_DENIED;
}

static long ns_op_client(void *ctx, const struct idl_call *call, uint32_t ns,
                         cairn_handle_t *client)
{
    struct nameserver *s = ctx;
    if (!is_init(call))
        return -CAIRN_E_ACCESS_DENIED;
    if (ns == NS_ROOT || !ns_exists(&s->table, ns))
        return -CAIRN_E_NOT_FOUND;
    long h = cairn_handle_mint(s->endpoint, CLIENT_RIGHTS, ns);
    if (h < 0)
        return h;
    *client = (cairn_handle_t)h;
    return 0;
}

static long ns_op_destroy(void *ctx, const struct idl_call *call, uint32_t ns)
{
    struct nameserver *s = ctx;
    uint64_t closed[NS_SCHEMES_MAX];
    unsigned n = 0;
    if (!is_init(call))
        return -CAIRN_E_ACCESS_DENIED;
    long err = ns_destroy(&s->table, ns, closed, &n);
    for (unsigned i = 0; i < n; i++)
        cairn_handle_close((cairn_handle_t)closed[i]);
    return err;
}

static long ns_op_open(void *ctx, const struct idl_call *call, uint32_t ns)
{
    struct nameserver *s = ctx;
    return is_init(call) ? ns_open(&s->table, ns) : -CAIRN_E_ACCESS_DENIED;
}

const struct nameserver_ops nameserver_service_ops = {
    .resolve = ns_op_resolve,
    .provide = ns_op_provide,
    .ns_create = ns_op_create,
    .ns_bind = ns_op_bind,
    .ns_unbind = ns_op_unbind,
    .ns_allow = ns_op_allow,
    .ns_client = ns_op_client,
    .ns_destroy = ns_op_destroy,
    .ns_open = ns_op_open,
};
