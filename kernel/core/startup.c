/*
 * startup.c - the initial capabilities of boot programs (see startup.h).
 */
#include <cairn/startup.h>
#include <core/initrd.h>
#include <core/process.h>
#include <core/startup.h>
#include <object/cap.h>
#include <object/device_memory.h>
#include <object/ioport.h>
#include <object/irq.h>
#include <object/kernel_log.h>
#include <object/memory.h>

_Static_assert(STARTUP_MAX_AUX <= EXEC_MAX_AUX, "the start-up block has room for every entry");

#define CONTROL_RIGHTS                                                                             \
    (CAIRN_RIGHT_MANAGE | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER | CAIRN_RIGHT_REVOKE)
#define KERNEL_LOG_RIGHTS                                                                          \
    (CAIRN_RIGHT_READ | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER | CAIRN_RIGHT_REVOKE)
#define INITRD_RIGHTS                                                                              \
    (CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER |           \
     CAIRN_RIGHT_REVOKE)

/* Gives p a root handle to o, described by aux under key. */
static enum cairn_error grant_one(struct process *p, struct kobject *o, uint32_t rights,
                                  uint64_t key, struct exec_aux *aux)
{
    cairn_handle_t h;
    kobject_retain(o);
    enum cairn_error err = cap_install(p, o, rights, 0, &h);
    if (err != CAIRN_OK) {
        kobject_release(o);
        return err;
    }
    *aux = (struct exec_aux){key, h};
    return CAIRN_OK;
}

int startup_grant(struct process *p, struct exec_aux *aux, const char **why)
{
    size_t initrd_size;
    struct memory *initrd = initrd_memory(&initrd_size);
    int n = 0;
    enum cairn_error err =
        grant_one(p, irq_control_object(), CONTROL_RIGHTS, CAIRN_AT_IRQ_CONTROL, &aux[n++]);
    if (err == CAIRN_OK)
        err = grant_one(p, ioport_control_object(), CONTROL_RIGHTS, CAIRN_AT_IOPORT_CONTROL,
                        &aux[n++]);
    if (err == CAIRN_OK)
        err = grant_one(p, device_memory_control_object(), CONTROL_RIGHTS, CAIRN_AT_DEVICE_MEMORY,
                        &aux[n++]);
    if (err == CAIRN_OK)
        err = grant_one(p, kernel_log_object(), KERNEL_LOG_RIGHTS, CAIRN_AT_KERNEL_LOG, &aux[n++]);
    if (err == CAIRN_OK && initrd) {
        err = grant_one(p, &initrd->obj, INITRD_RIGHTS, CAIRN_AT_INITRD, &aux[n++]);
        aux[n++] = (struct exec_aux){CAIRN_AT_INITRD_SIZE, initrd_size};
    }
    if (err != CAIRN_OK) {
        *why = "out of memory for the initial handles";
        return -1;
    }
    return n;
}
