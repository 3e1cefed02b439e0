#!/usr/bin/env python3
"""The single test runner behind `make test`.

Runs, in order:
  host    every build/host/test_* binary; each prints "NAME: N passed, N failed"
          and every check counts. A binary that crashes, or exits non-zero
          without failures in its summary (a sanitizer report), adds a failure.
  fuzz    every build/fuzz/fuzz_<name> for --fuzz-seconds, over the corpus
          build/fuzz/corpus-<name> and the seeds tests/fuzz/seeds/<name>; each
          counts as one pass or one failure.
  system  the cases of tests/system/cases.py, each booting --iso in QEMU.

Prints one progress line per item, on a failure the reason and the captured
output, and ends with exactly one line "N passed, N failed". Exit status: 0
when everything passed, 1 when something failed, 2 on a usage error, 130 when
interrupted. Needs no terminal, and kills every child on every path.
"""

import argparse
import concurrent.futures
import dataclasses
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "system"))
import cases  # noqa: E402  (tests/system is not a package; the path is set just above)
import harness  # noqa: E402

HOST_DIR = ROOT / "build" / "host"
FUZZ_DIR = ROOT / "build" / "fuzz"
SEEDS_DIR = ROOT / "tests" / "fuzz" / "seeds"
LOG_DIR = ROOT / "build" / "test-logs"
DEFAULT_ISO = ROOT / "build" / "cairn.iso"

HOST_TIMEOUT = 120.0
FUZZ_GRACE = 60.0
TAIL_LINES = 200
SUMMARY = re.compile(r"^(\S+): (\d+) passed, (\d+) failed$", re.MULTILINE)
FUZZ_RUNS = re.compile(r"Done (\d+) runs")
ANSI_ESCAPE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|[@-Z\\-_])")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclasses.dataclass
class Tally:
    """Checks and items passed and failed so far."""

    passed: int = 0
    failed: int = 0


def say(text=""):
    """Print one line at once: CI reads the output through a pipe."""
    print(text, flush=True)


def report(passed, label, detail):
    """Print the progress line of one item."""
    say(f"{'PASS' if passed else 'FAIL'} {label} ({detail})")


def printable(line):
    """Drop terminal control sequences, which could clear or garble the reader's screen."""
    return CONTROL.sub("", ANSI_ESCAPE.sub("", line))


def show_tail(title, text):
    """Print the last TAIL_LINES lines of text under a title, made printable."""
    if not text.strip():
        say(f"--- {title}: empty ---")
        return
    lines = [printable(line) for line in text.rstrip("\n").split("\n")]
    shown = lines[-TAIL_LINES:]
    say(f"--- {title} (last {len(shown)} of {len(lines)} lines) ---")
    for line in shown:
        say(line)
    say(f"--- end of {title} ---")


def display_path(path):
    """Return path relative to the repository when it lies inside it."""
    path = Path(path).resolve()
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def executables(directory, prefix):
    """Return the executable files in directory whose names start with prefix, sorted."""
    if not directory.is_dir():
        return []
    found = [p for p in directory.iterdir() if p.name.startswith(prefix) and p.is_file()]
    return sorted(p for p in found if os.access(p, os.X_OK))


def run_child(command, timeout):
    """Run command with no stdin; return (status or None on timeout, output, seconds)."""
    started = time.monotonic()
    try:
        done = subprocess.run(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=timeout,
            cwd=ROOT,
        )
        status, output = done.returncode, done.stdout
    except subprocess.TimeoutExpired as err:
        status, output = None, err.output or b""
    except OSError as err:
        status, output = 127, f"cannot run {command[0]}: {err.strerror}".encode()
    return status, output.decode("utf-8", errors="replace"), time.monotonic() - started


def describe_status(status):
    """Describe how a child ended, for a failure message."""
    if status is None:
        return "timed out"
    if status < 0:
        try:
            return f"killed by signal {signal.Signals(-status).name}"
        except ValueError:
            return f"killed by signal {-status}"
    return f"exit status {status}"


