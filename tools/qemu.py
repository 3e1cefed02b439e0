#!/usr/bin/env python3
"""The one place that knows how to start QEMU for Cairn.

Used by `make run`, `make debug`, the system tests and `make bench`.

As a module: qemu_command(iso, ...) returns the argument list. As a program:

    python3 tools/qemu.py [--uefi] [--smp N] [--gui] [--gdb] [--icount]
                          [--cpu C] [--machine M] [--memory M] [--cmdline S] ISO

prints the command to stderr and replaces itself with QEMU.

The serial port is QEMU's stdio, so the kernel's console is the terminal (or
the pipe a test reads). KVM is used only when the CPU shows VT-x or SVM and
/dev/kvm is usable: some hosts expose a /dev/kvm that cannot run an ordinary
kernel, so its mere presence proves nothing. Everything else runs under TCG.
"""

import argparse
import os
import shlex
import sys

QEMU = "qemu-system-x86_64"
OVMF = "/usr/share/ovmf/OVMF.fd"
KVM_DEVICE = "/dev/kvm"
CPUINFO = "/proc/cpuinfo"
VIRTUALIZATION_FLAGS = frozenset(("vmx", "svm"))
FIRMWARES = ("bios", "uefi")
CMDLINE_FW_CFG = "opt/cairn/cmdline"


class QemuError(Exception):
    """QEMU cannot be started as asked (bad option or missing firmware)."""


def cpu_has_virtualization(cpuinfo=CPUINFO):
    """Return True when some CPU in cpuinfo lists the vmx or svm flag."""
    try:
        with open(cpuinfo, encoding="ascii", errors="replace") as handle:
            for line in handle:
                key, _, value = line.partition(":")
                if key.strip() == "flags" and VIRTUALIZATION_FLAGS & set(value.split()):
                    return True
    except OSError:
        return False
    return False


def kvm_usable():
    """Return True when KVM can run Cairn: hardware support and an openable /dev/kvm."""
    return cpu_has_virtualization() and os.access(KVM_DEVICE, os.R_OK | os.W_OK)


def escape_option_value(value):
    """Escape value for QEMU's option parser, where ',' separates options."""
    return value.replace(",", ",,")


def firmware_args(firmware):
    """Return the arguments selecting the firmware: SeaBIOS (default) or OVMF."""
    if firmware not in FIRMWARES:
        raise QemuError(f"unknown firmware {firmware!r}: expected one of {', '.join(FIRMWARES)}")
    if firmware == "bios":
        return []
    if not os.path.isfile(OVMF):
        raise QemuError(f"UEFI firmware {OVMF} not found (install Debian's ovmf package)")
    return ["-bios", OVMF]


def accel_args(icount):
    """Return the accelerator arguments; icount needs TCG, whatever the host offers."""
    if icount:
        return ["-accel", "tcg", "-icount", "shift=0"]
    return ["-accel", "kvm" if kvm_usable() else "tcg"]


def display_args(gui):
    """Return the display arguments: a window with a standard VGA, or none."""
    return ["-vga", "std"] if gui else ["-display", "none"]


def cmdline_args(cmdline):
    """Return the arguments that hand the kernel its command line through fw_cfg."""
    if not cmdline:
        return []
    value = escape_option_value(cmdline)
    return ["-fw_cfg", f"name={CMDLINE_FW_CFG},string={value}"]


def qemu_command(
    iso,
    *,
    firmware="bios",
    smp=1,
    memory="512M",
    machine="q35",
    cpu="max",
    gui=False,
    gdb=False,
    cmdline=None,
    icount=False,
    extra=(),
):
    """Return the QEMU argument list that boots iso; raises QemuError when it cannot."""
    if not isinstance(smp, int) or smp < 1:
        raise QemuError(f"smp must be a positive integer, not {smp!r}")
    command = [QEMU, "-machine", machine, "-cpu", cpu, "-smp", str(smp), "-m", memory]
    command += accel_args(icount)
    command += firmware_args(firmware)
    command += ["-cdrom", str(iso), "-boot", "d"]
    command += ["-serial", "stdio", "-monitor", "none", "-no-reboot"]
    command += display_args(gui)
    command += cmdline_args(cmdline)
    if gdb:
        command += ["-s", "-S"]
    return command + list(extra)


def parse_args(argv):
    """Parse the command line of the program form."""
    parser = argparse.ArgumentParser(description="Boot a Cairn ISO in QEMU.")
    parser.add_argument("--uefi", action="store_true", help="boot with OVMF instead of SeaBIOS")
    parser.add_argument("--smp", type=int, default=1, help="number of CPUs (default 1)")
    parser.add_argument("--gui", action="store_true", help="open a window instead of headless")
    parser.add_argument("--gdb", action="store_true", help="wait for gdb on tcp::1234")
    parser.add_argument("--icount", action="store_true", help="deterministic TCG (-icount)")
    parser.add_argument("--cpu", default="max", help="CPU model (default max)")
    parser.add_argument("--machine", default="q35", help="machine type (default q35)")
    parser.add_argument("--memory", default="512M", help="guest memory (default 512M)")
    parser.add_argument("--cmdline", help="kernel command line, passed through fw_cfg")
    parser.add_argument("iso", help="the ISO image to boot")
    return parser.parse_args(argv)


def main(argv):
    """Program entry point: build the command, show it, and exec QEMU."""
    args = parse_args(argv)
    if not os.path.isfile(args.iso):
        print(f"qemu.py: ISO {args.iso} not found; build it first", file=sys.stderr)
        return 2
    try:
        command = qemu_command(
            args.iso,
            firmware="uefi" if args.uefi else "bios",
            smp=args.smp,
            memory=args.memory,
            machine=args.machine,
            cpu=args.cpu,
            gui=args.gui,
            gdb=args.gdb,
            cmdline=args.cmdline,
            icount=args.icount,
        )
    except QemuError as err:
        print(f"qemu.py: {err}", file=sys.stderr)
        return 2
    print(shlex.join(command), file=sys.stderr)
    try:
        os.execvp(command[0], command)
    except OSError as err:
        print(f"qemu.py: cannot run {command[0]}: {err.strerror}", file=sys.stderr)
    return 127


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
