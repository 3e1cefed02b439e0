"""Host tests of tools/syscalls.py, the system-call ABI generator.

Run from anywhere with `python3 -m unittest discover -s tests/tools`. Every
test runs the tool as `make` does, in a fresh temporary directory, against
the repository's include/cairn headers; the compile tests use gcc with the
flags of the user runtime and of the kernel, and one links the generated
stubs into a Linux program whose table mirrors Linux's own numbers, so each
argument register and the negative-error convention are checked for real.
"""

import errno
import re
import subprocess
import sys
import tempfile
import textwrap
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "syscalls.py"
INCLUDE = ROOT / "include"
USER_CFLAGS = ("-std=gnu11 -O2 -Wall -Wextra -Werror -ffreestanding -fno-builtin "
               "-mgeneral-regs-only -fno-pic -fno-pie -fno-stack-protector").split()
KERNEL_CFLAGS = ("-std=gnu11 -ffreestanding -mno-red-zone -mcmodel=kernel -mno-sse -mno-mmx "
                 "-mno-sse2 -fno-pic -fno-stack-protector -Wall -Wextra -Werror -O2").split()
KERNEL_INCLUDES = [f"-I{ROOT / d}" for d in ("kernel/include", "kernel/arch/x86_64/include",
                                             "include")]
DRIFT_HINT = "run `make docs` to regenerate docs/syscalls.md"

VALID_TABLE = """\
# A table using every attribute, tabs, odd spacing and comments.

syscall 0 debug_write
  summary  Writes bytes to the kernel console.
  arg      const void *buf | The bytes to write.
  arg      size_t len | How many bytes | at most 4096.
  returns  size_t | len.
  error    TOO_LARGE | len is above 4096.
  error    BAD_ADDRESS | buf is not mapped.
  note     All or nothing.
  note     A second paragraph.

syscall 1 exit
  summary  Ends the calling process.
  arg      int status | The exit status.
  returns  void | Never returns.

syscall 2 yield
  # a comment inside a block
  summary  Gives up the processor.
  returns  void | Nothing.

syscall 3 thread_start
\tsummary\tStarts a thread.
\targ\tcairn_handle_t thread | The thread.
\targ\tuintptr_t entry | Where it starts.
\targ\tconst   char*const*  argv | Its arguments.
\treturns\tlong | 0.
\thandle\tthread THREAD MANAGE,WRITE
\terror\tWRONG_TYPE | thread names no thread.

syscall 4 ipc_call
  summary  Calls an endpoint with a message in registers.
  arg      cairn_handle_t ep | The endpoint.
  arg      uint64_t w1 | Word 1.
  arg      uint64_t w2 | Word 2.
  arg      uint64_t w3 | Word 3.
  arg      uint64_t w4 | Word 4.
  arg      uint64_t w5 | Word 5.
  returns  uint64_t | The reply's label.
  handle   ep ENDPOINT SIGNAL
  abi      custom
  note     Words 6 to 9 travel in RBX, R12, R13 and R14.

syscall 5 vspace_map
  summary  Maps memory.
  arg      cairn_handle_t vspace | The address space.
  arg      cairn_handle_t memory | The memory object.
  arg      uintptr_t addr | Where.
  arg      size_t offset | From where in the object.
  arg      size_t len | How much.
  arg      unsigned int flags | How.
  returns  cairn_handle_t | A handle to the mapping.
  handle   memory MEMORY MAP, READ
  handle   vspace VSPACE MAP
"""
VALID_NAMES = ["debug_write", "exit", "yield", "thread_start", "ipc_call", "vspace_map"]

GOOD_BLOCK = "syscall 0 first\n  summary  S.\n  returns  long | R.\n"


def run_tool(*args):
    """Run the generator; return the CompletedProcess."""
    command = [sys.executable, str(TOOL), *map(str, args), "--include-dir", str(INCLUDE)]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def error_codes():
    """Return {NAME: value} of CAIRN_E_* read straight from error.h."""
    text = (INCLUDE / "cairn" / "error.h").read_text(encoding="utf-8")
    return {name: int(value) for name, value in re.findall(r"CAIRN_E_(\w+) = (\d+)", text)}


