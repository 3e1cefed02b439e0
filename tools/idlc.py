#!/usr/bin/env python3
"""idlc - the Cairn interface compiler (see docs/idl.md).

    idlc.py [--handle-h include/cairn/handle.h] --out DIR idl/NAME.idl

reads one interface and writes DIR/NAME.h, DIR/NAME_client.c and
DIR/NAME_server.c. Errors are reported as FILE:LINE:COL: message and make
it exit with status 1 without writing anything.
"""

import argparse
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

REG_BYTES = 32
MAX_BYTES = 4032
MAX_PAYLOAD = REG_BYTES + MAX_BYTES
MAX_CAPS = 4
MAX_ARGS = 4608  # IDL_MAX_ARGS in lib/idl/include/idl/idl.h

INTS = {
    "u8": (1, "uint8_t", "IDL_U8"), "u16": (2, "uint16_t", "IDL_U16"),
    "u32": (4, "uint32_t", "IDL_U32"), "u64": (8, "uint64_t", "IDL_U64"),
    "i8": (1, "int8_t", "IDL_I8"), "i16": (2, "int16_t", "IDL_I16"),
    "i32": (4, "int32_t", "IDL_I32"), "i64": (8, "int64_t", "IDL_I64"),
}
KEYWORDS = {"interface", "version", "enum", "struct", "method", "move", "bool", "string",
            "bytes", "cap"} | set(INTS)
C_KEYWORDS = set("""auto break case char const continue default do double else enum extern
float for goto if inline int long register restrict return short signed sizeof static struct
switch typedef union unsigned void volatile while bool true false NULL _Bool _Complex _Imaginary
ctx call endpoint""".split())
# Generated names a method or type may not take.
RESERVED_METHODS = {"dispatch", "serve", "interface", "client_interface", "ops"}
RESERVED_TYPES = {"ops", "interface", "client_interface"}


class IdlError(Exception):
    def __init__(self, path, line, col, msg):
        super().__init__(f"{path}:{line}:{col}: {msg}")


# --- the vocabulary of cairn/handle.h ------------------------------------------

def read_handle_h(path):
    """Object types (lower-case names without CAIRN_OBJ_) and rights."""
    text = Path(path).read_text()
    types = {m.group(1).lower(): int(m.group(2))
             for m in re.finditer(r"CAIRN_OBJ_(\w+)\s*=\s*(\d+)", text)}
    types.pop("none", None)
    rights = {m.group(1).lower(): 1 << int(m.group(2))
              for m in re.finditer(r"#define\s+CAIRN_RIGHT_(\w+)\s+\(1u\s*<<\s*(\d+)\)", text)}
    if not types or not rights:
        sys.exit(f"idlc: {path}: no object types or rights found")
    return types, rights


# --- lexer ----------------------------------------------------------------------

TOKEN_RE = re.compile(r"""
    (?P<space>[ \t\r]+)
  | (?P<newline>\n)
  | (?P<comment>//[^\n]*)
  | (?P<number>-?(0[xX][0-9a-fA-F]+|[0-9]+))
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<arrow>->)
  | (?P<punct>[{}()<>,;=|])
""", re.VERBOSE)


class Token:
    def __init__(self, kind, text, line, col, doc):
        self.kind, self.text, self.line, self.col, self.doc = kind, text, line, col, doc

    def describe(self):
        if self.kind == "eof":
            return "end of file"
        return f"'{self.text}'"


def lex(path, text):
    tokens, doc = [], []
    line, line_start, pos = 1, 0, 0
    while pos < len(text):
        m = TOKEN_RE.match(text, pos)
        col = pos - line_start + 1
        if not m:
            raise IdlError(path, line, col, f"unexpected character {text[pos]!r}")
        kind = m.lastgroup
        if kind == "newline":
            line, line_start = line + 1, m.end()
        elif kind == "comment":
            doc.append(m.group()[2:].strip())
        elif kind != "space":
            if kind in ("punct", "arrow"):
                kind = m.group()
            tokens.append(Token(kind, m.group(), line, col, doc))
            doc = []
        pos = m.end()
    tokens.append(Token("eof", "", line, pos - line_start + 1, doc))
    return tokens


# --- the model --------------------------------------------------------------------

class Type:
    """kind: int, bool, enum, struct, string, bytes, cap."""

    def __init__(self, kind, name, size=0, align=1, bound=0, ref=None, cap_type=None,
                 rights=0, right_names=()):
        self.kind, self.name, self.size, self.align = kind, name, size, align
        self.bound, self.ref, self.cap_type, self.rights = bound, ref, cap_type, rights
        self.right_names = right_names


class Field:
    def __init__(self, name, type_, doc, tok, move=False):
        self.name, self.type, self.doc, self.tok, self.move = name, type_, doc, tok, move
        self.wire = 0


class Enum:
    def __init__(self, name, doc):
        self.name, self.doc, self.members, self.tokens = name, doc, [], []


class Struct:
    def __init__(self, name, doc):
        self.name, self.doc, self.fields, self.size, self.align = name, doc, [], 0, 1


