/*
 * startup.c - the initial capabilities of boot programs (see startup.h).
 */
#include <cairn/startup.h>
#include <core/process.h>
#include <core/startup.h>
#include <object/cap.h>
#include <object/ioport.h>
#include <object/irq.h>

_Static_assert(STARTUP_MAX_AUX <= EXEC_MAX_AUX, "the start-up block has room for every entry");

#define CONTROL_RIGHTS                                                                             \
    (CAIRN_RIGHT_MANAGE | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER | CAIRN_RIGHT_REVOKE)

/* Gives p a root handle to o, described by aux under key. */
static enum cairn_error grant_one(struct process *p, struct kobject *o, uint64_t key,
                                  struct exec_aux *aux)
{
    cairn_handle_t h;
    kobject_retain(o);
    enum cairn_error err = cap_install(p, o, CONTROL_RIGHTS, 0, &h);
    if (err != CAIRN_OK) {
        kobject_release(o);
        return err;
    }
    *aux = (struct exec_aux){key, h};
    return CAIRN_OK;
}

int startup_grant(struct process *p, struct exec_aux *aux, const char **why)
{
    if (grant_one(p, irq_control_object(), CAIRN_AT_IRQ_CONTROL, &aux[0]) != CAIRN_OK ||
        grant_one(p, ioport_control_object(), CAIRN_AT_IOPORT_CONTROL, &aux[1]) != CAIRN_OK) {
        *why = "out of memory for the initial handles";
        return -1;
    }
    return 2;
}