def compile_c(flags, source, output):
    """Compile one C file with gcc; return the CompletedProcess."""
    command = ["gcc", *flags, "-c", str(source), "-o", str(output)]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def defined_symbols(obj):
    """Return {symbol: nm type letter} of an object file."""
    lines = subprocess.run(["nm", str(obj)], capture_output=True, text=True,
                           check=True).stdout.splitlines()
    return {line.split()[-1]: line.split()[-2] for line in lines}


class ToolTestCase(unittest.TestCase):
    """Gives each test a temporary directory and a way to generate into it."""

    def setUp(self):
        self.tmp = Path(self.enterContext(tempfile.TemporaryDirectory()))

    def write_table(self, text, name="syscalls.tbl"):
        """Write a table into the temporary directory; return its path."""
        path = self.tmp / name
        path.write_text(text, encoding="utf-8")
        return path

    def generate(self, table_text):
        """Generate every output of table_text; return {kind: text}."""
        table = self.write_table(table_text)
        out = {"header": self.tmp / "gen/include/cairn/syscalls.h",
               "stubs": self.tmp / "gen/lib/rt/syscalls.c",
               "kernel": self.tmp / "gen/kernel/syscall_table.c",
               "docs": self.tmp / "syscalls.md"}
        result = run_tool(table, *(arg for kind, path in out.items()
                                   for arg in (f"--{kind}", path)))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr, "")
        return {kind: path.read_text(encoding="utf-8") for kind, path in out.items()}


