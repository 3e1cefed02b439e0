#!/usr/bin/env python3
"""Run Cairn's in-guest microbenchmarks (`make bench`).

    python3 tools/bench.py [--iso ISO] [--only NAME]... [--mode deterministic|timed|both]

Boots the ISO on 2 CPUs, once per mode, with the run list
`posix:linux/getpid_bench:UNIT,bench:UNIT[:NAME...]`: first the Linux
program that measures a forwarded system call (linux_syscall_forward) under
the Linux personality, then the native benchmark program (user/bench):

  deterministic  TCG with -icount shift=0: the guest's TSC counts guest
                 instructions, so every figure is the same on every run and
                 every machine (unit insns);
  timed          plain TCG, even where KVM would be usable: the TSC follows the
                 host clock (unit ticks; noisy, compare only within one run).

Each mode ends at the program's last line, `bench: done`. The BENCH lines of
each mode, and a `bench: skipped NAME (why)` line for a benchmark that needs
more CPUs than the machine has, are printed under a header and written to
build/bench.txt; the whole serial output of a mode is kept in
build/bench-MODE.log. Exits 1, with the tail of the serial log, when QEMU dies
or times out, the kernel or the program reports an error, or a mode produced
no BENCH line.
"""

import argparse
import codecs
import dataclasses
import os
import re
import selectors
import subprocess
import sys
import time
from pathlib import Path

import qemu

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build"
DEFAULT_ISO = BUILD / "cairn.iso"
REPORT = BUILD / "bench.txt"
SMP = 2
TIMEOUT_SECONDS = 600.0
POLL_SECONDS = 0.2
READ_SIZE = 65536
KILL_WAIT_SECONDS = 10
TAIL_LINES = 30

DONE = "bench: done"
# Benchmarks measured by a Linux program run by the personality, not by
# user/bench: each name maps to its run-list entry (UNIT is filled in) and
# the line that says it has finished.
LINUX_BENCHES = {
    "linux_syscall_forward": (
        "posix:linux/getpid_bench:{unit}",
        "posix: linux/getpid_bench exited with status 0",
    ),
}
BENCH_LINE = re.compile(r"BENCH (?P<name>\w+) median=\d+ min=\d+ unit=(?P<unit>\w+)")
SKIPPED_LINE = re.compile(r"bench: skipped \w+ \(.+\)")
NAME = re.compile(r"\w+")
# Any of these on the serial port means the run cannot be trusted.
ERRORS = re.compile(
    r"PANIC|[Tt]riple fault|bench: error|kernel: killed pid|kernel: cannot start"
)


@dataclasses.dataclass(frozen=True)
class Mode:
    """One way of booting the benchmarks: its name, header line, unit and QEMU timing."""

    name: str
    header: str
    unit: str
    icount: bool


MODES = (
    Mode("deterministic", "== deterministic (TCG -icount shift=0): unit insns ==", "insns", True),
    Mode("timed", "== timed (TCG): unit ticks ==", "ticks", False),
)


class BenchError(Exception):
    """A mode failed; the message says why and ends with the serial log tail."""


def run_plan(mode, names):
    """Return the kernel command line for mode and the line that ends the run.

    With no names every benchmark runs; otherwise only the named ones, and
    the native program is left out when no native benchmark is named."""
    linux = [n for n in LINUX_BENCHES if not names or n in names]
    native = [n for n in names if n not in LINUX_BENCHES]
    entries = [LINUX_BENCHES[n][0].format(unit=mode.unit) for n in linux]
    done = LINUX_BENCHES[linux[-1]][1] if linux else DONE
    if native or not names:
        entries.append(":".join(["bench", mode.unit, *native]))
        done = DONE
    return "run=" + ",".join(entries), done


def force_tcg(command):
    """Return command with its accelerator set to TCG (qemu.py picks KVM when it can)."""
    command = list(command)
    where = command.index("-accel") + 1
    command[where] = "tcg"
    return command


def mode_command(mode, iso, cmdline):
    """Return the QEMU command line that boots cmdline in mode."""
    command = qemu.qemu_command(iso, smp=SMP, cmdline=cmdline, icount=mode.icount)
    return command if mode.icount else force_tcg(command)


def log_tail(lines):
    """Return the last serial lines, indented, for a failure message."""
    shown = lines[-TAIL_LINES:]
    return "\n".join(["serial log tail:"] + ["    " + line for line in shown])


