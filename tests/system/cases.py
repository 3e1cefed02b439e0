"""The system test cases: each boots the ISO in QEMU and watches the serial port.

The serial markers below are contracts with the kernel and init: change one
only together with the code that prints it. harness.Case documents the fields;
every case also forbids harness.ALWAYS_FORBID (PANIC, triple fault).
"""

from harness import Case

CPUS_ONLINE_2 = r"cairn: 2 CPUs online"
CPUS_ONLINE_4 = r"cairn: 4 CPUs online"
FIRST_USER_INSTRUCTION = r"boot: first user instruction after \d+ us"
# The default boot: init starts the silos of silos/boot.set from their
# manifests (docs/services.md).
SERVICES_UP = r"init: all services up"
SERVICES_FORBID = (r"init: cannot", r"init: giving up", r"init: .*exited", r"svctest: .*FAIL")



def at_least(n):
    """A regex for a decimal number (no leading zero) of at least n: a lower bound on a
    wait init measured, never an upper one (TCG's timing varies)."""
    digits = str(n)
    alternatives = [rf"[1-9]\d{{{len(digits)},}}"]
    for i, c in enumerate(digits):
        d = int(c)
        if i == len(digits) - 1:
            alternatives.append(f"{digits[:i]}[{d}-9]")
        elif d < 9:
            alternatives.append(rf"{digits[:i]}[{d + 1}-9]\d{{{len(digits) - i - 1}}}")
    return "(?:" + "|".join(alternatives) + ")"


SYSCALL_FUZZ = "run=sysfuzz:1:100000"
SYSCALL_FUZZ_EXPECT = (r"sysfuzz: 100000 calls, seed 1, results: ok=\d+", r"sysfuzz: no leak")
SYSCALL_FUZZ_FORBID = (r"kernel: killed pid", r"LEAK", r"sysfuzz: (BUG|error)")
SYSCALL_FUZZ_TIMEOUT = 60.0  # a hang fails within a minute; a run takes about 7 s