class RoundTripTest(ToolTestCase):
    """A valid table gives the expected header, stubs, kernel table and docs."""

    def setUp(self):
        super().setUp()
        self.out = self.generate(VALID_TABLE)

    def test_header_numbers_and_prototypes(self):
        header = self.out["header"]
        for number, name in enumerate(VALID_NAMES):
            self.assertRegex(header, rf"\n#define SYS_{name.upper()} +{number}\n")
        self.assertIn("\n#define SYS_COUNT 6\n", header)
        self.assertIn("\nlong cairn_debug_write(const void *buf, size_t len);\n", header)
        self.assertIn("\n__attribute__((__noreturn__)) void cairn_exit(int status);\n", header)
        self.assertIn("\nvoid cairn_yield(void);\n", header)
        self.assertIn("long cairn_thread_start(cairn_handle_t thread, uintptr_t entry, "
                      "const char *const *argv);", header)
        self.assertIn("\nlong cairn_vspace_map(cairn_handle_t vspace,", header)
        self.assertNotIn("cairn_ipc_call", header)
        self.assertIn("/* Writes bytes to the kernel console. */\nlong cairn_debug_write", header)

    def test_header_includes_and_guard(self):
        header = self.out["header"]
        for name in ("<stddef.h>", "<stdint.h>", "<cairn/error.h>", "<cairn/handle.h>"):
            self.assertIn(f"#include {name}\n", header)
        self.assertIn("#ifndef CAIRN_SYSCALLS_H\n#define CAIRN_SYSCALLS_H\n", header)
        self.assertTrue(header.endswith("#endif\n"))

    def test_stubs(self):
        stubs = self.out["stubs"]
        self.assertNotIn("cairn_ipc_call", stubs)
        self.assertEqual(stubs.count("__builtin_unreachable();"), 1)
        self.assertIn('register long a0 __asm__("rdi") = (long)(uintptr_t)buf;', stubs)
        self.assertIn('register long a1 __asm__("rsi") = (long)len;', stubs)
        self.assertIn('register long a2 __asm__("rdx") = (long)(uintptr_t)argv;', stubs)
        self.assertIn('register long a3 __asm__("r10") = (long)offset;', stubs)
        self.assertIn('register long a4 __asm__("r8") = (long)len;', stubs)
        self.assertIn('register long a5 __asm__("r9") = (long)flags;', stubs)
        self.assertIn('"rcx", "r11", "memory"', stubs)

    def test_kernel_table(self):
        kernel = self.out["kernel"]
        params = ", ".join(f"uint64_t a{i}" for i in range(6))
        nargs = [2, 1, 0, 3, 6, 6]
        for name, count in zip(VALID_NAMES, nargs):
            self.assertIn(f"\nint64_t sys_{name}({params});\n", kernel)
            self.assertIn(f'[SYS_{name.upper()}] = {{.name = "{name}", '
                          f".handler = sys_{name}, .nargs = {count}}},", kernel)
        self.assertIn("const struct syscall_entry syscall_table[SYS_COUNT] = {", kernel)
        self.assertIn("#include <core/syscall_table.h>", kernel)

    def test_docs_sections_in_order(self):
        docs = self.out["docs"]
        headings = re.findall(r"^## (\d+): `(\w+)\(", docs, re.M)
        self.assertEqual(headings, [(str(n), name) for n, name in enumerate(VALID_NAMES)])
        self.assertIn("## 3: `thread_start(cairn_handle_t thread, uintptr_t entry, "
                      "const char *const *argv) -> long`", docs)
        self.assertIn("## 2: `yield() -> void`", docs)
        self.assertIn("| 0 | `debug_write` | Writes bytes to the kernel console. |", docs)
        self.assertTrue(docs.startswith("# "))

    def test_docs_call_details(self):
        docs = self.out["docs"]
        codes = error_codes()
        self.assertIn("| `RSI` | `size_t len` | How many bytes \\| at most 4096. |", docs)
        self.assertIn(f"| {codes['TOO_LARGE']} | `CAIRN_E_TOO_LARGE` | len is above 4096. |",
                      docs)
        self.assertIn("| `thread` | `CAIRN_OBJ_THREAD` | `CAIRN_RIGHT_MANAGE`, "
                      "`CAIRN_RIGHT_WRITE` |", docs)
        self.assertIn("| `memory` | `CAIRN_OBJ_MEMORY` | `CAIRN_RIGHT_MAP`, "
                      "`CAIRN_RIGHT_READ` |", docs)
        self.assertIn("\nAll or nothing.\n\nA second paragraph.\n", docs)
        self.assertEqual(docs.count("Custom ABI"), 1)
        custom = docs.index("Custom ABI")
        self.assertLess(docs.index("## 4: `ipc_call"), custom)
        self.assertLess(custom, docs.index("## 5: `vspace_map"))

    def test_docs_intro_and_appendix(self):
        docs = self.out["docs"]
        flat = " ".join(docs.split())
        self.assertIn("generated from `kernel/syscalls.tbl` by `tools/syscalls.py`: "
                      "edit the table, not this file", flat)
        for word in ("`SYSCALL`", "`RAX`", "`RDI`, `RSI`, `RDX`, `R10`, `R8`, `R9`",
                     "`RCX` and `R11`", "include/cairn/handle.h"):
            self.assertIn(word, flat)
        appendix = docs[docs.index("## Appendix"):]
        for name, value in error_codes().items():
            self.assertRegex(appendix, rf"\n\| {value} \| `CAIRN_E_{name}` \| [^|\n]+ \|\n")

    def test_output_is_deterministic(self):
        table = self.write_table(VALID_TABLE, name="elsewhere.tbl")
        for kind, expected in self.out.items():
            again = self.tmp / f"again.{kind}"
            result = run_tool(table, f"--{kind}", again)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertEqual(again.read_text(encoding="utf-8"), expected, kind)

    def test_repository_table_is_valid(self):
        result = run_tool(ROOT / "kernel" / "syscalls.tbl", "--docs", self.tmp / "repo.md")
        self.assertEqual(result.returncode, 0, result.stderr)


