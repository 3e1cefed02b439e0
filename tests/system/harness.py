"""The engine behind the system tests: boot the ISO in QEMU and watch the serial port.

A Case says how to start QEMU and what the serial output must show: `expect`
regexes that must all match, in order, and `forbid` regexes that must never
match (ALWAYS_FORBID is added to every case). run_case() passes as soon as the
last expect matches and kills QEMU at once; it fails on a forbid match, at the
timeout, or when QEMU exits first. Every QEMU it starts is killed before it
returns, whatever happens, and kill_all() kills any still running (for a
signal arriving while other threads run cases).

Expects are matched against complete lines only, so a pattern such as
r'cairn: \\d+ CPUs' cannot match half of a line still arriving. Forbids are also
checked against the incomplete last line, so a kernel that prints "PANIC" and
stops without a newline fails at once rather than at the timeout.
"""

import codecs
import dataclasses
import os
import re
import selectors
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
import qemu  # noqa: E402  (tools/ is not a package; the path is set just above)

PANIC = r"PANIC"
ALWAYS_FORBID = (PANIC, r"Triple fault|triple fault")
DEFAULT_TIMEOUT = 90.0
POLL_SECONDS = 0.2
READ_SIZE = 65536
KILL_WAIT_SECONDS = 10


@dataclasses.dataclass(frozen=True)
class Case:
    """One system test: how to boot, what must and must not appear, and how long to wait.

    name      unique; the log is build/test-logs/<name>.log
    expect    regexes that must all match, in this order, in the serial output
    firmware  "bios" or "uefi"; smp, machine, cpu as for tools/qemu.py
    cmdline   the kernel command line (fw_cfg opt/cairn/cmdline), or None
    forbid    regexes that must never match, on top of ALWAYS_FORBID
    once      regexes that may match at most one line (a marker printed
              twice fails the case)
    panics    the case provokes a kernel panic on purpose: PANIC is then
              expected, not forbidden (a triple fault still is)
    timeout   seconds before the case fails, multiplied by --timeout-scale
    """

    name: str
    expect: tuple
    firmware: str = "bios"
    smp: int = 1
    machine: str = "q35"
    cpu: str = "max"
    cmdline: str | None = None
    forbid: tuple = ()
    once: tuple = ()
    panics: bool = False
    timeout: float = DEFAULT_TIMEOUT

    def __post_init__(self):
        """Compile every pattern now, so a typo fails at import and not mid-run."""
        for pattern in tuple(self.expect) + self.all_forbids() + tuple(self.once):
            re.compile(pattern)

    def all_forbids(self):
        """Return this case's forbids plus those every case has."""
        always = tuple(p for p in ALWAYS_FORBID if not (self.panics and p == PANIC))
        return always + tuple(self.forbid)


@dataclasses.dataclass
class Outcome:
    """The result of one case; reason is None when it passed."""

    name: str
    reason: str | None
    seconds: float
    log_path: Path
    command: list

    @property
    def passed(self):
        """True when the case passed."""
        return self.reason is None


class SerialMatcher:
    """Follows the serial output line by line against a case's expects and forbids."""

    def __init__(self, expect, forbid, once=()):
        self.expect = [re.compile(pattern) for pattern in expect]
        self.forbid = [re.compile(pattern) for pattern in forbid]
        self.once = {re.compile(pattern): 0 for pattern in once}
        self.matched = 0

    @property
    def done(self):
        """True once every expect has matched."""
        return self.matched == len(self.expect)

    def waiting_for(self):
        """Describe the expect not yet seen, for a failure message."""
        pattern = self.expect[self.matched].pattern
        return f"r'{pattern}' (expect {self.matched + 1} of {len(self.expect)})"

    def check_forbid(self, text):
        """Return a failure reason if text matches a forbid, else None."""
        for pattern in self.forbid:
            if pattern.search(text):
                return f"forbidden output r'{pattern.pattern}' in line: {text.strip()!r}"
        return None

    def check_once(self, line):
        """Return a failure reason if line is the second match of a once pattern, else None."""
        for pattern in self.once:
            if pattern.search(line):
                self.once[pattern] += 1
                if self.once[pattern] > 1:
                    return f"r'{pattern.pattern}' matched a second line: {line.strip()!r}"
        return None

    def feed_line(self, line):
        """Consume one complete line; return a failure reason or None."""
        reason = self.check_forbid(line) or self.check_once(line)
        if reason:
            return reason
        column = 0
        while not self.done:
            found = self.expect[self.matched].search(line, column)
            if not found:
                break
            column = found.end()
            self.matched += 1
        return None


