#!/usr/bin/env python3
"""Run the system-call fuzzer for a long time (`make bench` runs it).

    python3 tools/fuzz_syscalls.py [--iso ISO] [--seed N] [--calls N] [--smp N]
                                   [--timeout SECONDS]

Boots the ISO with `run=sysfuzz:SEED:CALLS` (user/sysfuzz; default seed 1,
1,000,000 calls, 4 CPUs) and watches the serial port as a system test does
(tests/system/harness.py): it passes on `sysfuzz: no leak` after the
summary line, and fails on a panic, on the fuzzer being killed, on a leak
or a bug the fuzzer reports, on QEMU ending, and at the timeout. Prints the
fuzzer's summary lines and the time taken; the whole serial log is kept in
build/fuzz-syscalls-seedN.log. Exits 0 on a pass, 1 on a failure.
"""

import argparse
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "system"))
import harness  # noqa: E402  (tests/system is not a package; the path is set just above)

BUILD = ROOT / "build"
DEFAULT_ISO = BUILD / "cairn.iso"
FORBID = (r"kernel: killed pid", r"LEAK", r"sysfuzz: (BUG|error)")
SUMMARY = re.compile(r"^\s*(sysfuzz: (\d+ calls, seed|calls made|digest|no leak|LEAK|BUG).*)$")
TAIL_LINES = 40


def positive(text):
    """Parse an integer greater than zero (argparse type)."""
    value = int(text, 0)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be greater than 0, not {text}")
    return value


def parse_args(argv):
    """Parse the command line."""
    parser = argparse.ArgumentParser(description="Run Cairn's system-call fuzzer in QEMU.")
    parser.add_argument("--iso", default=str(DEFAULT_ISO), help="the ISO to boot")
    parser.add_argument("--seed", type=lambda t: int(t, 0), default=1,
                        help="the fuzzer's seed (default 1)")
    parser.add_argument("--calls", type=positive, default=1_000_000,
                        help="system calls to make (default 1000000)")
    parser.add_argument("--smp", type=positive, default=4, help="CPUs (default 4)")
    parser.add_argument("--timeout", type=positive, default=900,
                        help="seconds before the run counts as hung (default 900)")
    args = parser.parse_args(argv)
    if not 0 <= args.seed < 1 << 64:
        parser.error(f"--seed {args.seed}: must fit in 64 bits")
    return args


def fuzz_case(args):
    """Return the harness case that runs the fuzzer as args say."""
    return harness.Case(
        name=f"fuzz-syscalls-seed{args.seed}",
        smp=args.smp,
        cmdline=f"run=sysfuzz:{args.seed}:{args.calls}",
        expect=(rf"sysfuzz: {args.calls} calls, seed {args.seed}, results:", r"sysfuzz: no leak"),
        forbid=FORBID,
        timeout=float(args.timeout),
    )


def main(argv):
    """Program entry point: boot, wait for the verdict, print the summary."""
    args = parse_args(argv)
    if not os.path.isfile(args.iso):
        print(f"fuzz_syscalls.py: ISO {args.iso} not found; build it first", file=sys.stderr)
        return 2
    case = fuzz_case(args)
    print(f"fuzz_syscalls.py: {args.calls} calls, seed {args.seed}, {args.smp} CPUs", flush=True)
    outcome = harness.run_case(case, args.iso, BUILD)
    lines = outcome.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
    summary = [found[1] for found in map(SUMMARY.match, lines) if found]
    print("\n".join(summary))
    if outcome.passed:
        print(f"fuzz_syscalls.py: passed in {outcome.seconds:.0f} s", flush=True)
        return 0
    print(f"fuzz_syscalls.py: FAILED after {outcome.seconds:.0f} s: {outcome.reason}")
    print(f"serial log tail ({outcome.log_path}):")
    for line in lines[-TAIL_LINES:]:
        print("    " + line)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