def block(number, name, *lines):
    """Return one syscall block: a summary and returns, then lines."""
    body = "".join(f"  {line}\n" for line in lines)
    return f"syscall {number} {name}\n  summary  S.\n  returns  long | R.\n{body}"


# (test name, table, line of the problem, words the message must contain)
BAD_TABLES = [
    ("unknown_keyword", block(0, "a", "frob x"), 4, "unknown keyword 'frob'"),
    ("unknown_keyword_column_0", GOOD_BLOCK + "frob x\n", 4, "unknown keyword 'frob'"),
    ("attribute_before_block", "  summary  S.\n" + GOOD_BLOCK, 1, "outside a syscall block"),
    ("attribute_at_column_0", GOOD_BLOCK + "note text\n", 4, "outside a syscall block"),
    ("syscall_indented", GOOD_BLOCK + "  syscall 1 b\n", 4, "column 0"),
    ("missing_summary", "syscall 0 a\n  returns  long | R.\n", 1, "`summary` missing"),
    ("missing_returns", "syscall 0 a\n  summary  S.\n", 1, "`returns` missing"),
    ("duplicate_summary", block(0, "a", "summary  T."), 4, "duplicate `summary` (first at line 2)"),
    ("duplicate_returns", block(0, "a", "returns  long | X."), 4,
     "duplicate `returns` (first at line 3)"),
    ("empty_summary", "syscall 0 a\n  summary\n  returns  long | R.\n", 2, "needs its text"),
    ("first_number_not_0", block(1, "a"), 1, "numbers must start at 0, got 1"),
    ("number_gap", GOOD_BLOCK + block(2, "b"), 4,
     "expected number 1, got 2 (numbers have no gaps)"),
    ("duplicate_number", GOOD_BLOCK + block(0, "b"), 4, "duplicate number 0 (first at line 1)"),
    ("leading_zero", block("00", "a"), 1, "is not a decimal number"),
    ("negative_number", block(-1, "a"), 1, "is not a decimal number"),
    ("syscall_fields", "syscall 0 a b\n  summary  S.\n  returns  long | R.\n", 1,
     "expected `syscall NUMBER NAME`"),
    ("duplicate_name", GOOD_BLOCK + block(1, "first"), 4,
     "duplicate name 'first' (first at line 1)"),
    ("name_upper_case", block(0, "Write"), 1, "does not match [a-z][a-z0-9_]*"),
    ("name_digit_first", block(0, "2x"), 1, "does not match [a-z][a-z0-9_]*"),
    ("name_dash", block(0, "a-b"), 1, "does not match [a-z][a-z0-9_]*"),
    ("seven_args", block(0, "a", *(f"arg int x{i} | X." for i in range(7))), 10,
     "more than 6 arguments"),
    ("arg_without_bar", block(0, "a", "arg int x"), 4, "needs '|'"),
    ("arg_without_text", block(0, "a", "arg int x |"), 4, "needs both sides of '|'"),
    ("arg_without_type", block(0, "a", "arg x | X."), 4, "has no type"),
    ("arg_without_name", block(0, "a", "arg void * | X."), 4, "does not end with its name"),
    ("arg_bad_type", block(0, "a", "arg int[4] x | X."), 4, "only words and '*'"),
    ("arg_void", block(0, "a", "arg void x | X."), 4, "cannot be void"),
    ("arg_struct", block(0, "a", "arg struct s x | X."), 4, "pass a pointer"),
    ("arg_name_keyword", block(0, "a", "arg int int | X."), 4, "is a C keyword"),
    ("arg_name_reserved", block(0, "a", "arg int a3 | X."), 4, "reserved"),
    ("arg_name_upper", block(0, "a", "arg int X | X."), 4, "does not match"),
    ("arg_duplicate", block(0, "a", "arg int x | X.", "arg long x | Y."), 5,
     "duplicate argument 'x'"),
    ("returns_without_bar", "syscall 0 a\n  summary  S.\n  returns  long\n", 3, "needs '|'"),
    ("error_without_bar", block(0, "a", "error TOO_LARGE"), 4, "needs '|'"),
    ("unknown_error", block(0, "a", "error TOO_BIG | X."), 4, "unknown error 'TOO_BIG'"),
    ("prefixed_error", block(0, "a", "error CAIRN_E_BUSY | X."), 4, "unknown error"),
    ("duplicate_error", block(0, "a", "error BUSY | X.", "error BUSY | Y."), 5,
     "duplicate error 'BUSY'"),
    ("unknown_object", block(0, "a", "arg cairn_handle_t h | H.", "handle h WIDGET READ"), 5,
     "unknown object type 'WIDGET'"),
    ("unknown_right", block(0, "a", "arg cairn_handle_t h | H.", "handle h THREAD READ,FLY"), 5,
     "unknown right 'FLY'"),
    ("empty_right", block(0, "a", "arg cairn_handle_t h | H.", "handle h THREAD READ,"), 5,
     "unknown right ''"),
    ("handle_without_rights", block(0, "a", "arg cairn_handle_t h | H.", "handle h THREAD"), 5,
     "handle NAME OBJECT RIGHT[,RIGHT]"),
    ("handle_unknown_arg", block(0, "a", "handle h THREAD READ", "arg cairn_handle_t g | G."), 4,
     "`handle` names no argument 'h'"),
    ("handle_twice", block(0, "a", "arg cairn_handle_t h | H.", "handle h THREAD READ",
                           "handle h THREAD WRITE"), 6, "duplicate `handle` for 'h'"),
    ("abi_not_custom", block(0, "a", "abi fast"), 4, "`abi` must be `custom`, not 'fast'"),
    ("abi_twice", block(0, "a", "abi custom", "abi custom"), 5, "duplicate `abi`"),
    ("empty_note", block(0, "a", "note"), 4, "`note` needs its text"),
    ("control_character", block(0, "a", "note bell\x07"), 4, "control character"),
    ("no_calls", "# nothing but a comment\n", 1, "no system calls"),
]