class LineSplitter:
    """Turns chunks of serial bytes into complete lines plus the incomplete rest."""

    def __init__(self):
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.partial = ""

    def feed(self, chunk):
        """Return the lines chunk completes; the rest waits in self.partial."""
        lines = (self.partial + self.decoder.decode(chunk)).split("\n")
        self.partial = lines.pop()
        return [line.rstrip("\r") for line in lines]


_live = set()
_live_lock = threading.Lock()


def kill_all():
    """Kill every QEMU a case started and has not yet reaped."""
    with _live_lock:
        for process in _live:
            if process.poll() is None:
                process.kill()


def start_qemu(command):
    """Start QEMU with its serial console (and its own messages) on a pipe."""
    with _live_lock:
        # In its own session, so a Ctrl-C at the terminal reaches the runner,
        # which then kills QEMU itself and reports the case as interrupted.
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        _live.add(process)
    return process


def stop_qemu(process):
    """Kill QEMU if it still runs, reap it and close its pipe."""
    if process.poll() is None:
        process.kill()
    try:
        process.wait(timeout=KILL_WAIT_SECONDS)
    finally:
        process.stdout.close()
        with _live_lock:
            _live.discard(process)


def finish_output(matcher, splitter):
    """Match the incomplete last line once no more output will come."""
    reason = matcher.feed_line(splitter.partial) if splitter.partial else None
    splitter.partial = ""
    return reason


def consume_chunk(matcher, splitter, chunk):
    """Feed one chunk of serial output; return a failure reason or None.

    An incomplete last line is matched only once complete (or at the end of
    the output, finish_output): a forbid such as r"exited \((?!status 0)"
    matches the beginning "exited (s" of the very line it allows.
    """
    for line in splitter.feed(chunk):
        reason = matcher.feed_line(line)
        if reason or matcher.done:
            return reason
    return None


def watch_serial(process, matcher, log, deadline, stop):
    """Read QEMU's output until the case is decided; return a failure reason or None."""
    splitter = LineSplitter()
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while True:
            if stop is not None and stop.is_set():
                return "interrupted"
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return finish_output(matcher, splitter) or timeout_reason(matcher)
            if not selector.select(min(remaining, POLL_SECONDS)):
                continue
            chunk = os.read(process.stdout.fileno(), READ_SIZE)
            log.write(chunk)
            if not chunk:
                return finish_output(matcher, splitter) or exit_reason(process, matcher)
            reason = consume_chunk(matcher, splitter, chunk)
            if reason or matcher.done:
                return reason


def timeout_reason(matcher):
    """The failure reason at the deadline (None if the last line completed the case)."""
    return None if matcher.done else f"timed out waiting for {matcher.waiting_for()}"


def exit_reason(process, matcher):
    """The failure reason when QEMU closed its output (None if the case completed)."""
    if matcher.done:
        return None
    status = process.wait()
    return f"QEMU exited early (status {status}) while waiting for {matcher.waiting_for()}"


def case_command(case, iso):
    """Return the QEMU command line for case."""
    return qemu.qemu_command(
        iso,
        firmware=case.firmware,
        smp=case.smp,
        machine=case.machine,
        cpu=case.cpu,
        cmdline=case.cmdline,
    )


def run_case(case, iso, log_dir, timeout_scale=1.0, stop=None):
    """Boot iso as case says and return its Outcome; QEMU is dead when this returns.

    The full serial log goes to log_dir/<name>.log. stop, a threading.Event,
    abandons the case (as a failure) when set.
    """
    started = time.monotonic()
    log_path = Path(log_dir) / f"{case.name}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        command = case_command(case, iso)
    except qemu.QemuError as err:
        log_path.write_bytes(b"")
        return Outcome(case.name, str(err), 0.0, log_path, [])
    deadline = started + case.timeout * timeout_scale
    matcher = SerialMatcher(case.expect, case.all_forbids(), case.once)
    with open(log_path, "wb") as log:
        try:
            process = start_qemu(command)
        except OSError as err:
            reason = f"cannot start {command[0]}: {err.strerror}"
            return Outcome(case.name, reason, 0.0, log_path, command)
        try:
            reason = watch_serial(process, matcher, log, deadline, stop)
        finally:
            stop_qemu(process)
    return Outcome(case.name, reason, time.monotonic() - started, log_path, command)