class Method:
    def __init__(self, number, name, doc):
        self.number, self.name, self.doc = number, name, doc
        self.args, self.results = [], []


class Interface:
    def __init__(self, name, version, doc):
        self.name, self.version, self.doc = name, version, doc
        self.enums, self.structs, self.methods, self.types = [], [], [], {}

    @property
    def ident(self):
        return interface_id(self.name, self.version)


def interface_id(name, version):
    """24 bits of FNV-1a over "name:version", never 0."""
    h = 0x811C9DC5
    for b in f"{name}:{version}".encode():
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    ident = (h >> 8) ^ (h & 0xFF)
    return ident or 1


# --- parser ------------------------------------------------------------------------

class Parser:
    def __init__(self, path, text, types, rights):
        self.path, self.tokens, self.pos = path, lex(path, text), 0
        self.obj_types, self.rights = types, rights

    def error(self, tok, msg):
        raise IdlError(self.path, tok.line, tok.col, msg)

    def peek(self):
        return self.tokens[self.pos]

    def next(self):
        tok = self.tokens[self.pos]
        if tok.kind != "eof":
            self.pos += 1
        return tok

    def expect(self, kind, what=None):
        tok = self.peek()
        if tok.kind != kind and not (kind in KEYWORDS and tok.kind == "ident" and tok.text == kind):
            self.error(tok, f"expected {what or repr(kind)}, found {tok.describe()}")
        return self.next()

    def accept(self, text):
        tok = self.peek()
        if tok.text == text and tok.kind in ("ident", text):
            return self.next()
        return None

    def name(self, what):
        tok = self.peek()
        if tok.kind != "ident":
            self.error(tok, f"expected {what}, found {tok.describe()}")
        if tok.text in KEYWORDS:
            self.error(tok, f"expected {what}, found the keyword '{tok.text}'")
        if tok.text in C_KEYWORDS:
            self.error(tok, f"'{tok.text}' is reserved in the generated C; choose another name")
        if "__" in tok.text or tok.text.startswith("_") or tok.text.endswith("_"):
            self.error(tok, f"'{tok.text}': names may not start or end with '_' or contain '__'")
        return self.next()

    def number(self, what, lo, hi):
        tok = self.peek()
        if tok.kind != "number":
            self.error(tok, f"expected {what}, found {tok.describe()}")
        value = int(tok.text, 0)
        if not lo <= value <= hi:
            self.error(tok, f"{what} must be in {lo}..{hi}, not {value}")
        return self.next(), value

    # interface := 'interface' NAME 'version' NUMBER '{' decl* '}'
    def parse(self):
        first = self.expect("interface", "'interface'")
        name = self.name("the interface name")
        self.expect("version", "'version'")
        _, version = self.number("the version", 1, 65535)
        iface = Interface(name.text, version, first.doc)
        iface.tok = name
        self.expect("{", "'{' to open the interface")
        while not self.accept("}"):
            tok = self.peek()
            if tok.text == "enum":
                self.parse_enum(iface)
            elif tok.text == "struct":
                self.parse_struct(iface)
            elif tok.text == "method":
                self.parse_method(iface)
            else:
                self.error(tok, f"expected 'enum', 'struct', 'method' or '}}', found {tok.describe()}")
        self.expect("eof", "end of file after the interface")
        if not iface.methods:
            self.error(name, f"interface '{iface.name}' has no methods")
        iface.methods.sort(key=lambda m: m.number)  # the dispatcher searches by number
        self.check_macros(iface)
        return iface

    def check_macros(self, iface):
        """The upper-case constants of the header must all differ."""
        P = iface.name.upper()
        seen = {f"{P}_VERSION": "the version", f"{P}_ID": "the interface id"}
        names = [(f"{P}_{m.name.upper()}", m.tok, f"method '{m.name}'") for m in iface.methods]
        for e in iface.enums:
            names += [(f"{P}_{e.name.upper()}_{t.text.upper()}", t, f"'{e.name}.{t.text}'")
                      for t in e.tokens]
        for macro, tok, what in sorted(names, key=lambda n: (n[1].line, n[1].col)):
            if macro in seen:
                self.error(tok, f"{what} would be {macro} in C, as {seen[macro]} is")
            seen[macro] = what

    def declare(self, iface, tok, what):
        if tok.text in RESERVED_TYPES:
            self.error(tok, f"'{tok.text}' is a name the generated code uses; choose another")
        if tok.text in iface.types:
            self.error(tok, f"'{tok.text}' is already declared")
        iface.types[tok.text] = what

    # enum := 'enum' NAME '{' NAME '=' NUMBER (',' NAME '=' NUMBER)* ','? '}'
    def parse_enum(self, iface):
        doc = self.next().doc
        tok = self.name("the enum name")
        enum = Enum(tok.text, doc)
        self.declare(iface, tok, enum)
        self.expect("{", "'{' to open the enum")
        names, values = set(), {}
        while True:
            member = self.name("an enum member name")
            if member.text in names:
                self.error(member, f"enum member '{member.text}' is already declared")
            self.expect("=", f"'=' and the value of '{member.text}'")
            vtok, value = self.number("an enum value", -(1 << 31), (1 << 31) - 1)
            if value in values:
                self.error(vtok, f"value {value} is already '{values[value]}'")
            names.add(member.text)
            values[value] = member.text
            enum.members.append((member.text, value, member.doc))
            enum.tokens.append(member)
            if not self.accept(","):
                break
            if self.peek().text == "}":
                break
        self.expect("}", "',' or '}'")
        iface.enums.append(enum)

    # struct := 'struct' NAME '{' (type NAME ';')+ '}'
    def parse_struct(self, iface):
        doc = self.next().doc
        tok = self.name("the struct name")
        struct = Struct(tok.text, doc)
        seen = set()
        self.expect("{", "'{' to open the struct")
        while not self.accept("}"):
            ftype_tok = self.peek()
            ftype = self.parse_type(iface)
            if ftype.kind in ("string", "bytes", "cap"):
                self.error(ftype_tok, f"a struct holds integers, bools, enums and structs, "
                                      f"not {ftype.kind}")
            fname = self.name("a field name")
            if fname.text in seen:
                self.error(fname, f"field '{fname.text}' is already declared")
            seen.add(fname.text)
            struct.fields.append(Field(fname.text, ftype, ftype_tok.doc, fname))
            self.expect(";", "';' after the field")
        if not struct.fields:
            self.error(tok, f"struct '{struct.name}' has no fields")
        offset = 0
        for f in struct.fields:
            offset = align(offset, f.type.align)
            f.wire = offset
            offset += f.type.size
            struct.align = max(struct.align, f.type.align)
        struct.size = align(offset, struct.align)
        self.declare(iface, tok, struct)
        iface.structs.append(struct)

    # method := 'method' NUMBER NAME '(' params ')' ('->' '(' params ')')? ';'
    def parse_method(self, iface):
        doc = self.next().doc
        ntok, number = self.number("the method number", 1, 255)
        for m in iface.methods:
            if m.number == number:
                self.error(ntok, f"method number {number} is already '{m.name}'")
        tok = self.name("the method name")
        if tok.text in RESERVED_METHODS:
            self.error(tok, f"'{tok.text}' is a name the generated code uses; choose another")
        for m in iface.methods:
            if m.name == tok.text:
                self.error(tok, f"method '{tok.text}' is already declared")
        method = Method(number, tok.text, doc)
        method.tok = tok
        self.expect("(", "'(' and the arguments")
        method.args = self.parse_params(iface, "argument")
        if self.accept("->"):
            self.expect("(", "'(' and the results")
            method.results = self.parse_params(iface, "result")
        self.expect(";", "';' after the method")
        names = set()
        for f in method.args + method.results:
            if f.name in names:
                self.error(f.tok, f"'{f.name}' is already a parameter of '{method.name}'")
            names.add(f.name)
        for f in method.args + method.results:
            if f.type.kind == "bytes" and f.name + "_len" in [g.name for g in method.args +
                                                              method.results]:
                self.error(f.tok, f"'{f.name}' is bytes<N>, so '{f.name}_len' names its length "
                                  f"in C; rename the parameter '{f.name}_len'")
        for fields, what in ((method.args, "arguments"), (method.results, "results")):
            layout_message(self, method, fields, what)
        iface.methods.append(method)

    def parse_params(self, iface, what):
        params = []
        if self.accept(")"):
            return params
        while True:
            start = self.peek()
            move = self.accept("move") is not None
            ptype = self.parse_type(iface)
            if move and ptype.kind != "cap":
                self.error(start, "'move' applies to capabilities only")
            pname = self.name(f"the {what} name")
            params.append(Field(pname.text, ptype, start.doc, pname, move))
            if self.accept(")"):
                return params
            self.expect(",", "',' or ')'")

    def parse_type(self, iface):
        tok = self.peek()
        if tok.kind != "ident":
            self.error(tok, f"expected a type, found {tok.describe()}")
        self.next()
        if tok.text in INTS:
            size = INTS[tok.text][0]
            return Type("int", tok.text, size, size)
        if tok.text == "bool":
            return Type("bool", "bool", 1, 1)
        if tok.text in ("string", "bytes"):
            self.expect("<", f"'<' and the bound of the {tok.text}")
            _, bound = self.number(f"the {tok.text} bound", 1, MAX_BYTES - 1 if tok.text ==
                                   "string" else MAX_BYTES)
            self.expect(">", "'>'")
            return Type(tok.text, tok.text, 2, 2, bound=bound)
        if tok.text == "cap":
            return self.parse_cap()
        if tok.text in iface.types:
            t = iface.types[tok.text]
            if isinstance(t, Enum):
                return Type("enum", t.name, 4, 4, ref=t)
            return Type("struct", t.name, t.size, t.align, ref=t)
        self.error(tok, f"unknown type '{tok.text}' (integers u8..u64 i8..i64, bool, "
                        f"string<N>, bytes<N>, cap<TYPE, RIGHTS>, or an enum or struct "
                        f"declared above)")

    # cap := 'cap' '<' TYPE ',' RIGHT ('|' RIGHT)* '>'
    def parse_cap(self):
        self.expect("<", "'<' and the object type")
        ttok = self.peek()
        if ttok.kind != "ident" or ttok.text not in self.obj_types:
            self.error(ttok, f"expected an object type ({', '.join(sorted(self.obj_types))}), "
                             f"found {ttok.describe()}")
        self.next()
        self.expect(",", "',' and the rights")
        rights, names = 0, []
        while True:
            rtok = self.peek()
            if rtok.kind != "ident" or (rtok.text not in self.rights and rtok.text != "none"):
                self.error(rtok, f"expected a right ({', '.join(self.rights)} or none), "
                                 f"found {rtok.describe()}")
            self.next()
            if rtok.text != "none":
                rights |= self.rights[rtok.text]
                names.append(rtok.text)
            if not self.accept("|"):
                break
        self.expect(">", "'|' and a right, or '>'")
        return Type("cap", "cap", 0, 1, cap_type=ttok.text, rights=rights,
                    right_names=tuple(names))