def check_line(line, mode):
    """Return a failure reason for one complete serial line, or None."""
    if ERRORS.search(line):
        return f"error on the serial port: {line.strip()!r}"
    if line.startswith("BENCH"):
        found = BENCH_LINE.fullmatch(line)
        if not found:
            return f"malformed BENCH line: {line!r}"
        if found["unit"] != mode.unit:
            return f"BENCH line in unit {found['unit']}, expected {mode.unit}: {line!r}"
    return None


def read_serial(process, mode, log, done):
    """Read QEMU's output until the line done; return every line; raise BenchError on failure."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    lines, partial = [], ""
    deadline = time.monotonic() + TIMEOUT_SECONDS
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise BenchError(f"timed out after {TIMEOUT_SECONDS:.0f} s\n{log_tail(lines)}")
            if not selector.select(min(remaining, POLL_SECONDS)):
                continue
            chunk = os.read(process.stdout.fileno(), READ_SIZE)
            log.write(chunk)
            if not chunk:
                status = process.wait()
                shown = lines + [partial] if partial else lines
                why = f"QEMU exited (status {status}) before {done!r}"
                raise BenchError(f"{why}\n{log_tail(shown)}")
            complete = (partial + decoder.decode(chunk)).split("\n")
            partial = complete.pop()
            for line in (text.rstrip("\r") for text in complete):
                lines.append(line)
                reason = check_line(line, mode)
                if reason:
                    raise BenchError(f"{reason}\n{log_tail(lines)}")
                if line == done:
                    return lines


def stop_qemu(process):
    """Kill QEMU if it still runs, reap it and close its pipe."""
    if process.poll() is None:
        process.kill()
    try:
        process.wait(timeout=KILL_WAIT_SECONDS)
    finally:
        process.stdout.close()


def run_mode(mode, iso, names):
    """Boot the benchmarks in mode; return their BENCH and skip lines; QEMU is dead on return."""
    cmdline, done = run_plan(mode, names)
    try:
        command = mode_command(mode, iso, cmdline)
    except qemu.QemuError as err:
        raise BenchError(str(err)) from err
    log_path = BUILD / f"bench-{mode.name}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    print(f"bench.py: {mode.name}: {' '.join(command)}", file=sys.stderr, flush=True)
    with open(log_path, "wb") as log:
        try:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except OSError as err:
            raise BenchError(f"cannot start {command[0]}: {err.strerror}") from err
        try:
            lines = read_serial(process, mode, log, done)
        finally:
            stop_qemu(process)
    results = [line for line in lines if line.startswith("BENCH ") or SKIPPED_LINE.fullmatch(line)]
    if not any(line.startswith("BENCH ") for line in results):
        raise BenchError(f"no BENCH line\n{log_tail(lines)}")
    return results


def parse_args(argv):
    """Parse the command line."""
    parser = argparse.ArgumentParser(description="Run Cairn's in-guest benchmarks in QEMU.")
    parser.add_argument("--iso", default=str(DEFAULT_ISO), help="the ISO to boot")
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help="run only this benchmark (repeatable; default all)")
    parser.add_argument("--mode", choices=("deterministic", "timed", "both"), default="both",
                        help="which QEMU timing to run under (default both)")
    args = parser.parse_args(argv)
    for name in args.only:
        if not NAME.fullmatch(name):
            parser.error(f"--only {name!r}: a benchmark name is letters, digits and '_'")
    return args


def main(argv):
    """Program entry point: run the selected modes, print and save their figures."""
    args = parse_args(argv)
    if not os.path.isfile(args.iso):
        print(f"bench.py: ISO {args.iso} not found; build it first", file=sys.stderr)
        return 2
    REPORT.unlink(missing_ok=True)
    report = []
    for mode in MODES:
        if args.mode not in (mode.name, "both"):
            continue
        started = time.monotonic()
        try:
            results = run_mode(mode, args.iso, args.only)
        except BenchError as err:
            print(f"bench.py: {mode.name}: FAILED: {err}", file=sys.stderr)
            return 1
        print(f"bench.py: {mode.name}: {time.monotonic() - started:.0f} s", file=sys.stderr)
        report += [mode.header, *results]
        print("\n".join([mode.header, *results]), flush=True)
    REPORT.write_text("\n".join(report) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
