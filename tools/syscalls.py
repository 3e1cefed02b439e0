#!/usr/bin/env python3
"""Generate Cairn's system-call ABI from its one table, kernel/syscalls.tbl.

Usage: syscalls.py TABLE [--include-dir DIR] [--header OUT.h] [--stubs OUT.c]
                   [--kernel OUT.c] [--docs OUT.md] [--check-docs FILE]

The table's format is specified in its own header comment. The outputs:

  --header      <cairn/syscalls.h> for user space and the kernel: SYS_<NAME>,
                SYS_COUNT, and the prototype of every user-space stub
  --stubs       the user-space stubs cairn_<name>(), one SYSCALL each; calls
                marked `abi custom` get none
  --kernel      the kernel's syscall_table[SYS_COUNT] of struct syscall_entry
                (kernel/include/core/syscall_table.h), and a declaration of
                every handler int64_t sys_<name>(uint64_t a0, ..., uint64_t a5)
  --docs        docs/syscalls.md

A stub returns long, the result or the negated enum cairn_error, unless the
call returns void; a void call whose returns text says "Never returns" is
declared noreturn.
  --check-docs  compare the docs this table gives with FILE and print a
                unified diff when they differ

Error names, object types and rights are checked against cairn/error.h and
cairn/handle.h under --include-dir (default: include/ at the top of the repo).
The outputs depend on the table and the headers only, never on paths or time.

Exit status: 0 on success; 1 when --check-docs found drift (the outputs asked
for are still written); 2 on a usage or I/O error or a malformed table or
header, each problem printed as FILE:LINE: message, and then nothing is written.
"""

import argparse
import dataclasses
import difflib
import os
import re
import sys
from pathlib import Path

TABLE_NAME = "kernel/syscalls.tbl"
TOOL_NAME = "tools/syscalls.py"
DEFAULT_INCLUDE_DIR = Path(__file__).resolve().parent.parent / "include"
ARG_REGISTERS = ("RDI", "RSI", "RDX", "R10", "R8", "R9")
MAX_ARGS = len(ARG_REGISTERS)
ATTRIBUTES = ("summary", "arg", "returns", "handle", "error", "abi", "note")
NAME_RE = re.compile(r"[a-z][a-z0-9_]*")
NUMBER_RE = re.compile(r"0|[1-9][0-9]*")
TYPE_TOKEN_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\*|\S")
IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
LAST_WORD_RE = re.compile(r"(.*?)([A-Za-z_][A-Za-z0-9_]*)")
CONTROL_RE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
C_KEYWORDS = frozenset(
    "asm auto break case char const continue default do double else enum extern float for "
    "goto if inline int long register restrict return short signed sizeof static struct "
    "switch typedef typeof union unsigned void volatile while".split()
)
# The stubs' own locals: an argument of one of these names would shadow them.
STUB_LOCALS = frozenset(["ret"] + [f"a{i}" for i in range(MAX_ARGS)])


class TableError(Exception):
    """One problem in the table or a header, located as FILE:LINE (FILE alone for I/O)."""

    def __init__(self, path, line, message):
        super().__init__(f"{path}:{line}: {message}" if line else f"{path}: {message}")
        self.line = line


@dataclasses.dataclass
class Vocabulary:
    """The names the table may use, read from cairn/error.h and cairn/handle.h."""

    errors: dict  # name without CAIRN_E_ -> (value, comment)
    objects: frozenset
    rights: frozenset


@dataclasses.dataclass
class Arg:
    """One argument: its C type, name and meaning."""

    ctype: str
    name: str
    text: str


@dataclasses.dataclass
class HandleUse:
    """A handle argument's required object type and rights."""

    arg: str
    obj: str
    rights: list
    line: int


