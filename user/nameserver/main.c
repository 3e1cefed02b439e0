/*
 * nameserver - Plan 9 style schemes (docs/services.md, idl/nameserver.idl):
 * serves the endpoint init gives it (CAIRN_AT_SERVICE_ENDPOINT) with the
 * handlers of service.c.
 */
#include "service.h"
#include <cairn/startup.h>
#include <rt/rt.h>

static struct nameserver server;
static struct cairn_ipc_buffer ipc_buffer __attribute__((aligned(4096)));

int main(void)
{
    server.endpoint = rt_startup_handle(CAIRN_AT_SERVICE_ENDPOINT);
    if (!server.endpoint) {
        rt_puts("nameserver: no endpoint to serve (CAIRN_AT_SERVICE_ENDPOINT)\n");
        return 1;
    }
    ns_init(&server.table);
    long err = nameserver_serve(server.endpoint, &ipc_buffer, &nameserver_service_ops, &server);
    rt_printf("nameserver: receiving failed (error %ld)\n", err);
    return 1;
}
