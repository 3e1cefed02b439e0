#!/usr/bin/env python3
"""Build Cairn's initial ramdisk: a cpio archive in the "newc" format.

Usage: mkinitrd.py OUT.cpio NAME=HOSTPATH ...

Each NAME=HOSTPATH argument stores the host file HOSTPATH in the archive under
NAME (a relative path such as bin/init). The output is deterministic: every
entry has mtime 0, uid and gid 0, mode 0100755, and inode numbers count from 1
in argument order, so the same inputs always give the same bytes.

Exit status: 0 on success, 2 on a usage error, a missing host file or a
duplicate name (with a message on stderr saying which).
"""

import sys

NEWC_MAGIC = b"070701"
FILE_MODE = 0o100755
TRAILER_NAME = "TRAILER!!!"
ALIGN = 4
MAX_FIELD = 0xFFFFFFFF


class InitrdError(Exception):
    """A problem with the command line or an input file, reported to the user."""


def pad_to_align(length):
    """Return the number of NUL bytes that bring length up to a multiple of 4."""
    return (ALIGN - length % ALIGN) % ALIGN


def newc_header(ino, mode, nlink, filesize, namesize):
    """Return the 110-byte ASCII header of one newc entry."""
    fields = (ino, mode, 0, 0, nlink, 0, filesize, 0, 0, 0, 0, namesize, 0)
    return NEWC_MAGIC + b"".join(b"%08X" % value for value in fields)


def newc_entry(ino, mode, nlink, name, data):
    """Return one complete entry: header, padded name, padded data."""
    encoded = name.encode("utf-8") + b"\0"
    header = newc_header(ino, mode, nlink, len(data), len(encoded))
    head = header + encoded
    return head + b"\0" * pad_to_align(len(head)) + data + b"\0" * pad_to_align(len(data))


def parse_member(arg):
    """Split a NAME=HOSTPATH argument, rejecting names the kernel could not use."""
    name, sep, host_path = arg.partition("=")
    if not sep or not name or not host_path:
        raise InitrdError(f"bad argument {arg!r}: expected NAME=HOSTPATH")
    if name.startswith("/") or ".." in name.split("/"):
        raise InitrdError(f"bad name {name!r}: must be a relative path without '..'")
    if name == TRAILER_NAME:
        raise InitrdError(f"bad name {name!r}: reserved for the end-of-archive entry")
    return name, host_path


def read_member(name, host_path):
    """Return the bytes of host_path, or raise InitrdError naming the problem."""
    try:
        with open(host_path, "rb") as handle:
            data = handle.read()
    except OSError as err:
        raise InitrdError(f"{name}: cannot read {host_path}: {err.strerror}") from err
    if len(data) > MAX_FIELD:
        raise InitrdError(f"{name}: {host_path} is too large for a newc archive")
    return data


def build_archive(members):
    """Return the archive bytes for a list of (name, host_path) pairs."""
    seen = set()
    parts = []
    for ino, (name, host_path) in enumerate(members, start=1):
        if name in seen:
            raise InitrdError(f"duplicate name {name!r}")
        seen.add(name)
        parts.append(newc_entry(ino, FILE_MODE, 1, name, read_member(name, host_path)))
    parts.append(newc_entry(0, 0, 1, TRAILER_NAME, b""))
    return b"".join(parts)


def main(argv):
    """Command-line entry point; returns the exit status."""
    if len(argv) < 2:
        print("usage: mkinitrd.py OUT.cpio NAME=HOSTPATH ...", file=sys.stderr)
        return 2
    try:
        archive = build_archive([parse_member(arg) for arg in argv[1:]])
        with open(argv[0], "wb") as out:
            out.write(archive)
    except InitrdError as err:
        print(f"mkinitrd: {err}", file=sys.stderr)
        return 2
    except OSError as err:
        print(f"mkinitrd: cannot write {argv[0]}: {err.strerror}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