def align(n, a):
    return (n + a - 1) // a * a


def layout_message(parser, method, fields, what):
    """Wire offsets of a method's arguments or results and its limits."""
    offset, caps, var = 0, 0, 0
    for f in fields:
        if f.type.kind == "cap":
            f.wire = caps
            caps += 1
            continue
        offset = align(offset, f.type.align)
        f.wire = offset
        offset += f.type.size
        if f.type.kind == "string":
            var += f.type.bound + 1
        elif f.type.kind == "bytes":
            var += f.type.bound
    tok = method.tok
    if caps > MAX_CAPS:
        parser.error(tok, f"the {what} of '{method.name}' carry {caps} capabilities; at most "
                          f"{MAX_CAPS} fit in a message")
    if offset + var > MAX_PAYLOAD:
        parser.error(tok, f"the {what} of '{method.name}' take up to {offset + var} bytes; at "
                          f"most {MAX_PAYLOAD} fit in a message ({REG_BYTES} in registers, "
                          f"{MAX_BYTES} in the IPC buffer)")
    if offset + var + 8 * len(fields) + 64 > MAX_ARGS:
        parser.error(tok, f"the {what} of '{method.name}' are too large for the dispatcher's "
                          f"stack ({MAX_ARGS} bytes)")
    return offset, caps, offset + var


