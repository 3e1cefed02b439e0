/*
 * fwcfg.h - reading a named file from QEMU's firmware configuration device.
 *
 * The test harness passes extra kernel command-line words this way
 * (-fw_cfg name=opt/cairn/cmdline,string=...), so one ISO serves every test.
 * On machines without the device nothing is read.
 */
#ifndef CAIRN_ARCH_FWCFG_H
#define CAIRN_ARCH_FWCFG_H

#include <stddef.h>

/* Copies up to cap-1 bytes of the file into buf and NUL-terminates it.
 * Returns the number of bytes copied, 0 when there is no such file. */
size_t fwcfg_read_file(const char *name, char *buf, size_t cap);

#endif