@dataclasses.dataclass
class Call:
    """One `syscall` block of the table."""

    line: int
    number: int | None = None
    name: str | None = None
    summary: str | None = None
    summary_line: int = 0
    args: list = dataclasses.field(default_factory=list)
    returns: tuple | None = None  # (type, text)
    returns_line: int = 0
    handles: list = dataclasses.field(default_factory=list)
    errors: list = dataclasses.field(default_factory=list)  # [(name, text)]
    custom_abi: bool = False
    custom_abi_line: int = 0
    notes: list = dataclasses.field(default_factory=list)

    @property
    def noreturn(self):
        """A void call whose returns text says it never returns."""
        return self.returns[0] == "void" and "never returns" in self.returns[1].lower()


# --- the headers --------------------------------------------------------------


def read_text(path):
    """Return the text of path; an unreadable file is a TableError."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        reason = err.strerror if isinstance(err, OSError) else "not UTF-8"
        raise TableError(path, None, f"cannot read: {reason}") from err


def enum_body(path, text, enum_name):
    """Return the lines between the braces of `enum enum_name`."""
    match = re.search(r"enum\s+" + enum_name + r"\s*\{(.*?)\}", text, re.S)
    if not match:
        raise TableError(path, 1, f"no `enum {enum_name} {{ ... }}` found")
    return match.group(1).splitlines()


def enum_entries(lines, prefix):
    """Return [(name, value, comment)] of the enumerators starting with prefix."""
    entry_re = re.compile(
        r"\s*(CAIRN_\w+)\s*(?:=\s*(0[xX][0-9a-fA-F]+|\d+))?\s*,?\s*(?:/\*\s*(.*?)\s*\*/)?\s*$"
    )
    entries, value = [], -1
    for line in lines:
        match = entry_re.match(line)
        if not match:
            continue
        name, explicit, comment = match.groups()
        value = int(explicit, 0) if explicit else value + 1
        if name.startswith(prefix):
            entries.append((name[len(prefix) :], value, comment or ""))
    return entries


def read_vocabulary(include_dir):
    """Return the Vocabulary of include_dir/cairn/{error,handle}.h."""
    error_path = Path(include_dir) / "cairn" / "error.h"
    handle_path = Path(include_dir) / "cairn" / "handle.h"
    codes = enum_entries(enum_body(error_path, read_text(error_path), "cairn_error"), "CAIRN_E_")
    handle_text = read_text(handle_path)
    objects = enum_entries(enum_body(handle_path, handle_text, "cairn_object_type"), "CAIRN_OBJ_")
    rights = re.findall(r"^\s*#\s*define\s+CAIRN_RIGHT_(\w+)\s", handle_text, re.M)
    if not codes:
        raise TableError(error_path, 1, "enum cairn_error has no CAIRN_E_* names")
    if not rights:
        raise TableError(handle_path, 1, "no `#define CAIRN_RIGHT_*` found")
    return Vocabulary(
        errors={name: (value, comment) for name, value, comment in codes},
        objects=frozenset(name for name, _, _ in objects),
        rights=frozenset(rights),
    )


# --- the table: fields ------------------------------------------------------------


def split_text(keyword, rest, shape):
    """Split `LEFT | TEXT`; both sides must be there."""
    left, bar, text = rest.partition("|")
    if not bar:
        raise ValueError(f"`{keyword}` needs '|': `{keyword} {shape}`")
    if not left.strip() or not text.strip():
        raise ValueError(f"`{keyword}` needs both sides of '|': `{keyword} {shape}`")
    return left.strip(), text.strip()


def normalise_type(raw):
    """Return raw as a C type spelled one way ('const char *const *'), or raise."""
    tokens = TYPE_TOKEN_RE.findall(raw)
    if not tokens or tokens[0] == "*":
        raise ValueError(f"missing type in {raw.strip()!r}")
    spelled = ""
    for token in tokens:
        if token == "*":
            spelled += "*" if spelled.endswith("*") else " *"
        elif IDENT_RE.fullmatch(token):
            spelled += (" " if spelled and not spelled.endswith("*") else "") + token
        else:
            raise ValueError(f"type {raw.strip()!r} has {token!r}: only words and '*'")
    return spelled


def check_arg_type(ctype):
    """Reject types that cannot travel in one general-purpose register."""
    if "*" in ctype:
        return
    words = ctype.split()
    if "void" in words:
        raise ValueError("an argument cannot be void")
    if "struct" in words or "union" in words:
        raise ValueError(f"{ctype!r} does not fit a register: pass a pointer to it")


def check_arg_name(name, args):
    """Check an argument name is a lower-case C name, unused, and free in the stub."""
    if not NAME_RE.fullmatch(name):
        raise ValueError(f"argument name {name!r} does not match [a-z][a-z0-9_]*")
    if name in C_KEYWORDS:
        raise ValueError(f"argument name {name!r} is a C keyword")
    if name in STUB_LOCALS:
        raise ValueError(f"argument name {name!r} is reserved for the stubs' registers")
    if any(arg.name == name for arg in args):
        raise ValueError(f"duplicate argument {name!r}")


def parse_arg(rest, args):
    """Return the Arg of `TYPE NAME | TEXT`."""
    decl, text = split_text("arg", rest, "TYPE NAME | TEXT")
    match = LAST_WORD_RE.fullmatch(decl)
    if not match:
        raise ValueError(f"argument {decl!r} does not end with its name")
    if not match.group(1).strip():
        raise ValueError(f"argument {decl!r} has no type")
    ctype = normalise_type(match.group(1))
    check_arg_type(ctype)
    check_arg_name(match.group(2), args)
    return Arg(ctype, match.group(2), text)


def parse_handle(rest, vocab, line):
    """Return the HandleUse of `NAME OBJECT RIGHT[,RIGHT]`."""
    fields = rest.split(None, 2)
    if len(fields) != 3:
        raise ValueError("`handle` needs `handle NAME OBJECT RIGHT[,RIGHT]`")
    name, obj, right_list = fields
    if obj not in vocab.objects:
        raise ValueError(f"unknown object type {obj!r}: not a CAIRN_OBJ_* name in cairn/handle.h")
    rights = [right.strip() for right in right_list.split(",")]
    for right in rights:
        if right not in vocab.rights:
            raise ValueError(f"unknown right {right!r}: not a CAIRN_RIGHT_* name in cairn/handle.h")
    if len(set(rights)) != len(rights):
        raise ValueError(f"a right is listed twice in {right_list!r}")
    return HandleUse(name, obj, rights, line)


def parse_error(rest, vocab, errors):
    """Return (NAME, TEXT) of `NAME | TEXT`."""
    name, text = split_text("error", rest, "NAME | TEXT")
    if name not in vocab.errors:
        raise ValueError(f"unknown error {name!r}: not a CAIRN_E_* name in cairn/error.h")
    if any(seen == name for seen, _ in errors):
        raise ValueError(f"duplicate error {name!r}")
    return name, text


# --- the table: blocks --------------------------------------------------------------


def set_once(call, field, value, line, keyword):
    """Set a field that may appear once per block."""
    first = getattr(call, field + "_line")
    if first:
        raise ValueError(f"duplicate `{keyword}` (first at line {first})")
    setattr(call, field, value)
    setattr(call, field + "_line", line)


def apply_attribute(call, keyword, rest, line, vocab):
    """Record one indented attribute line in call, or raise ValueError."""
    if keyword == "summary":
        if not rest:
            raise ValueError("`summary` needs its text")
        set_once(call, "summary", rest, line, keyword)
    elif keyword == "arg":
        if len(call.args) == MAX_ARGS:
            raise ValueError(f"more than {MAX_ARGS} arguments")
        call.args.append(parse_arg(rest, call.args))
    elif keyword == "returns":
        ctype, text = split_text("returns", rest, "TYPE | TEXT")
        set_once(call, "returns", (normalise_type(ctype), text), line, keyword)
    elif keyword == "handle":
        call.handles.append(parse_handle(rest, vocab, line))
    elif keyword == "error":
        call.errors.append(parse_error(rest, vocab, call.errors))
    elif keyword == "abi":
        if rest != "custom":
            raise ValueError(f"`abi` must be `custom`, not {rest!r}")
        set_once(call, "custom_abi", True, line, keyword)
    elif not rest:
        raise ValueError("`note` needs its text")
    else:
        call.notes.append(rest)


def block_problems(call, path):
    """Return the TableErrors that show only once a block is complete."""
    problems = []
    for keyword, line in (("summary", call.summary_line), ("returns", call.returns_line)):
        if not line:
            problems.append(TableError(path, call.line, f"`{keyword}` missing"))
    names = [arg.name for arg in call.args]
    seen = set()
    for use in call.handles:
        if use.arg not in names:
            problems.append(TableError(path, use.line, f"`handle` names no argument {use.arg!r}"))
        elif use.arg in seen:
            problems.append(TableError(path, use.line, f"duplicate `handle` for {use.arg!r}"))
        seen.add(use.arg)
    return problems


class TableParser:
    """Reads the table line by line, collecting every problem it finds."""

    def __init__(self, path, vocab):
        self.path = path
        self.vocab = vocab
        self.calls = []
        self.problems = []
        self.current = None
        self.last_number = -1
        self.numbers = {}
        self.names = {}

    def fail(self, line, message):
        """Record one problem."""
        self.problems.append(TableError(self.path, line, message))

    def close_block(self):
        """Finish the current block and keep it when its syscall line was sound."""
        call = self.current
        self.current = None
        if call is None:
            return
        self.problems += block_problems(call, self.path)
        if call.number is not None and call.name is not None:
            self.calls.append(call)

    def check_number(self, text, line):
        """Return the number of a syscall line, or None after recording why not."""
        if not NUMBER_RE.fullmatch(text):
            self.fail(line, f"syscall number {text!r} is not a decimal number")
            return None
        number = int(text)
        if number in self.numbers:
            self.fail(line, f"duplicate number {number} (first at line {self.numbers[number]})")
            return None
        expected = self.last_number + 1
        if number != expected and expected == 0:
            self.fail(line, f"numbers must start at 0, got {number}")
        elif number != expected:
            self.fail(line, f"expected number {expected}, got {number} (numbers have no gaps)")
        self.numbers[number] = line
        self.last_number = number
        return number

    def check_name(self, name, line):
        """Return the name of a syscall line, or None after recording why not."""
        if not NAME_RE.fullmatch(name):
            self.fail(line, f"syscall name {name!r} does not match [a-z][a-z0-9_]*")
            return None
        if name in self.names:
            self.fail(line, f"duplicate name {name!r} (first at line {self.names[name]})")
            return None
        self.names[name] = line
        return name

    def open_block(self, rest, line):
        """Start a block at `syscall NUMBER NAME`; a bad one still collects its attributes."""
        self.close_block()
        self.current = Call(line)
        fields = rest.split()
        if len(fields) != 2:
            self.fail(line, "expected `syscall NUMBER NAME`")
            return
        self.current.number = self.check_number(fields[0], line)
        self.current.name = self.check_name(fields[1], line)

    def attribute(self, keyword, rest, line):
        """Handle an indented line."""
        if keyword == "syscall":
            self.fail(line, "`syscall` must start at column 0")
        elif keyword not in ATTRIBUTES:
            self.fail(line, f"unknown keyword {keyword!r}")
        elif self.current is None:
            self.fail(line, f"attribute `{keyword}` outside a syscall block")
        else:
            try:
                apply_attribute(self.current, keyword, rest, line, self.vocab)
            except ValueError as err:
                self.fail(line, str(err))

    def feed(self, raw, line):
        """Handle one line of the table."""
        if CONTROL_RE.search(raw):
            self.fail(line, "control character in line")
            return
        text = raw.rstrip()
        if not text.strip() or text.lstrip().startswith("#"):
            return
        fields = text.split(None, 1)
        keyword, rest = fields[0], fields[1].strip() if len(fields) > 1 else ""
        if text[0] in " \t":
            self.attribute(keyword, rest, line)
        elif keyword == "syscall":
            self.open_block(rest, line)
        elif keyword in ATTRIBUTES:
            self.fail(line, f"attribute `{keyword}` outside a syscall block (indent it)")
        else:
            self.fail(line, f"unknown keyword {keyword!r}")

    def finish(self):
        """Close the last block; return every problem found, in line order."""
        self.close_block()
        if not self.calls and not self.problems:
            self.fail(1, "no system calls defined")
        return sorted(self.problems, key=lambda problem: problem.line or 0)


def parse_table(path, vocab):
    """Return (calls, problems) for the table at path."""
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        return [], [TableError(path, None, f"cannot read: {err.strerror}")]
    parser = TableParser(path, vocab)
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            parser.feed(raw.decode("utf-8").rstrip("\r"), number)
        except UnicodeDecodeError:
            parser.fail(number, "not UTF-8")
    problems = parser.finish()
    return parser.calls, problems


# --- C output ---------------------------------------------------------------------


def c_comment(text):
    """Return text made safe inside a /* */ comment."""
    return text.replace("*/", "* /")


def c_decl(ctype, name):
    """Return the declaration of name with type ctype."""
    return f"{ctype}{name}" if ctype.endswith("*") else f"{ctype} {name}"


def stub_signature(call):
    """Return the stub's 'TYPE cairn_NAME(ARGS)' for the header and the stubs."""
    params = ", ".join(c_decl(arg.ctype, arg.name) for arg in call.args) or "void"
    result = "void" if call.returns[0] == "void" else "long"
    return f"{result} cairn_{call.name}({params})"


