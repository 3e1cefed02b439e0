/*
 * service.h - the nameserver's state and the handlers of
 * idl/nameserver.idl, apart from its main loop so the benchmarks can
 * serve them in a thread of their own.
 *
 * Every request is in the namespace its handle's badge names
 * (namespace.h); badge NS_ROOT is init, which alone may shape
 * namespaces. A resolution mints a handle to the owning service's
 * endpoint, badged with the caller's namespace id and the view's flags
 * (id << 8 | flags), and moves it to the caller. One thread serves; the
 * state needs no lock.
 */
#ifndef CAIRN_NAMESERVER_SERVICE_H
#define CAIRN_NAMESERVER_SERVICE_H

#include "namespace.h"
#include <idl/nameserver.h>

struct nameserver {
    cairn_handle_t endpoint; /* unbadged: client handles are minted from it */
    struct ns_table table;
};

/* The handlers; ctx is a struct nameserver. */
extern const struct nameserver_ops nameserver_service_ops;

#endif
