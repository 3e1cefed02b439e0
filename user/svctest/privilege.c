/*
 * privilege.c - a silo asks for what its manifest does not give it:
 * initial capabilities, schemes outside its namespace, providing a
 * scheme, and the nameserver methods only init may call; and a silo whose
 * manifest names capabilities gets those, with init's rights or exactly
 * the rights its manifest narrows them to, and no others.
 */
#include "svctest.h"
#include <cairn/startup.h>
#include <idl/log.h>
#include <idl/nameserver.h>
#include <rt/rt.h>
#include <svc/svc.h>

#define P "privilege"

int mode_privilege(void)
{
    static const uint64_t keys[] = {CAIRN_AT_IRQ_CONTROL,   CAIRN_AT_IOPORT_CONTROL,
                                    CAIRN_AT_DEVICE_MEMORY, CAIRN_AT_INITRD,
                                    CAIRN_AT_KERNEL_LOG,    CAIRN_AT_SERVICE_ENDPOINT};
    cairn_handle_t ns = svc_nameserver(), h = 0;
    uint64_t value;
    for (unsigned i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        check(P, "an initial capability the manifest does not name", rt_startup_handle(keys[i]), 0);
    check(P, "initrd size", rt_startup_value(CAIRN_AT_INITRD_SIZE, &value), 0);
    check(P, "has a nameserver handle", ns != 0, 1);
    check(P, "resolve log:", svc_resolve("log:", &h), 0);
    check(P, "resolve secret:", svc_resolve("secret:", &h), -CAIRN_E_NOT_FOUND);
    check(P, "resolve proc:", svc_resolve("proc:", &h), -CAIRN_E_NOT_FOUND);
    check(P, "resolve file:/etc", svc_resolve("file:/etc", &h), -CAIRN_E_NOT_FOUND);
    check(P, "resolve a malformed path", svc_resolve("no-colon", &h), -CAIRN_E_INVALID_ARGUMENT);
    /* Providing a scheme its manifest does not list: its own endpoint
     * for "log" (hijacking), or a new scheme. */
    long ep = cairn_endpoint_create();
    check(P, "provide log", nameserver_provide(ns, "log", (cairn_handle_t)ep),
          -CAIRN_E_ACCESS_DENIED);
    check(P, "provide secret", nameserver_provide(ns, "secret", (cairn_handle_t)ep),
          -CAIRN_E_ACCESS_DENIED);
    /* init's methods. */
    check(P, "ns_create", nameserver_ns_create(ns, 1000, 1, "evil"), -CAIRN_E_ACCESS_DENIED);
    for (uint32_t id = 0; id < 8; id++) {
        cairn_handle_t c;
        check(P, "ns_bind", nameserver_ns_bind(ns, id, "secret:", NAMESERVER_MODE_INHERIT),
              -CAIRN_E_ACCESS_DENIED);
        check(P, "ns_allow", nameserver_ns_allow(ns, id, "log"), -CAIRN_E_ACCESS_DENIED);
        check(P, "ns_client", nameserver_ns_client(ns, id, &c), -CAIRN_E_ACCESS_DENIED);
        check(P, "ns_unbind", nameserver_ns_unbind(ns, id, "log:"), -CAIRN_E_ACCESS_DENIED);
        check(P, "ns_destroy", nameserver_ns_destroy(ns, id), -CAIRN_E_ACCESS_DENIED);
        check(P, "ns_open", nameserver_ns_open(ns, id), -CAIRN_E_ACCESS_DENIED);
    }
    /* Still in its namespace after all that. */
    check(P, "resolve log: again", svc_resolve("log:", &h), 0);
    check(P, "resolve secret: again", svc_resolve("secret:", &h), -CAIRN_E_NOT_FOUND);
    if (check_failures)
        return 1;
    log_printf(LOG_LEVEL_INFO, "privilege: ok: every request beyond the manifest was refused");
    return 0;
}

/* Whether key names a handle of type with rights. */
static bool has(uint64_t key, uint32_t type, uint32_t rights)
{
    struct cairn_handle_info info = {0};
    cairn_handle_t h = rt_startup_handle(key);
    return h && cairn_handle_info(h, &info) == 0 && info.type == type && info.rights == rights;
}

int mode_granted(void)
{
    const uint32_t control =
        CAIRN_RIGHT_MANAGE | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER | CAIRN_RIGHT_REVOKE;
    const uint32_t initrd = CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP; /* "initrd(read|map)" */
    uint64_t size = 0;
    check("granted", "the irq control", has(CAIRN_AT_IRQ_CONTROL, CAIRN_OBJ_IRQ_CONTROL, control),
          1);
    check("granted", "the ramdisk", has(CAIRN_AT_INITRD, CAIRN_OBJ_MEMORY, initrd), 1);
    check("granted", "the ramdisk's size", rt_startup_value(CAIRN_AT_INITRD_SIZE, &size), 1);
    check("granted", "a size", size > 0, 1);
    check("granted", "no io-port control", rt_startup_handle(CAIRN_AT_IOPORT_CONTROL), 0);
    check("granted", "no device memory", rt_startup_handle(CAIRN_AT_DEVICE_MEMORY), 0);
    check("granted", "no kernel log", rt_startup_handle(CAIRN_AT_KERNEL_LOG), 0);
    check("granted", "no service endpoint", rt_startup_handle(CAIRN_AT_SERVICE_ENDPOINT), 0);
    if (check_failures)
        return 1;
    log_printf(LOG_LEVEL_INFO, "granted: ok: exactly the irq control and the ramdisk (read|map)");
    return 0;
}