def generated_banner(title, lines):
    """Return the opening comment of a generated C file."""
    body = [f" * {line}".rstrip() for line in lines]
    return "\n".join(
        ["/*", f" * {title}", " *", *body, " *",
         f" * Generated from {TABLE_NAME} by {TOOL_NAME}: edit the table, not this file.",
         " */"]
    )


def render_header(calls):
    """Return <cairn/syscalls.h>."""
    defines = [(f"SYS_{call.name.upper()}", call.number) for call in calls]
    width = max(len(name) for name, _ in defines)
    out = [
        generated_banner(
            "cairn/syscalls.h - the system-call numbers and the user-space stubs.",
            ["docs/syscalls.md documents every call and the calling convention. Stubs",
             "return the result, or the negated enum cairn_error, in a long."],
        ),
        "#ifndef CAIRN_SYSCALLS_H",
        "#define CAIRN_SYSCALLS_H",
        "",
        *(f"#define {name.ljust(width)} {number}" for name, number in defines),
        "",
        f"#define SYS_COUNT {len(calls)}",
        "",
        "/* Assembly sources include this file for the numbers alone. */",
        "#ifndef __ASSEMBLER__",
        "#include <stddef.h>",
        "#include <stdint.h>",
        "#include <cairn/error.h>",
        "#include <cairn/handle.h>",
        "#include <cairn/ipc.h>",
        "#include <cairn/system.h>",
        "#include <cairn/process.h>",
    ]
    for call in calls:
        if call.custom_abi:
            continue
        noreturn = "__attribute__((__noreturn__)) " if call.noreturn else ""
        out += ["", f"/* {c_comment(call.summary)} */", f"{noreturn}{stub_signature(call)};"]
    out += ["#endif", "", "#endif", ""]
    return "\n".join(out)


