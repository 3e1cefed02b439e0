"""idlc_parse - the interface language of tools/idlc.py (docs/idl.md): its
lexer and parser, the model they build, and the wire layout of what an
interface declares (offsets, limits, the padding masks of one encoding).
"""

import re
import sys
from pathlib import Path

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