CASES = (
    # The oldest shape of machine: i440FX without an HPET (the timer must be
    # calibrated against the PIT) and a CPU without SMEP, SMAP or 1 GiB pages.
    Case(
        name="boot_bios",
        firmware="bios",
        machine="pc,hpet=off",
        cpu="qemu64",
        smp=2,
        expect=(
            r"timer: TSC \d+ kHz, LAPIC timer \d+ kHz \(against the PIT\)",
            CPUS_ONLINE_2,
            FIRST_USER_INSTRUCTION,
            SERVICES_UP,
        ),
    ),
    Case(
        name="boot_uefi",
        firmware="uefi",
        machine="q35",
        cpu="max",
        smp=4,
        expect=(CPUS_ONLINE_4, FIRST_USER_INSTRUCTION, SERVICES_UP),
    ),
    Case(
        name="smp4",
        firmware="bios",
        machine="q35",
        cpu="max",
        smp=4,
        expect=(CPUS_ONLINE_4, SERVICES_UP),
    ),
    # Each fault program must be killed with the right reason, and the system
    # must carry on to start init afterwards.
    Case(
        name="user_fault",
        firmware="bios",
        machine="q35",
        cpu="max",
        smp=2,
        cmdline="run=fault:null,fault:gp,fault:ud,fault:div,init",
        expect=(
            r"kernel: killed pid \d+ \(page fault",
            r"kernel: killed pid \d+ \(general protection",
            r"kernel: killed pid \d+ \(invalid opcode",
            r"kernel: killed pid \d+ \(divide error",
            SERVICES_UP,
        ),
    ),
    # A page fault sent to a pager that refuses it, or that ends before it
    # replies, kills the process with that reason; a thread waiting for a
    # pager that never answers ends with its process.
    Case(
        name="pager_kill",
        firmware="bios",
        machine="q35",
        cpu="max",
        smp=2,
        cmdline="run=fault:refuse,fault:vanish,fault:absent,init",
        expect=(
            r"kernel: killed pid \d+ \(page fault: write of unmapped address 0x200000000000 "
            r"at rip 0x[0-9a-f]+; its pager refused it\)",
            r"kernel: killed pid \d+ \(page fault: write of unmapped address 0x200000000000 "
            r"at rip 0x[0-9a-f]+; its pager ended before replying\)",
            r"kernel: pid \d+ \(fault\) exited with status 7",
            SERVICES_UP,
        ),
        forbid=(r"fault: the write went through", r"fault: still running"),
    ),
    # A port the process was not given, one whose handle it closed, and one
    # revoked while a thread on the other CPU keeps reading it: each is a
    # general protection fault that kills the program, before the close or
    # revoke returns.
    Case(
        name="user_ioport_fault",
        firmware="bios",
        machine="q35",
        cpu="max",
        smp=2,
        cmdline="run=fault:io,fault:ioclosed,fault:iorevoked,init",
        expect=(
            r"fault: about to fault: io$",
            r"kernel: killed pid \d+ \(general protection fault",
            r"fault: about to fault: ioclosed",
            r"kernel: killed pid \d+ \(general protection fault",
            r"fault: about to fault: iorevoked",
            r"kernel: killed pid \d+ \(general protection fault",
            SERVICES_UP,
        ),
        forbid=(r"fault: survived", r"fault: cannot open", r"fault: unknown kind"),
    ),
    # The native runtime's own checks: a failed assert and the heap's
    # double-free and overrun checks each print what went wrong and end
    # the program with EXIT_ABORTED (134); the system carries on.
    Case(
        name="runtime_abort",
        firmware="bios",
        machine="q35",
        cpu="max",
        smp=2,
        cmdline="run=fault:assert,fault:dfree,fault:overrun,init",
        expect=(
            r"fault: assertion failed: kind\[0\] == 'x' \(user/fault/main\.c:\d+, in runtime_abort\)",
            r"fault: aborted",
            r"kernel: pid \d+ \(fault\) exited with status 134",
            r"fault: malloc: double free \(block 0x[0-9a-f]{16}\)",
            r"kernel: pid \d+ \(fault\) exited with status 134",
            r"fault: malloc: heap overrun past the end of a block \(block 0x[0-9a-f]{16}\)",
            r"kernel: pid \d+ \(fault\) exited with status 134",
            SERVICES_UP,
        ),
        forbid=(r"fault: survived", r"fault: unknown kind"),
    ),
    # A fault in ring 0 is a kernel bug: the kernel must name the exception,
    # dump the registers and a symbolic backtrace, and halt.
    Case(
        name="kernel_fault",
        firmware="bios",
        machine="q35",
        cpu="max",
        smp=2,
        cmdline="crash_test",
        panics=True,
        expect=(
            CPUS_ONLINE_2,
            r"PANIC on cpu 0: page fault \(vector 14\) in the kernel",
            r"rip 0xffffffff8[0-9a-f]+ cs 0x8",
            r"cr2 0xffff810000000000",
            r"backtrace:",
            r"#0 0x[0-9a-f]+ crash_test_fault\+0x",
            r"#\d+ 0x[0-9a-f]+ kmain\+0x",
            r"cairn: system halted",
        ),
        forbid=(r"init: ",),
    ),
    # Thirty processes started and ended (half killed by a fault) must leave
    # free frames and heap use exactly as they were after the first two
    # (svctest:exit:0 exits at once when it has no nameserver to talk to).
    Case(
        name="spawn_exit_leak",
        firmware="bios",
        machine="q35",
        cpu="max",
        smp=2,
        cmdline="run=" + ",".join(["svctest:exit:0,fault:null"] * 15),
        expect=(
            r"free frames (\d+) after program 2, \1 after program 30; "
            r"heap bytes in use (\d+) after program 2, \2 after program 30",
        ),
        # Fail at once, not at the timeout, when the numbers differ.
        forbid=(
            r"free frames (\d+) after program 2, (?!\1 after)\d+ after",
            r"heap bytes in use (\d+) after program 2, (?!\1 after)\d+ after",
        ),
    ),
    # The in-guest kernel test suite, on one CPU and on four.
    Case(
        name="ktest_smp1",
        firmware="bios",
        machine="q35",
        cpu="max",
        smp=1,
        cmdline="run=ktest:quick",
        expect=(r"ktest: \d+ passed, 0 failed",),
        forbid=(r"ktest: FAIL", r"ktest: \d+ passed, [1-9]\d* failed"),
    ),
    Case(
        name="ktest_smp4",
        firmware="bios",
        machine="q35",
        cpu="max",
        smp=4,
        cmdline="run=ktest:quick",
        expect=(r"ktest: \d+ passed, 0 failed",),
        forbid=(r"ktest: FAIL", r"ktest: \d+ passed, [1-9]\d* failed"),
    ),
    # The system-call fuzzer (user/sysfuzz), seed 1, on one CPU and on four:
    # no panic, the fuzzer never killed, and kernel memory back where it was
    # once it has closed everything. About 7 s each under TCG.
    Case(
        name="syscall_fuzz_smp1",
        firmware="bios",
        machine="q35",
        cpu="max",
        smp=1,
        cmdline=SYSCALL_FUZZ,
        expect=SYSCALL_FUZZ_EXPECT,
        forbid=SYSCALL_FUZZ_FORBID,
        timeout=SYSCALL_FUZZ_TIMEOUT,
    ),
    Case(
        name="syscall_fuzz_smp4",
        firmware="bios",
        machine="q35",
        cpu="max",
        smp=4,
        cmdline=SYSCALL_FUZZ,
        expect=SYSCALL_FUZZ_EXPECT,
        forbid=SYSCALL_FUZZ_FORBID,
        timeout=SYSCALL_FUZZ_TIMEOUT,
    ),
    # An unmodified static Linux program (musl-gcc -static, tests/linux/hello.c)
    # run by the Linux personality (user/posix) through the foreign-ABI hook:
    # its printf reaches the console through writev, set_tid_address,
    # arch_prctl and ioctl are answered, and exit_group's status comes back.
    Case(
        name="linux_hello",
        firmware="bios",
        machine="q35",
        cpu="max",
        smp=2,
        cmdline="run=posix:linux/hello,init",
        expect=(
            r"hello from linux: argc=1 argv\[0\]=linux/hello",
            r"posix: linux/hello exited with status 0",
            SERVICES_UP,
        ),
        forbid=(r"is not implemented \(ENOSYS\)", r"posix: .*(killed|error|failed)"),
    ),
    # The default boot: the nameserver and the log service started from
    # their manifests as supervised silos; the kernel's lines drained into
    # the log service are not printed a second time.
    Case(
        name="boot_services",
        firmware="bios",
        machine="q35",
        cpu="max",
        smp=2,
        expect=(
            r"init: started nameserver pid \d+",
            r"init: started log pid \d+",
            SERVICES_UP,
        ),
        forbid=SERVICES_FORBID,
    ),
    # Supervision: a silo that faults every time is restarted after 20, 40
    # and 80 ms (on-failure, doubling back-off), then given up on after its
    # limit of 3 restarts. init says how long it really waited between the
    # exit it saw and each restart: at least the delay it announced.
    Case(
        name="supervision",
        firmware="bios",
        machine="q35",
        cpu="max",
        smp=2,
        cmdline="run=init:set=supervision",
        expect=(
            r"init: started crashy pid \d+",
            SERVICES_UP,
            r"init: crashy exited \(faulted\)",
            r"init: restarting crashy in 20 ms",
            r"init: started crashy pid \d+",
            rf"init: restarted crashy after {at_least(20)} ms$",
            r"init: crashy exited \(faulted\)",
            r"init: restarting crashy in 40 ms",
            r"init: started crashy pid \d+",
            rf"init: restarted crashy after {at_least(40)} ms$",
            r"init: crashy exited \(faulted\)",
            r"init: restarting crashy in 80 ms",
            r"init: started crashy pid \d+",
            rf"init: restarted crashy after {at_least(80)} ms$",
            r"init: crashy exited \(faulted\)",
            r"init: giving up on crashy after 3 restarts",
        ),
        forbid=(
            r"init: restarting crashy in (?!20 ms|40 ms|80 ms)\d+ ms",
            r"init: restarted crashy after (1?\d) ms",
            r"init: restarting (log|nameserver)",
        ),
    ),
    # init's lines in the log service (same set): a program reading "log:"
    # finds init's lines about crashy (and those from the boot, before the
    # log service ran) under init's writer id, and each restart at least
    # the announced back-off after the exit init saw, by crashy's own clock
    # at its next start. The log service does not print init's lines a
    # second time.
    Case(
        name="supervision_logged",
        firmware="bios",
        machine="q35",
        cpu="max",
        smp=2,
        cmdline="run=init:set=supervision",
        expect=(
            r"init: giving up on crashy after 3 restarts",
            r"svctest: watcher: ok: init's lines in the log as writer 1 from the boot on; "
            r"crashy restarted \d+, \d+, \d+ ms after its exits by its own clock "
            r"\(at least 20, 40, 80\)",
        ),
        forbid=(r"svctest: .*FAIL", r"init: restarting (log|nameserver)"),
        once=(
            r"init: started nameserver pid",
            r"init: started log pid",
            SERVICES_UP,
            r"init: giving up on crashy",
        ),
    ),
    # The log service killed (kill=log@MS) and restarted: the lines init
    # made while it was down (its exit, the restart announced) were queued
    # and reach its next instance, which a program reading "log:" finds.
    Case(
        name="init_log_restart",
        firmware="bios",
        machine="q35",
        cpu="max",
        smp=2,
        cmdline="run=init:set=logdown:kill=log@1000",
        expect=(
            r"init: test: killing log",
            r"init: log exited \(killed\)",
            r"init: restarting log in 50 ms",
            r"init: started log pid \d+",
            rf"init: restarted log after {at_least(50)} ms$",
            r"svctest: logdown: ok: init's lines from while the log service was down reached "
            r"its next instance",
        ),
        forbid=(
            r"svctest: .*FAIL",
            r"init: cannot",
            r"init: giving up",
            r"init: logwatch exited \((?!status 0)",
            r"init: test: no silo",
        ),
        once=(r"init: log exited \(killed\)", r"init: restarting log in 50 ms"),
    ),
    # The log service hung (stop=log@MS suspends its thread: it takes no
    # more calls and answers none): init's calls to it time out, so init
    # goes on supervising (idler, killed meanwhile, is restarted); once the
    # hung log service is killed and restarted, init's lines about idler
    # from while it hung reach the next instance.
    Case(
        name="init_log_hung",
        firmware="bios",
        machine="q35",
        cpu="max",
        smp=2,
        cmdline="run=init:set=loghung:stop=log@300:kill=idler@800:kill=log@2500",
        expect=(
            SERVICES_UP,
            r"init: test: stopping log",
            r"init: test: killing idler",
            r"init: idler exited \(killed\)",
            r"init: restarting idler in 30 ms",
            r"init: started idler pid \d+",
            rf"init: restarted idler after {at_least(30)} ms$",
            r"init: test: killing log",
            r"init: log exited \(killed\)",
            r"init: restarting log in 50 ms",
            r"init: started log pid \d+",
            r"svctest: logdown: ok: init's lines from while the log service was down or hung, "
            r"about idler reached its next instance",
        ),
        forbid=(
            r"svctest: .*FAIL",
            r"init: cannot",
            r"init: giving up on (log|nameserver)",
            r"init: loghung exited \((?!status 0)",
            r"init: test: no silo",
        ),
        once=(r"init: idler exited \(killed\)", r"init: restarted idler after"),
    ),
    # Supervision: policy never leaves a silo down whatever its status;
    # always restarts one that exited with status 0, up to its limit;
    # on-failure leaves down one that exited with status 0. (Three cases
    # on one set: the silos end in any order.)
    Case(
        name="supervision_never",
        firmware="bios",
        machine="q35",
        cpu="max",
        smp=2,
        cmdline="run=init:set=supervision-never",
        expect=(
            r"init: started once pid \d+",
            r"init: once exited \(status 3\)",
            r"init: once stays down \(restart = never\)",
        ),
        forbid=(r"init: restarting (once|clean)", r"init: giving up on (once|clean)"),
    ),
    Case(
        name="supervision_always",
        firmware="bios",
        machine="q35",
        cpu="max",
        smp=2,
        cmdline="run=init:set=supervision-never",
        expect=(
            r"init: again exited \(status 0\)",
            r"init: restarting again in 10 ms",
            rf"init: restarted again after {at_least(10)} ms$",
            r"init: again exited \(status 0\)",
            r"init: restarting again in 10 ms",
            rf"init: restarted again after {at_least(10)} ms$",
            r"init: again exited \(status 0\)",
            r"init: giving up on again after 2 restarts",
        ),
        forbid=(r"init: restarting (once|clean)", r"init: again stays down"),
    ),
    Case(
        name="supervision_clean_exit",
        firmware="bios",
        machine="q35",
        cpu="max",
        smp=2,
        cmdline="run=init:set=supervision-never",
        expect=(
            r"init: started clean pid \d+",
            r"init: clean exited \(status 0\)",
            r"init: clean stays down \(restart = on-failure\)",
        ),
        forbid=(r"init: restarting (once|clean)", r"init: giving up on (once|clean)"),
    ),
    # Least privilege: a silo given only "log" asks for other schemes, for
    # initial capabilities, to provide schemes and for init's nameserver
    # methods; every request is refused with its documented error.
    Case(
        name="least_privilege",
        firmware="bios",
        machine="q35",
        cpu="max",
        smp=2,
        cmdline="run=init:set=privilege",
        expect=(r"svctest: privilege: ok: every request beyond the manifest was refused",),
        forbid=(r"svctest: .*FAIL", r"init: privilege exited \((?!status 0)"),
    ),
    # ...and a silo whose manifest names capabilities holds exactly those.
    Case(
        name="manifest_capabilities",
        firmware="bios",
        machine="q35",
        cpu="max",
        smp=2,
        cmdline="run=init:set=privilege",
        expect=(r"svctest: granted: ok: exactly the irq control and the ramdisk \(read\|map\)",),
        forbid=(r"svctest: .*FAIL",),
    ),
    # Namespace isolation (three cases on one set, whose silos finish in
    # any order; each forbids every failure of all three): a silo with
    # "secret" in its namespace reaches its server, with a badge naming its
    # namespace; one without cannot, by name or by any handle value it
    # guesses; a read-only view of "log" refuses writes.
    Case(
        name="namespace_isolation",
        firmware="bios",
        machine="q35",
        cpu="max",
        smp=2,
        cmdline="run=init:set=isolation",
        expect=(
            r"svctest: isolation: ok: secret: not found; \d+ guessed handle values refused",
        ),
        forbid=(r"svctest: .*FAIL",),
    ),
    Case(
        name="namespace_peer",
        firmware="bios",
        machine="q35",
        cpu="max",
        smp=2,
        cmdline="run=init:set=isolation",
        expect=(r"svctest: peer: ok: reached secret with badge 0x[0-9a-f]+00",),
        forbid=(r"svctest: .*FAIL",),
    ),
    Case(
        name="namespace_read_only",
        firmware="bios",
        machine="q35",
        cpu="max",
        smp=2,
        cmdline="run=init:set=isolation",
        expect=(r"svctest: read-only: ok: write refused, read allowed",),
        forbid=(r"svctest: .*FAIL",),
    ),
    # Crash and recover: init kills the log service, then the nameserver
    # (kill=NAME@MS), restarts each, and makes the namespaces again for the
    # new nameserver; a client keeps resolving and writing the whole time,
    # through fresh handles and through the one it got first.
    Case(
        name="service_recovery",
        firmware="bios",
        machine="q35",
        cpu="max",
        smp=2,
        cmdline="run=init:set=recovery:kill=log@300:kill=nameserver@900",
        expect=(
            r"init: test: killing log",
            r"init: log exited \(killed\)",
            r"init: restarting log in 50 ms",
            r"init: started log pid \d+",
            r"init: test: killing nameserver",
            r"init: nameserver exited \(killed\)",
            r"init: restarting nameserver in 50 ms",
            r"init: started nameserver pid \d+",
            r"svctest: recovery: ok: 60 rounds through the restarts",
        ),
        forbid=(
            r"svctest: .*FAIL",
            r"init: cannot",
            r"init: giving up",
            r"init: recovery exited \((?!status 0)",
            r"init: test: no silo",
        ),
    ),
    # A service init leaves down (policy never, killed by the test): init
    # revokes and closes its endpoint, so the client's call queued on it
    # fails with PEER_DEAD instead of waiting for ever, and the next call
    # through the same (revoked) handle with REVOKED.
    Case(
        name="service_given_up",
        firmware="bios",
        machine="q35",
        cpu="max",
        smp=2,
        cmdline="run=init:set=giveup:kill=stall@3000",
        expect=(
            r"init: started stall pid \d+",
            r"init: started giveup pid \d+",
            r"init: test: killing stall",
            r"init: stall exited \(killed\)",
            r"init: stall stays down \(restart = never\)",
            r"svctest: giveup: ok: the call failed with PEER_DEAD, the next with REVOKED",
        ),
        forbid=(
            r"svctest: .*FAIL",
            r"init: cannot",
            r"init: giveup exited \((?!status 0)",
        ),
    ),
    # A manifest that does not parse is refused with its file and line, a
    # silo that depends on it is left out, so is one that provides a scheme
    # another silo provides, a silo whose program is missing cannot start
    # and one that depends on it is not started, and the rest of the set
    # still starts.
    Case(
        name="bad_manifest",
        firmware="bios",
        machine="q35",
        cpu="max",
        smp=2,
        cmdline="run=init:set=broken",
        expect=(
            r"init: silos/broken\.silo:8: .*colour",
            r"init: cannot start imposter: scheme log is provided by log already",
            r"init: cannot start afterbroken: it depends on broken, which did not load",
            r"init: started nameserver pid \d+",
            r"init: started log pid \d+",
            r"init: cannot start ghost \(error -16, NOT_FOUND\)",
            r"init: cannot start afterghost: it depends on ghost, which is not up",
            r"init: 2 of 7 services up",
        ),
        forbid=(
            r"init: started (broken|afterbroken|ghost|afterghost|imposter)",
            r"init: all services up",
        ),
    ),
    # A hostile client: malformed messages of every kind to the log service
    # and the nameserver, each refused, both still serving afterwards.
    Case(
        name="hostile_client",
        firmware="bios",
        machine="q35",
        cpu="max",
        smp=2,
        cmdline="run=init:set=hostile",
        expect=(r"svctest: hostile: ok: \d+ malformed messages rejected",),
        forbid=(r"svctest: .*FAIL", r"init: (log|nameserver) exited"),
    ),
    # The log read back through "log:": the kernel's lines (drained from
    # the kernel log) and the services' own.
    Case(
        name="log_readback",
        firmware="bios",
        machine="q35",
        cpu="max",
        smp=2,
        cmdline="run=init:set=readback",
        expect=(r"svctest: reader: ok: \d+ lines, the kernel's and the services'",),
        forbid=(r"svctest: .*FAIL",),
    ),
)