def host_counts(status, output):
    """Return (passed, failed, problem) for one host test binary's run."""
    summaries = SUMMARY.findall(output)
    if not summaries:
        return 0, 1, f"{describe_status(status)} with no summary line"
    passed, failed = int(summaries[-1][1]), int(summaries[-1][2])
    if status != 0 and failed == 0:
        return passed, 1, f"{describe_status(status)} after reporting no failures"
    return passed, failed, None


def run_host_tests(args, tally):
    """Run every host test binary and add its checks to tally."""
    binaries = executables(HOST_DIR, "test_")
    if not binaries:
        # Nothing ran: a failure, not a quiet "0 passed, 0 failed".
        tally.failed += 1
        report(False, "host", f"no host test binaries in {display_path(HOST_DIR)}")
        say("reason: build them first (make host-tests; make test does)")
    for binary in binaries:
        status, output, seconds = run_child([str(binary)], HOST_TIMEOUT * args.timeout_scale)
        passed, failed, problem = host_counts(status, output)
        tally.passed += passed
        tally.failed += failed
        detail = f"{passed} passed, {failed} failed, {seconds:.1f} s"
        report(failed == 0, f"host/{binary.name}", detail)
        if failed:
            if problem:
                say(f"reason: {problem}")
            show_tail(f"output of {binary.name}", output)


def fuzz_command(binary, seconds):
    """Return the libFuzzer command line for one fuzz binary, creating its corpus."""
    name = binary.name[len("fuzz_") :]
    corpus = FUZZ_DIR / f"corpus-{name}"
    corpus.mkdir(parents=True, exist_ok=True)
    # Crash reproducers go to build/fuzz/, not to the source tree.
    command = [
        str(display_path(binary)),
        f"-max_total_time={seconds}",
        "-print_final_stats=0",
        f"-artifact_prefix={display_path(FUZZ_DIR)}/",
        str(display_path(corpus)),
    ]
    seeds = SEEDS_DIR / name
    if seeds.is_dir():
        command.append(str(display_path(seeds)))
    return name, command


def run_fuzzers(args, tally):
    """Run every fuzz binary for args.fuzz_seconds; each is one pass or one failure."""
    binaries = executables(FUZZ_DIR, "fuzz_")
    if not binaries:
        tally.failed += 1
        report(False, "fuzz", f"no fuzz binaries in {display_path(FUZZ_DIR)}")
        say("reason: build them first (make fuzzers; make test does)")
    for binary in binaries:
        name, command = fuzz_command(binary, args.fuzz_seconds)
        limit = args.fuzz_seconds + FUZZ_GRACE * args.timeout_scale
        status, output, seconds = run_child(command, limit)
        runs = FUZZ_RUNS.findall(output)
        detail = f"{runs[-1] if runs else '?'} runs, {seconds:.1f} s"
        report(status == 0, f"fuzz/{name}", detail)
        if status == 0:
            tally.passed += 1
            continue
        tally.failed += 1
        say(f"reason: {describe_status(status)}")
        say(f"command: {shlex.join(command)}")
        show_tail(f"output of fuzz_{name}", output)


def report_case(outcome, tally):
    """Print one system case's result and count it."""
    report(outcome.passed, f"system/{outcome.name}", f"{outcome.seconds:.1f} s")
    if outcome.passed:
        tally.passed += 1
        return
    tally.failed += 1
    say(f"reason: {outcome.reason}")
    if outcome.command:
        say(f"command: {shlex.join(outcome.command)}")
    if outcome.log_path is not None and outcome.log_path.is_file():
        text = outcome.log_path.read_text(encoding="utf-8", errors="replace")
        show_tail(f"serial log {display_path(outcome.log_path)}", text)


def case_outcome(future, case):
    """Return a finished case's Outcome; a bug in the harness fails that case only."""
    try:
        return future.result()
    except Exception:  # noqa: BLE001  (reported as the case's failure, with the trace)
        reason = f"harness error:\n{traceback.format_exc().rstrip()}"
        return harness.Outcome(case.name, reason, 0.0, None, [])