class ParserErrorTest(ToolTestCase):
    """Each malformation is reported as FILE:LINE: message with exit status 2."""

    def check_rejected(self, table_text, line, words):
        """Assert the tool rejects table_text at line with words, and writes nothing."""
        table = self.write_table(table_text)
        header = self.tmp / "out.h"
        result = run_tool(table, "--header", header, "--docs", self.tmp / "out.md")
        self.assertEqual(result.returncode, 2, result.stderr)
        reports = result.stderr.splitlines()
        for report in reports:
            self.assertRegex(report, rf"^{re.escape(str(table))}:\d+: ")
        prefix = f"{table}:{line}: "
        self.assertTrue(any(r.startswith(prefix) and words in r for r in reports), reports)
        self.assertFalse(header.exists())
        self.assertFalse((self.tmp / "out.md").exists())

    def test_every_malformation(self):
        for name, table_text, line, words in BAD_TABLES:
            with self.subTest(name):
                self.check_rejected(table_text, line, words)

    def test_not_utf8(self):
        table = self.tmp / "bad.tbl"
        table.write_bytes(GOOD_BLOCK.encode() + b"  note caf\xe9\n")
        result = run_tool(table)
        self.assertEqual(result.returncode, 2)
        self.assertIn(f"{table}:4: not UTF-8", result.stderr)

    def test_every_problem_is_reported(self):
        table = self.write_table(block(0, "a", "frob") + block(2, "b", "error NOPE | X."))
        result = run_tool(table)
        self.assertEqual(result.returncode, 2)
        lines = result.stderr.splitlines()
        self.assertEqual(len(lines), 3, result.stderr)
        self.assertTrue(lines[0].startswith(f"{table}:4: unknown keyword"))
        self.assertTrue(lines[1].startswith(f"{table}:5: expected number 1"))
        self.assertTrue(lines[2].startswith(f"{table}:8: unknown error"))

    def test_missing_headers(self):
        table = self.write_table(GOOD_BLOCK)
        command = [sys.executable, str(TOOL), str(table), "--include-dir", str(self.tmp)]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        self.assertEqual(result.returncode, 2)
        self.assertIn(f"{self.tmp / 'cairn' / 'error.h'}: cannot read", result.stderr)

    def test_missing_table(self):
        result = run_tool(self.tmp / "none.tbl")
        self.assertEqual(result.returncode, 2)
        self.assertIn(f"{self.tmp / 'none.tbl'}: cannot read", result.stderr)