def stub_body(call):
    """Return the lines of one stub's body."""
    lines = []
    inputs = []
    for index, arg in enumerate(call.args):
        cast = "(long)(uintptr_t)" if "*" in arg.ctype else "(long)"
        register = ARG_REGISTERS[index].lower()
        lines.append(f'    register long a{index} __asm__("{register}") = {cast}{arg.name};')
        inputs.append(f'"r"(a{index})')
    operands = '"+a"(ret) : ' + (", ".join(inputs) + " " if inputs else "")
    lines += [
        f"    long ret = SYS_{call.name.upper()};",
        "",
        f'    __asm__ volatile("syscall" : {operands}: "rcx", "r11", "memory");',
    ]
    if call.noreturn:
        lines.append("    __builtin_unreachable();")
    elif call.returns[0] != "void":
        lines.append("    return ret;")
    return lines


def render_stubs(calls):
    """Return the user-space stubs' C source."""
    out = [
        generated_banner(
            "syscalls.c - the user-space system-call stubs (see <cairn/syscalls.h>).",
            ["SYSCALL takes the number in RAX and the arguments in RDI, RSI, RDX, R10,",
             "R8, R9, and leaves the result in RAX; it overwrites RCX and R11 itself.",
             "\"memory\" because the kernel reads and writes the buffers passed in."],
        ),
        "#include <cairn/syscalls.h>",
    ]
    for call in calls:
        if not call.custom_abi:
            out += ["", stub_signature(call), "{", *stub_body(call), "}"]
    out.append("")
    return "\n".join(out)


