"""The system test cases: each boots the ISO in QEMU and watches the serial port.

The serial markers below are contracts with the kernel and init: change one
only together with the code that prints it. harness.Case documents the fields;
every case also forbids harness.ALWAYS_FORBID (PANIC, triple fault).
"""

from harness import Case

CPUS_ONLINE_2 = r"cairn: 2 CPUs online"
CPUS_ONLINE_4 = r"cairn: 4 CPUs online"
FIRST_USER_INSTRUCTION = r"boot: first user instruction after \d+ us"
INIT_HELLO = r"init: hello from ring 3"

BOOT_EXPECT = (CPUS_ONLINE_2, FIRST_USER_INSTRUCTION, INIT_HELLO)

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
            INIT_HELLO,
        ),
    ),
    Case(
        name="boot_uefi",
        firmware="uefi",
        machine="q35",
        cpu="max",
        smp=4,
        expect=(CPUS_ONLINE_4, FIRST_USER_INSTRUCTION, INIT_HELLO),
    ),
    Case(
        name="smp4",
        firmware="bios",
        machine="q35",
        cpu="max",
        smp=4,
        expect=(CPUS_ONLINE_4, INIT_HELLO),
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
            INIT_HELLO,
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
            INIT_HELLO,
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
            INIT_HELLO,
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
            INIT_HELLO,
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
        forbid=(INIT_HELLO,),
    ),
    # Thirty processes started and ended (half killed by a fault) must leave
    # free frames and heap use exactly as they were after the first two.
    Case(
        name="spawn_exit_leak",
        firmware="bios",
        machine="q35",
        cpu="max",
        smp=2,
        cmdline="run=" + ",".join(["init,fault:null"] * 15),
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
            INIT_HELLO,
        ),
        forbid=(r"is not implemented \(ENOSYS\)", r"posix: .*(killed|error|failed)"),
    ),
)