class CompileTest(ToolTestCase):
    """The generated C compiles with the user-runtime and kernel flags."""

    def setUp(self):
        super().setUp()
        self.generate(VALID_TABLE)
        self.gen_include = f"-I{self.tmp / 'gen/include'}"

    def compile_ok(self, flags, source, output):
        """Compile and assert success; return the object's symbols."""
        result = compile_c(flags, source, output)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr, "")
        return defined_symbols(output)

    def test_stubs_compile(self):
        flags = USER_CFLAGS + [self.gen_include, f"-I{INCLUDE}"]
        symbols = self.compile_ok(flags, self.tmp / "gen/lib/rt/syscalls.c", self.tmp / "s.o")
        expected = {f"cairn_{name}": "T" for name in VALID_NAMES if name != "ipc_call"}
        self.assertEqual(symbols, expected)

    def test_header_compiles_twice_included(self):
        source = self.tmp / "twice.c"
        source.write_text("#include <cairn/syscalls.h>\n#include <cairn/syscalls.h>\n"
                          "long f(void);\nlong f(void) { return SYS_COUNT; }\n")
        self.compile_ok(USER_CFLAGS + [self.gen_include, f"-I{INCLUDE}"], source, self.tmp / "t.o")

    def test_kernel_table_compiles(self):
        flags = KERNEL_CFLAGS + KERNEL_INCLUDES + [self.gen_include]
        source = self.tmp / "gen/kernel/syscall_table.c"
        symbols = self.compile_ok(flags, source, self.tmp / "k.o")
        expected = {f"sys_{name}": "U" for name in VALID_NAMES}
        expected["syscall_table"] = "R"
        self.assertEqual(symbols, expected)


def linux_table():
    """Return a table whose numbers are Linux's own, 0 (read) to 60 (exit)."""
    calls = {
        0: ("read", "int fd", "void *buf", "size_t count"),
        1: ("write", "int fd", "const void *buf", "size_t count"),
        2: ("open", "const char *path", "int flags", "int mode"),
        3: ("close", "int fd"),
        8: ("lseek", "int fd", "long offset", "int whence"),
        9: ("mmap", "void *addr", "size_t len", "int prot", "int flags", "int fd", "long offset"),
    }
    blocks = []
    for number in range(61):
        name, *args = calls.get(number, (f"linux_{number}",))
        returns = "void | Never returns." if number == 60 else "long | R."
        lines = [f"arg {arg} | A." for arg in (["int status"] if number == 60 else args)]
        blocks.append(f"syscall {number} {name if number != 60 else 'exit'}\n"
                      f"  summary S.\n  returns {returns}\n" + "".join(f"  {x}\n" for x in lines))
    return "".join(blocks)


LINUX_PROGRAM = textwrap.dedent("""\
    #include <cairn/syscalls.h>
    #include <fcntl.h>
    #include <stdio.h>
    #include <sys/mman.h>
    #include <unistd.h>

    int main(int argc, char **argv)
    {
        char buf[2] = {0, 0};
        int fd = (int)cairn_open(argc > 1 ? argv[1] : "", O_RDONLY, 0);
        printf("read %ld\\n", cairn_read(fd, buf, 2));
        printf("buf %c%c\\n", buf[0], buf[1]);
        printf("fault %ld\\n", cairn_read(fd, (void *)8, 2));
        printf("lseek %ld\\n", cairn_lseek(fd, 4096, SEEK_SET));
        long map = cairn_mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 4096);
        printf("map %c\\n", map > 0 ? *(const char *)map : '?');
        printf("bad_offset %ld\\n", cairn_mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 1));
        printf("bad_fd %ld\\n", cairn_mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, -1, 0));
        printf("bad_flags %ld\\n", cairn_mmap(NULL, 4096, PROT_READ, 0, fd, 0));
        printf("close %ld\\n", cairn_close(fd));
        printf("close_again %ld\\n", cairn_close(fd));
        fflush(stdout);
        cairn_exit(42);
    }
""")