def render_kernel(calls):
    """Return the kernel's dispatch table C source."""
    params = ", ".join(f"uint64_t a{i}" for i in range(MAX_ARGS))
    out = [
        generated_banner(
            "syscall_table.c - the kernel's system-call dispatch table.",
            ["See core/syscall_table.h; each sys_<name> is defined by its subsystem."],
        ),
        "#include <cairn/syscalls.h>",
        "#include <core/syscall_table.h>",
        "",
        *(f"int64_t sys_{call.name}({params});" for call in calls),
        "",
        "const struct syscall_entry syscall_table[SYS_COUNT] = {",
    ]
    for call in calls:
        out.append(
            f'    [SYS_{call.name.upper()}] = {{.name = "{call.name}", '
            f".handler = sys_{call.name}, .nargs = {len(call.args)}}},"
        )
    out += ["};", ""]
    return "\n".join(out)


# --- Markdown output ----------------------------------------------------------------

DOCS_INTRO = f"""\
# System calls

A program enters the kernel with the `SYSCALL` instruction: the call number
in `RAX`, the arguments in `RDI`, `RSI`, `RDX`, `R10`, `R8`, `R9` in that order,
and the result back in `RAX`. A negative result is the negated
`enum cairn_error` (`include/cairn/error.h`, listed in the appendix); zero or
more is success. `RCX` and `R11` are clobbered (`SYSCALL` and `SYSRET` use
them); every other register is preserved. An unknown number returns
`-CAIRN_E_INVALID_SYSCALL`. A handle is a 32-bit value naming a slot of the
calling process's handle table, and the slot holds a kernel object together
with the rights its holder has over it. A call that takes a handle requires it
to name an object of the type its section lists and to carry every right
listed there; the object types and rights are defined in
`include/cairn/handle.h`. User space calls `cairn_NAME()` from
`<cairn/syscalls.h>`, which also defines the numbers `SYS_NAME`; a call with a
custom ABI has no such stub. This file is generated from
`{TABLE_NAME}` by `{TOOL_NAME}`: edit the table, not this file.
"""