def is_regs(fields):
    """Whether fields travel in registers only (IDL_REGS)."""
    return (all(f.type.kind not in ("string", "bytes", "cap") for f in fields)
            and message_limits(fields)[0] <= REG_BYTES)


def needs_checks(fields):
    """Whether fields hold a bool or an enum, at any depth."""
    for f in fields:
        if f.type.kind in ("bool", "enum"):
            return True
        if f.type.kind == "struct" and needs_checks(f.type.ref.fields):
            return True
    return False


def value_bytes(fields, base=0):
    """The fixed-part bytes the values of fields occupy (not their padding)."""
    used = set()
    for f in fields:
        t = f.type
        if t.kind == "struct":
            used |= value_bytes(t.ref.fields, base + f.wire)
        elif t.kind != "cap":
            used |= set(range(base + f.wire, base + f.wire + t.size))
    return used


def pad_mask(fields, fixed, regs):
    """Per 8-byte payload word, the bits a message must have 0: the fixed
    part's alignment padding and, for a register-only shape, the register
    bytes after it (then always the four words). Trailing all-0 words are
    left out; [] when there is nothing to check."""
    used = value_bytes(fields)
    zero = [b for b in range(REG_BYTES if regs else fixed) if b not in used]
    words = [0] * (REG_BYTES // 8 if regs else (max(zero) // 8 + 1 if zero else 0))
    for b in zero:
        words[b // 8] |= 0xFF << (8 * (b % 8))
    return words


def message_limits(fields):
    offset, caps, var = 0, 0, 0
    for f in fields:
        if f.type.kind == "cap":
            caps += 1
            continue
        offset = align(offset, f.type.align) + f.type.size
        var += {"string": f.type.bound + 1, "bytes": f.type.bound}.get(f.type.kind, 0)
    return offset, caps, offset + var


# --- C generation -----------------------------------------------------------------

def c_comment(lines, indent=""):
    if not lines:
        return ""
    if len(lines) == 1:
        return f"{indent}/* {lines[0]} */\n"
    body = "".join(f"{indent} * {l}".rstrip() + "\n" for l in lines)
    return f"{indent}/*\n{body}{indent} */\n"


class Gen:
    def __init__(self, iface, source):
        self.i, self.source = iface, source
        self.p = iface.name

    def ctype(self, t):
        if t.kind == "int":
            return INTS[t.name][1]
        if t.kind == "bool":
            return "bool"
        if t.kind == "enum":
            return f"enum {self.p}_{t.name}"
        if t.kind == "struct":
            return f"struct {self.p}_{t.name}"
        if t.kind == "cap":
            return "cairn_handle_t"
        raise AssertionError(t.kind)

    def describe(self, t):
        if t.kind in ("string", "bytes"):
            return f"{t.kind}<{t.bound}>"
        if t.kind == "cap":
            return f"cap<{t.cap_type}, {'|'.join(t.right_names) or 'none'}>"
        return t.name

    # C parameters of a client stub or handler
    def in_params(self, f):
        t = f.type
        if t.kind == "string":
            return [f"const char *{f.name}"]
        if t.kind == "bytes":
            return [f"const uint8_t *{f.name}", f"uint32_t {f.name}_len"]
        if t.kind == "struct":
            return [f"const {self.ctype(t)} *{f.name}"]
        return [f"{self.ctype(t)} {f.name}"]

    def out_params(self, f):
        t = f.type
        if t.kind == "string":
            return [f"char {f.name}[{t.bound + 1}]"]
        if t.kind == "bytes":
            return [f"uint8_t {f.name}[{t.bound}]", f"uint32_t *{f.name}_len"]
        return [f"{self.ctype(t)} *{f.name}"]

    def c_members(self, fields, indent="    "):
        out = []
        for f in fields:
            t = f.type
            if t.kind == "string":
                out.append(f"{indent}char {f.name}[{t.bound + 1}];\n")
            elif t.kind == "bytes":
                out.append(f"{indent}uint32_t {f.name}_len;\n{indent}uint8_t {f.name}[{t.bound}];\n")
            else:
                out.append(f"{indent}{self.ctype(t)} {f.name};\n")
        return "".join(out)

    def regs_tail(self, fields):
        """The member that makes the C struct of register-only arguments or
        results IDL_REG_BYTES long: the register path copies whole words."""
        if not is_regs(fields):
            return ""
        fixed = message_limits(fields)[0]
        size = align(fixed, max([f.type.align for f in fields] + [1]))
        if size == REG_BYTES:
            return ""
        return f"    uint8_t regs_[{REG_BYTES - size}]; /* to IDL_REG_BYTES: whole words */\n"

    def layout_asserts(self, fields, container):
        """The C layout of a flat struct is its wire layout (IDL_FLAT)."""
        return "".join(f"_Static_assert(offsetof({container}, {f.name}) == {f.wire}, "
                       f"\"{f.name}: the wire layout\");\n" for f in fields)

    def signature(self, m, server):
        params = ["void *ctx", "const struct idl_call *call"] if server else \
            ["cairn_handle_t endpoint"]
        for f in m.args:
            params += self.in_params(f)
        for f in m.results:
            params += self.out_params(f)
        return ", ".join(params)

    def param_doc(self, m, server):
        lines = list(m.doc)
        for f, way in [(f, "in") for f in m.args] + [(f, "out") for f in m.results]:
            extra = ""
            if f.type.kind == "cap" and f.move:
                extra = ", moved"
            text = f"{way} {f.name}: {self.describe(f.type)}{extra}"
            if f.doc:
                text += " - " + " ".join(f.doc)
            lines.append(text)
        if server:
            lines.append("Returns 0 or a negated enum cairn_error (sent as the reply's status).")
        else:
            lines.append("Returns 0 or a negated enum cairn_error.")
            if not (is_regs(m.args) and is_regs(m.results)):
                lines.append("Needs the IPC buffer (idl_client_init).")
        return lines

    def header(self):
        i, p, P = self.i, self.p, self.p.upper()
        o = [f"/* Generated by tools/idlc from {self.source}: do not edit. */\n"]
        o.append(c_comment(i.doc or [f"The {p} interface."]))
        o.append(f"#ifndef IDL_{P}_H\n#define IDL_{P}_H\n\n#include <idl/idl.h>\n\n")
        o.append(f"#define {P}_VERSION {i.version}\n#define {P}_ID 0x{i.ident:06x}u\n\n")
        for e in i.enums:
            o.append(c_comment(e.doc))
            o.append(f"enum {p}_{e.name} {{\n")
            for name, value, doc in e.members:
                o.append(c_comment(doc, "    "))
                o.append(f"    {P}_{e.name.upper()}_{name.upper()} = {value},\n")
            o.append("};\n\n")
        for s in i.structs:
            o.append(c_comment(s.doc))
            o.append(f"struct {p}_{s.name} {{\n")
            for f in s.fields:
                o.append(c_comment(f.doc, "    "))
                o.append(f"    {self.ctype(f.type)} {f.name};\n")
            o.append("};\n")
            o.append(f"_Static_assert(sizeof(struct {p}_{s.name}) == {s.size}, "
                     f"\"{s.name}: the wire layout\");\n")
            o.append(self.layout_asserts(s.fields, f"struct {p}_{s.name}") + "\n")
        for m in i.methods:
            o.append(f"#define {P}_{m.name.upper()} {m.number}\n")
        o.append("\n/* The arguments and results of each method as the runtime sees them. */\n")
        for m in i.methods:
            for fields, suffix in ((m.args, "in"), (m.results, "out")):
                o.append(f"struct {p}__{m.name}_{suffix} {{\n")
                o.append(self.c_members(fields) + self.regs_tail(fields))
                o.append("};\n")
                o.append(f"_Static_assert(sizeof(struct {p}__{m.name}_{suffix}) <= IDL_MAX_ARGS, "
                         f"\"{m.name}: the dispatcher's limit\");\n")
                if all(f.type.kind not in ("string", "bytes", "cap") for f in fields):
                    o.append(self.layout_asserts(fields, f"struct {p}__{m.name}_{suffix}"))
                if is_regs(fields):
                    o.append(f"_Static_assert(sizeof(struct {p}__{m.name}_{suffix}) == "
                             f"IDL_REG_BYTES, \"{m.name}: whole register words\");\n")
        o.append("\n/* Client stubs: call through an endpoint with SIGNAL. */\n")
        for m in i.methods:
            o.append(c_comment(self.param_doc(m, False)))
            o.append(f"long {p}_{m.name}({self.signature(m, False)});\n\n")
        o.append(f"/* Server: a handler per method; a method left 0 answers NOT_SUPPORTED. */\n")
        o.append(f"struct {p}_ops {{\n")
        for m in i.methods:
            o.append(c_comment(self.param_doc(m, True), "    "))
            o.append(f"    long (*{m.name})({self.signature(m, True)});\n")
        o.append("};\n\n")
        o.append(f"/* The interface's tables (server side, with the handler thunks). */\n")
        o.append(f"extern const struct idl_interface {p}_interface;\n\n")
        o.append(f"/* Validates the request in msg, calls its handler in ops and leaves the\n"
                 f" * reply in msg (see idl_dispatch). */\n")
        o.append(f"void {p}_dispatch(const struct {p}_ops *ops, void *ctx, struct cairn_msg *msg,\n"
                 f"                 struct cairn_ipc_buffer *buf);\n\n")
        o.append(f"/* Serves the interface on endpoint for ever (see idl_serve). */\n")
        o.append(f"long {p}_serve(cairn_handle_t endpoint, struct cairn_ipc_buffer *buf,\n"
                 f"              const struct {p}_ops *ops, void *ctx);\n\n")
        o.append(f"#endif\n")
        return "".join(o)

    def field_table(self, name, fields, container):
        """A static struct idl_field array for fields of C struct `container`."""
        rows = []
        for f in fields:
            t = f.type
            kind = {"int": INTS.get(t.name, (0, 0, ""))[2], "bool": "IDL_BOOL",
                    "enum": "IDL_ENUM", "struct": "IDL_STRUCT", "string": "IDL_STRING",
                    "bytes": "IDL_BYTES", "cap": "IDL_CAP"}[t.kind]
            parts = [f".kind = {kind}", f".wire = {f.wire}",
                     f".c_offset = offsetof({container}, {f.name})"]
            if t.kind == "bytes":
                parts.append(f".c_len = offsetof({container}, {f.name}_len)")
            if t.kind in ("string", "bytes"):
                parts.append(f".bound = {t.bound}")
            if t.kind == "cap":
                parts.append(f".cap_type = CAIRN_OBJ_{t.cap_type.upper()}")
                rights = "|".join(f"CAIRN_RIGHT_{r.upper()}" for r in t.right_names) or "0"
                parts.append(f".bound = {rights}")
                if f.move:
                    parts.append(".cap_move = 1")
            if t.kind == "enum":
                parts.append(f".sub = &{self.p}__enum_{t.name}")
            if t.kind == "struct":
                parts.append(f".sub = &{self.p}__struct_{t.name}")
            rows.append("    {" + ", ".join(parts) + "},\n")
        return f"static const struct idl_field {name}[] = {{\n{''.join(rows)}}};\n"

    def tables(self, server):
        p, o = self.p, []
        for e in self.i.enums:
            values = ", ".join(str(v) for _, v, _ in e.members)
            o.append(f"static const int32_t {p}__enum_{e.name}_values[] = {{{values}}};\n")
            o.append(f"static const struct idl_enum {p}__enum_{e.name} = "
                     f"{{{len(e.members)}, {p}__enum_{e.name}_values}};\n")
        for s in self.i.structs:
            o.append(self.field_table(f"{p}__struct_{s.name}_fields", s.fields,
                                      f"struct {p}_{s.name}"))
            shape = self.shape(s.fields, f"struct {p}_{s.name}", f"{p}__struct_{s.name}_fields",
                               s.size)
            o.append(f"static const struct idl_struct {p}__struct_{s.name} = {shape};\n")
        for m in self.i.methods:
            for fields, suffix in ((m.args, "in"), (m.results, "out")):
                if fields:
                    o.append(self.field_table(f"{p}__{m.name}_{suffix}_fields", fields,
                                              f"struct {p}__{m.name}_{suffix}"))
                o.append(self.pad_table(f"{p}__{m.name}_{suffix}_pad", fields))
        o.append("\n")
        if server:
            for m in self.i.methods:
                o.append(self.thunk(m))
        o.append(f"static const struct idl_method {p}__methods[] = {{\n")
        for m in self.i.methods:
            o.append(f"    {{\"{m.name}\", {m.number},\n")
            for fields, suffix in ((m.args, "in"), (m.results, "out")):
                table = f"{p}__{m.name}_{suffix}_fields" if fields else "0"
                pad = f"{p}__{m.name}_{suffix}_pad" if self.pad_words(fields) else None
                shape = self.shape(fields, f"struct {p}__{m.name}_{suffix}", table, pad=pad)
                o.append(f"     {shape},\n")
            o.append(f"     {p + '__thunk_' + m.name if server else '0'}}},\n")
        o.append("};\n\n")
        o.append(f"{'' if server else 'static '}const struct idl_interface "
                 f"{p}_{'interface' if server else 'client_interface'} = {{\n"
                 f"    \"{p}\", {self.i.version}, 0x{self.i.ident:06x}u, "
                 f"{len(self.i.methods)}, {p}__methods}};\n")
        return "".join(o)

    def pad_words(self, fields):
        """The pad mask of a method's arguments or results (see pad_mask)."""
        fixed = message_limits(fields)[0]
        return pad_mask(fields, fixed, is_regs(fields))

    def pad_table(self, name, fields):
        """The static uint64_t array of a method's pad mask, or ""."""
        words = self.pad_words(fields)
        if not words:
            return ""
        return (f"static const uint64_t {name}[] = {{"
                f"{', '.join(f'0x{w:x}ull' for w in words)}}};\n")

    def shape(self, fields, container, table, size=None, pad=None):
        """The struct idl_struct initializer of fields (of an IDL struct of
        the given size, or of a method's arguments or results with the pad
        mask array named pad)."""
        fixed, caps, maximum = message_limits(fields)
        if size is not None:
            fixed = maximum = size
        flags = []
        if all(f.type.kind not in ("string", "bytes", "cap") for f in fields):
            flags.append("IDL_FLAT")
            if fixed <= REG_BYTES:
                flags.append("IDL_REGS")
        if needs_checks(fields):
            flags.append("IDL_CHECKED")
        pad_part = f", .pad_words = {len(self.pad_words(fields))}, .pad = {pad}" if pad else ""
        return (f"{{.count = {len(fields)}, .fixed = {fixed}, .caps = {caps}, .max = {maximum}, "
                f".c_size = sizeof({container}), .flags = {'|'.join(flags) or '0'}, "
                f".fields = {table}{pad_part}}}")

    def thunk(self, m):
        p = self.p
        args = ["ctx", "call"]
        for f in m.args:
            t = f.type
            if t.kind == "bytes":
                args += [f"i_->{f.name}", f"i_->{f.name}_len"]
            elif t.kind == "struct":
                args.append(f"&i_->{f.name}")
            else:
                args.append(f"i_->{f.name}")
        for f in m.results:
            t = f.type
            if t.kind == "bytes":
                args += [f"o_->{f.name}", f"&o_->{f.name}_len"]
            elif t.kind == "string":
                args.append(f"o_->{f.name}")
            else:
                args.append(f"&o_->{f.name}")
        uses_i = "" if m.args else "    (void)in;\n"
        uses_o = "" if m.results else "    (void)out;\n"
        decl_i = f"    const struct {p}__{m.name}_in *i_ = in;\n" if m.args else ""
        decl_o = f"    struct {p}__{m.name}_out *o_ = out;\n" if m.results else ""
        head = f"static long {p}__thunk_{m.name}("
        return (f"{head}const void *ops, void *ctx, const struct idl_call *call,\n"
                f"{' ' * len(head)}const void *in, void *out)\n{{\n"
                f"{decl_i}{decl_o}{uses_i}{uses_o}"
                f"    long (*handler_)({self.signature(m, True)}) =\n"
                f"        ((const struct {p}_ops *)ops)->{m.name};\n"
                f"    if (!handler_)\n        return IDL_NO_HANDLER;\n"
                f"    return handler_({', '.join(args)});\n}}\n\n")

    def server(self):
        p = self.p
        o = [f"/* Generated by tools/idlc from {self.source}: do not edit. */\n"
             f"#include <idl/{p}.h>\n\n", self.tables(True)]
        o.append(f"\nvoid {p}_dispatch(const struct {p}_ops *ops, void *ctx, struct cairn_msg *msg,\n"
                 f"                 struct cairn_ipc_buffer *buf)\n{{\n"
                 f"    idl_dispatch(&{p}_interface, ops, ctx, msg, buf);\n}}\n\n")
        o.append(f"long {p}_serve(cairn_handle_t endpoint, struct cairn_ipc_buffer *buf,\n"
                 f"              const struct {p}_ops *ops, void *ctx)\n{{\n"
                 f"    return idl_serve(endpoint, buf, &{p}_interface, ops, ctx);\n}}\n")
        return "".join(o)

    def stub(self, index, m):
        p = self.p
        body = [f"    struct {p}__{m.name}_in in_{'' if m.args else ' = {0}'};\n",
                f"    struct {p}__{m.name}_out out_;\n"]
        for f in m.args:
            t = f.type
            if t.kind == "string":
                body.append(f"    if (!{f.name} || __builtin_strlen({f.name}) > {t.bound})\n"
                            f"        return -CAIRN_E_TOO_LARGE;\n")
            elif t.kind == "bytes":
                body.append(f"    if ({f.name}_len > {t.bound} || (!{f.name} && {f.name}_len))\n"
                            f"        return -CAIRN_E_TOO_LARGE;\n")
            elif t.kind == "struct":
                body.append(f"    if (!{f.name})\n        return -CAIRN_E_INVALID_ARGUMENT;\n")
        for f in m.args:
            t = f.type
            if t.kind == "string":
                body.append(f"    __builtin_memcpy(in_.{f.name}, {f.name}, "
                            f"__builtin_strlen({f.name}) + 1);\n")
            elif t.kind == "bytes":
                body.append(f"    in_.{f.name}_len = {f.name}_len;\n"
                            f"    if ({f.name}_len)\n"
                            f"        __builtin_memcpy(in_.{f.name}, {f.name}, {f.name}_len);\n")
            elif t.kind == "struct":
                body.append(f"    in_.{f.name} = *{f.name};\n")
            else:
                body.append(f"    in_.{f.name} = {f.name};\n")

        body.append(f"    long r_ = idl_call(endpoint, &{p}_client_interface, "
                    f"&{p}__methods[{index}], &in_, &out_);\n")
        if m.results:
            body.append("    if (r_ != 0)\n        return r_;\n")
        for f in m.results:
            t = f.type
            if t.kind == "string":
                body.append(f"    if ({f.name})\n        __builtin_memcpy({f.name}, out_.{f.name}, "
                            f"__builtin_strlen(out_.{f.name}) + 1);\n")
            elif t.kind == "bytes":
                body.append(f"    if ({f.name})\n        __builtin_memcpy({f.name}, out_.{f.name}, "
                            f"out_.{f.name}_len);\n"
                            f"    if ({f.name}_len)\n        *{f.name}_len = out_.{f.name}_len;\n")
            elif t.kind == "cap":
                body.append(f"    if ({f.name})\n        *{f.name} = out_.{f.name};\n"
                            f"    else\n        cairn_handle_close(out_.{f.name});\n")
            else:
                body.append(f"    if ({f.name})\n        *{f.name} = out_.{f.name};\n")
        body.append("    return r_;\n" if not m.results else "    return 0;\n")
        return (f"long {p}_{m.name}({self.signature(m, False)})\n{{\n" + "".join(body) + "}\n\n")

    def client(self):
        p = self.p
        o = [f"/* Generated by tools/idlc from {self.source}: do not edit. */\n"
             f"#include <cairn/syscalls.h>\n#include <idl/{p}.h>\n\n", self.tables(False), "\n"]
        for index, m in enumerate(self.i.methods):
            o.append(self.stub(index, m))
        return "".join(o).rstrip("\n") + "\n"


# --- driver -----------------------------------------------------------------------

def compile_file(path, handle_h, source_name=None):
    """Parses path; returns {file name: text} of the three outputs."""
    types, rights = read_handle_h(handle_h)
    try:
        text = Path(path).read_text()
    except UnicodeDecodeError as e:
        raise IdlError(path, 1, 1, f"not UTF-8 text ({e.reason})")
    iface = Parser(str(path), text, types, rights).parse()
    stem = Path(path).stem
    if iface.name != stem:
        raise IdlError(str(path), iface.tok.line, iface.tok.col,
                       f"interface '{iface.name}' must be in a file named {iface.name}.idl, "
                       f"not {Path(path).name}")
    if iface.name == "idl":
        raise IdlError(str(path), iface.tok.line, iface.tok.col,
                       "'idl' is the runtime's own name; choose another interface name")
    gen = Gen(iface, source_name or str(path))
    return {f"{stem}.h": gen.header(), f"{stem}_client.c": gen.client(),
            f"{stem}_server.c": gen.server()}


def main(argv=None):
    ap = argparse.ArgumentParser(description="Cairn interface compiler (docs/idl.md)")
    ap.add_argument("--out", required=True, help="directory for NAME.h, NAME_client.c, "
                                                 "NAME_server.c")
    ap.add_argument("--handle-h", default=str(ROOT / "include/cairn/handle.h"),
                    help="where the object types and rights are defined")
    ap.add_argument("idl", help="the interface file, NAME.idl")
    args = ap.parse_args(argv)
    try:
        outputs = compile_file(args.idl, args.handle_h)
    except IdlError as e:
        print(e, file=sys.stderr)
        return 1
    except OSError as e:
        print(f"{args.idl}: {e.strerror}", file=sys.stderr)
        return 1
    os.makedirs(args.out, exist_ok=True)
    for name, text in outputs.items():
        tmp = Path(args.out) / (name + ".tmp")
        tmp.write_text(text)
        os.replace(tmp, Path(args.out) / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