class LinuxStubTest(ToolTestCase):
    """The stubs pass every register right: run them against Linux's own calls."""

    def test_stubs_drive_linux(self):
        self.generate(linux_table())
        gen_include = f"-I{self.tmp / 'gen/include'}"
        stubs = self.tmp / "stubs.o"
        result = compile_c(USER_CFLAGS + [gen_include, f"-I{INCLUDE}"],
                           self.tmp / "gen/lib/rt/syscalls.c", stubs)
        self.assertEqual(result.returncode, 0, result.stderr)
        program = self.tmp / "linux.c"
        program.write_text(LINUX_PROGRAM)
        binary = self.tmp / "linux"
        command = ["gcc", "-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror", "-no-pie",
                   gen_include, f"-I{INCLUDE}", str(program), str(stubs), "-o", str(binary)]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        self.assertEqual(result.returncode, 0, result.stderr)
        data = self.tmp / "data"
        data.write_bytes(b"a" * 4096 + b"b" * 4096)
        run = subprocess.run([str(binary), str(data)], capture_output=True, text=True,
                             check=False, timeout=30)
        self.assertEqual(run.returncode, 42, run.stdout)
        got = dict(line.split(" ", 1) for line in run.stdout.splitlines())
        self.assertEqual(got, {
            "read": "2", "buf": "aa", "fault": str(-errno.EFAULT), "lseek": "4096", "map": "b",
            "bad_offset": str(-errno.EINVAL), "bad_fd": str(-errno.EBADF),
            "bad_flags": str(-errno.EINVAL), "close": "0", "close_again": str(-errno.EBADF),
        })


class CheckDocsTest(ToolTestCase):
    """--check-docs passes on the docs it generates and catches any drift."""

    def setUp(self):
        super().setUp()
        self.docs = self.tmp / "docs.md"
        self.table = self.write_table(VALID_TABLE)
        self.assertEqual(run_tool(self.table, "--docs", self.docs).returncode, 0)

    def test_fresh_docs_pass(self):
        result = run_tool(self.table, "--check-docs", self.docs)
        self.assertEqual((result.returncode, result.stdout, result.stderr), (0, "", ""))

    def test_edited_docs_drift(self):
        text = self.docs.read_text(encoding="utf-8")
        self.docs.write_text(text.replace("Gives up the processor.", "Sleeps."), encoding="utf-8")
        result = run_tool(self.table, "--check-docs", self.docs)
        self.assertEqual(result.returncode, 1)
        self.assertIn(f"--- {self.docs}", result.stderr)
        self.assertIn("\n-| 2 | `yield` | Sleeps. |\n", result.stderr)
        self.assertIn("\n+| 2 | `yield` | Gives up the processor. |\n", result.stderr)
        self.assertIn(DRIFT_HINT, result.stderr)

    def test_changed_table_drifts(self):
        table = self.write_table(VALID_TABLE + block(6, "added"), name="longer.tbl")
        result = run_tool(table, "--check-docs", self.docs)
        self.assertEqual(result.returncode, 1)
        self.assertIn("\n+## 6: `added() -> long`\n", result.stderr)
        self.assertIn(DRIFT_HINT, result.stderr)

    def test_missing_docs_drift(self):
        result = run_tool(self.table, "--check-docs", self.tmp / "absent.md")
        self.assertEqual(result.returncode, 1)
        self.assertIn(DRIFT_HINT, result.stderr)


if __name__ == "__main__":
    unittest.main()