def cell(text):
    """Return text made safe inside a Markdown table cell."""
    return text.replace("|", "\\|")


def table(header, rows):
    """Return the lines of a Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(str(value)) for value in row) + " |" for row in rows]
    return lines


def call_heading(call):
    """Return `## N: name(args) -> returns`."""
    params = ", ".join(c_decl(arg.ctype, arg.name) for arg in call.args)
    return f"## {call.number}: `{call.name}({params}) -> {call.returns[0]}`"


def call_section(call, vocab):
    """Return the lines documenting one call."""
    out = ["", call_heading(call), "", call.summary, ""]
    if call.args:
        rows = [(f"`{ARG_REGISTERS[i]}`", f"`{c_decl(a.ctype, a.name)}`", a.text)
                for i, a in enumerate(call.args)]
        out += table(("register", "argument", "meaning"), rows) + [""]
    else:
        out += ["Takes no arguments.", ""]
    out += [f"Returns `{call.returns[0]}`: {call.returns[1]}", ""]
    if call.handles:
        rows = [(f"`{use.arg}`", f"`CAIRN_OBJ_{use.obj}`",
                 ", ".join(f"`CAIRN_RIGHT_{right}`" for right in use.rights))
                for use in call.handles]
        out += ["Handles:", ""] + table(("argument", "object type", "rights"), rows) + [""]
    if call.errors:
        rows = [(vocab.errors[name][0], f"`CAIRN_E_{name}`", text) for name, text in call.errors]
        out += ["Errors:", ""] + table(("code", "error", "when"), rows) + [""]
    if call.custom_abi:
        out += ["Custom ABI: registers beyond the common convention (see the notes);",
                "no user-space stub is generated.", ""]
    for note in call.notes:
        out += [note, ""]
    return out[:-1]


def render_docs(calls, vocab):
    """Return docs/syscalls.md."""
    out = [DOCS_INTRO.rstrip("\n"), ""]
    out += table(("number", "name", "summary"),
                 [(call.number, f"`{call.name}`", call.summary) for call in calls])
    for call in calls:
        out += call_section(call, vocab)
    codes = sorted(vocab.errors.items(), key=lambda item: item[1][0])
    out += ["", "## Appendix: error codes", "",
            "From `include/cairn/error.h`; a failing call returns the negated code.", ""]
    out += table(("code", "name", "meaning"),
                 [(value, f"`CAIRN_E_{name}`", comment) for name, (value, comment) in codes])
    return "\n".join(out) + "\n"


# --- the command --------------------------------------------------------------------


def write_output(path, text):
    """Write text to path through a temporary file, so no half-written file is left."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def docs_drift(path, docs):
    """Return a unified diff from the file at path to docs, empty when they agree."""
    try:
        current = Path(path).read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        current = ""
    diff = difflib.unified_diff(current.splitlines(keepends=True), docs.splitlines(keepends=True),
                                fromfile=str(path), tofile="generated from the table")
    return "".join(diff)