def run_system_tests(args, selected, tally, stop):
    """Run the selected cases, args.jobs at a time, reporting each as it ends."""
    if not Path(args.iso).is_file():
        for case in selected:
            report(False, f"system/{case.name}", "not run")
            say(f"reason: ISO {args.iso} not found; build it first")
            tally.failed += 1
        return
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        try:
            run = harness.run_case
            futures = {
                pool.submit(run, case, args.iso, LOG_DIR, args.timeout_scale, stop): case
                for case in selected
            }
            for future in concurrent.futures.as_completed(futures):
                report_case(case_outcome(future, futures[future]), tally)
        except BaseException:
            stop.set()
            harness.kill_all()
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def select_cases(names):
    """Return the cases named (all when names is empty); exit 2 on an unknown name."""
    by_name = {case.name: case for case in cases.CASES}
    unknown = [name for name in names if name not in by_name]
    if unknown:
        known = ", ".join(by_name)
        print(f"run.py: unknown case {', '.join(unknown)}; known: {known}", file=sys.stderr)
        sys.exit(2)
    if not names:
        return list(cases.CASES)
    return [by_name[name] for name in dict.fromkeys(names)]


def positive(kind):
    """Return an argparse type accepting numbers of kind greater than zero."""

    def parse(text):
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be greater than 0, not {text}")
        return value

    return parse


def parse_args(argv):
    """Parse the command line; --case without an --only-* option means --only-system."""
    parser = argparse.ArgumentParser(description="Run Cairn's host, fuzz and system tests.")
    parser.add_argument("--only-host", dest="host", action="store_true",
                        help="run the host tests (and other --only-* kinds named)")
    parser.add_argument("--only-fuzz", dest="fuzz", action="store_true",
                        help="run the fuzzers (and other --only-* kinds named)")
    parser.add_argument("--only-system", dest="system", action="store_true",
                        help="run the system tests (and other --only-* kinds named)")
    parser.add_argument("--case", action="append", default=[], metavar="NAME",
                        help="run this system case (repeatable)")
    parser.add_argument("--list", action="store_true", help="list what would run and exit")
    parser.add_argument("--jobs", type=positive(int), default=1, help="system cases in parallel")
    parser.add_argument("--timeout-scale", type=positive(float), default=1.0,
                        help="multiply every timeout (slow hosts)")
    parser.add_argument("--fuzz-seconds", type=positive(int), default=20,
                        help="seconds per fuzzer (default 20)")
    parser.add_argument("--iso", default=str(DEFAULT_ISO), help="the ISO the system tests boot")
    args = parser.parse_args(argv)
    if not (args.host or args.fuzz or args.system):
        # Naming a case asks for that system test, not the whole suite.
        args.host = args.fuzz = not args.case
        args.system = True
    return args


def list_items(args, selected):
    """Print the items a run with these options would run."""
    if args.host:
        for binary in executables(HOST_DIR, "test_"):
            say(f"host/{binary.name}")
    if args.fuzz:
        for binary in executables(FUZZ_DIR, "fuzz_"):
            say(f"fuzz/{binary.name[len('fuzz_'):]}")
    if args.system:
        for case in selected:
            say(f"system/{case.name}")


def run_all(args, selected, tally, stop):
    """Run the enabled kinds of test in order: host, fuzz, system."""
    if args.host:
        run_host_tests(args, tally)
    if args.fuzz:
        run_fuzzers(args, tally)
    if args.system:
        run_system_tests(args, selected, tally, stop)


def interrupt(_signum, _frame):
    """Turn SIGTERM into KeyboardInterrupt, so every cleanup path runs."""
    raise KeyboardInterrupt


def main(argv):
    """Entry point; returns the exit status."""
    args = parse_args(argv)
    selected = select_cases(args.case)
    if args.list:
        list_items(args, selected)
        return 0
    signal.signal(signal.SIGTERM, interrupt)
    tally, stop = Tally(), threading.Event()
    status = 0
    try:
        run_all(args, selected, tally, stop)
    except KeyboardInterrupt:
        stop.set()
        say("interrupted")
        tally.failed += 1
        status = 130
    finally:
        harness.kill_all()
    say(f"{tally.passed} passed, {tally.failed} failed")
    return status or (1 if tally.failed else 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