def parse_args(argv):
    """Return the parsed command line."""
    parser = argparse.ArgumentParser(prog="syscalls.py",
                                     description="Generate the system-call ABI from its table.")
    parser.add_argument("table", help="the table, normally kernel/syscalls.tbl")
    parser.add_argument("--include-dir", default=str(DEFAULT_INCLUDE_DIR),
                        help="where cairn/error.h and cairn/handle.h are")
    parser.add_argument("--header", help="write <cairn/syscalls.h> here")
    parser.add_argument("--stubs", help="write the user-space stubs here")
    parser.add_argument("--kernel", help="write the kernel's dispatch table here")
    parser.add_argument("--docs", help="write the Markdown documentation here")
    parser.add_argument("--check-docs", help="exit 1 with a diff when this file has drifted")
    return parser.parse_args(argv)


def generate(options, calls, vocab):
    """Write the outputs asked for; return 1 when --check-docs found drift, else 0."""
    docs = render_docs(calls, vocab)
    outputs = ((options.header, render_header), (options.stubs, render_stubs),
               (options.kernel, render_kernel))
    for path, render in outputs:
        if path:
            write_output(path, render(calls))
    if options.docs:
        write_output(options.docs, docs)
    if options.check_docs:
        diff = docs_drift(options.check_docs, docs)
        if diff:
            sys.stderr.write(diff)
            print(f"syscalls.py: {options.check_docs} differs from {options.table}: "
                  "run `make docs` to regenerate docs/syscalls.md", file=sys.stderr)
            return 1
    return 0


def main(argv):
    """Command-line entry point; returns the exit status."""
    options = parse_args(argv)
    try:
        vocab = read_vocabulary(options.include_dir)
        calls, problems = parse_table(options.table, vocab)
    except TableError as err:
        problems = [err]
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 2
    try:
        return generate(options, calls, vocab)
    except OSError as err:
        print(f"syscalls.py: {err.filename}: {err.strerror}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
