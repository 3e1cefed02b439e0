"""Host tests of tools/idlc.py, the interface compiler (docs/idl.md).

Run from anywhere with `python3 -m unittest discover -s tests/tools`. Each
test writes an interface to a fresh temporary directory and runs the tool as
`make` does; error tests check the exact FILE:LINE:COL and message, and the
compile tests build the generated client and server with gcc and the flags
of the user programs (and a host program that checks the layout at run
time).
"""

import subprocess
import sys
import tempfile
import textwrap
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "idlc.py"
USER_CFLAGS = ("-std=gnu11 -O2 -Wall -Wextra -Werror -ffreestanding -fno-builtin "
               "-mgeneral-regs-only -fno-pic -fno-pie -fno-stack-protector").split()

sys.path.insert(0, str(ROOT / "tools"))
import idlc_parse  # noqa: E402

EVERY_TYPE = """\
// every: one of each kind.
// Second line of the interface's comment.
interface every version 3 {
    // The state of a thing.
    enum state {
        // Not started.
        idle = 0,
        running = 5,
        failed = -2147483648,
        done = 0x7fffffff,
    }

    // An inner struct.
    struct inner {
        u8 tag;
        // A 64-bit field after a byte: padded.
        u64 value;
    }

    struct outer {
        bool on;
        state st;
        inner in1;
        i16 small;
    }

    // Takes every type.
    method 1 all(u8 a, u16 b, u32 c, u64 d, i8 e, i16 f, i32 g, i64 h, bool flag,
                 state s, outer o, string<10> name, bytes<20> blob,
                 cap<memory, read|map> mem, move cap<notification, signal> note)
        -> (u8 ra, outer ro, string<10> rname, bytes<20> rblob, cap<endpoint, none> ep);

    method 2 nothing();
    method 255 last() -> ();
}
"""


class IdlcTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = Path(self.tmp.name)

    def tearDown(self):
        self.tmp.cleanup()

    def run_idlc(self, name, text):
        path = self.dir / f"{name}.idl"
        path.write_text(text)
        return subprocess.run([sys.executable, str(TOOL), "--out", str(self.dir / "idl"),
                               str(path)], capture_output=True, text=True)

    def assert_error(self, text, line, col, message, name="t"):
        r = self.run_idlc(name, text)
        self.assertEqual(r.returncode, 1, r.stderr)
        want = f"{self.dir / (name + '.idl')}:{line}:{col}: {message}"
        self.assertEqual(r.stderr.strip(), want)
        self.assertFalse((self.dir / "idl").exists(), "nothing is written on an error")

    def compile_ok(self, name, text):
        r = self.run_idlc(name, text)
        self.assertEqual(r.returncode, 0, r.stderr)
        return {p.name: p.read_text() for p in (self.dir / "idl").iterdir()}


class Errors(IdlcTest):
    def test_positions_and_messages(self):
        cases = [
            ("", 1, 1, "expected 'interface', found end of file"),
            ("interface t version 1 {\n}\n", 1, 11, "interface 't' has no methods"),
            ("interface t 1 {}", 1, 13, "expected 'version', found '1'"),
            ("interface t version 0 {}", 1, 21, "the version must be in 1..65535, not 0"),
            ("interface t version 1 {\n  method 1 f(u32 a) -> (u32 b)\n}", 3, 1,
             "expected ';' after the method, found '}'"),
            ("interface t version 1 {\n  method 1 f(u33 a);\n}", 2, 14,
             "unknown type 'u33' (integers u8..u64 i8..i64, bool, string<N>, bytes<N>, "
             "cap<TYPE, RIGHTS>, or an enum or struct declared above)"),
            ("interface t version 1 {\n  method 0 f();\n}", 2, 10,
             "the method number must be in 1..255, not 0"),
            ("interface t version 1 {\n  method 256 f();\n}", 2, 10,
             "the method number must be in 1..255, not 256"),
            ("interface t version 1 {\n  method 1 f();\n  method 1 g();\n}", 3, 10,
             "method number 1 is already 'f'"),
            ("interface t version 1 {\n  method 1 f();\n  method 2 f();\n}", 3, 12,
             "method 'f' is already declared"),
            ("interface t version 1 {\n  method 1 f(u8 a, u8 a);\n}", 2, 23,
             "'a' is already a parameter of 'f'"),
            ("interface t version 1 {\n  method 1 f(u8 a) -> (u8 a);\n}", 2, 27,
             "'a' is already a parameter of 'f'"),
            ("interface t version 1 {\n  method 1 f(string<0> s);\n}", 2, 21,
             "the string bound must be in 1..4031, not 0"),
            ("interface t version 1 {\n  method 1 f(bytes<4033> s);\n}", 2, 20,
             "the bytes bound must be in 1..4032, not 4033"),
            ("interface t version 1 {\n  method 1 f(string 3);\n}", 2, 21,
             "expected '<' and the bound of the string, found '3'"),
            ("interface t version 1 {\n  method 1 f(cap<page, read> c);\n}", 2, 18,
             "expected an object type (device_memory, endpoint, ioport, iopor"
             "t_control, irq, irq_control, kernel_log, memory, notification, process, quota, "
             "reply, thread, "
             "vspace), found 'page'"),
            ("interface t version 1 {\n  method 1 f(cap<memory, send> c);\n}", 2, 26,
             "expected a right (read, write, exec, map, transfer, duplicate, signal, wait, "
             "manage, revoke or none), found 'send'"),
            ("interface t version 1 {\n  method 1 f(cap<memory, read c);\n}", 2, 31,
             "expected '|' and a right, or '>', found 'c'"),
            ("interface t version 1 {\n  method 1 f(move u32 c);\n}", 2, 14,
             "'move' applies to capabilities only"),
            ("interface t version 1 {\n  method 1 f(u32 int);\n}", 2, 18,
             "'int' is reserved in the generated C; choose another name"),
            ("interface t version 1 {\n  method 1 f(u32 endpoint);\n}", 2, 18,
             "'endpoint' is reserved in the generated C; choose another name"),
            ("interface t version 1 {\n  method 1 f(u32 a__b);\n}", 2, 18,
             "'a__b': names may not start or end with '_' or contain '__'"),
            ("interface t version 1 {\n  method 1 f(u32 string);\n}", 2, 18,
             "expected the argument name, found the keyword 'string'"),
            ("interface t version 1 {\n  method 1 serve();\n}", 2, 12,
             "'serve' is a name the generated code uses; choose another"),
            ("interface t version 1 {\n  method 1 f(bytes<4> b, u32 b_len);\n}", 2, 23,
             "'b' is bytes<N>, so 'b_len' names its length in C; rename the parameter 'b_len'"),
            ("interface t version 1 {\n  enum e { a = 1, b = 1 }\n  method 1 f();\n}", 2, 23,
             "value 1 is already 'a'"),
            ("interface t version 1 {\n  enum e { a = 1, a = 2 }\n  method 1 f();\n}", 2, 19,
             "enum member 'a' is already declared"),
            ("interface t version 1 {\n  enum e { a 1 }\n  method 1 f();\n}", 2, 14,
             "expected '=' and the value of 'a', found '1'"),
            ("interface t version 1 {\n  enum e { a = 2147483648 }\n  method 1 f();\n}", 2, 16,
             "an enum value must be in -2147483648..2147483647, not 2147483648"),
            ("interface t version 1 {\n  enum e { a = 1 }\n  struct e { u8 x; }\n"
             "  method 1 f();\n}", 3, 10, "'e' is already declared"),
            ("interface t version 1 {\n  struct s { string<4> x; }\n  method 1 f();\n}", 2, 14,
             "a struct holds integers, bools, enums and structs, not string"),
            ("interface t version 1 {\n  struct s { }\n  method 1 f();\n}", 2, 10,
             "struct 's' has no fields"),
            ("interface t version 1 {\n  struct s { u8 x; u8 x; }\n  method 1 f();\n}", 2, 23,
             "field 'x' is already declared"),
            ("interface t version 1 {\n  method 1 f(later x);\n  struct later { u8 y; }\n}", 2,
             14, "unknown type 'later' (integers u8..u64 i8..i64, bool, string<N>, bytes<N>, "
                 "cap<TYPE, RIGHTS>, or an enum or struct declared above)"),
            ("interface t version 1 {\n  method 1 f(cap<memory, read> a, cap<memory, read> b,"
             " cap<memory, read> c,\n    cap<memory, read> d, cap<memory, read> e);\n}", 2, 12,
             "the arguments of 'f' carry 5 capabilities; at most 4 fit in a message"),
            ("interface t version 1 {\n  method 1 f(string<4000> a, bytes<100> b);\n}", 2, 12,
             "the arguments of 'f' take up to 4105 bytes; at most 4064 fit in a message "
             "(32 in registers, 4032 in the IPC buffer)"),
            ("interface t version 1 {\n  enum e { x = 1 }\n  method 1 e_x();\n}", 3, 12,
             "method 'e_x' would be T_E_X in C, as 'e.x' is"),
            ("interface t version 1 {\n  method 1 version();\n}", 2, 12,
             "expected the method name, found the keyword 'version'"),
            ("interface t version 1 {\n  method 1 id();\n}", 2, 12,
             "method 'id' would be T_ID in C, as the interface id is"),
            ("interface t version 1 {\n  method 1 f() $\n}", 2, 16, "unexpected character '$'"),
            ("interface t version 1 {\n  method 1 f();\n}\nextra", 4, 1,
             "expected end of file after the interface, found 'extra'"),
            ("interface t version 1 {\n  widget\n}", 2, 3,
             "expected 'enum', 'struct', 'method' or '}', found 'widget'"),
        ]
        for text, line, col, message in cases:
            with self.subTest(message=message):
                self.assert_error(text, line, col, message)
                for p in (self.dir / "idl").glob("*"):
                    p.unlink()

    def test_file_name_must_match(self):
        self.assert_error("interface other version 1 {\n  method 1 f();\n}", 1, 11,
                          "interface 'other' must be in a file named other.idl, not t.idl")

    def test_runtime_name_is_reserved(self):
        self.assert_error("interface idl version 1 {\n  method 1 f();\n}", 1, 11,
                          "'idl' is the runtime's own name; choose another interface name",
                          name="idl")

    def test_not_utf8(self):
        path = self.dir / "t.idl"
        path.write_bytes(b"interface t version 1 { \xff }")
        r = subprocess.run([sys.executable, str(TOOL), "--out", str(self.dir / "out"),
                            str(path)], capture_output=True, text=True)
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"{path}:1:1: not UTF-8 text", r.stderr)

    def test_missing_file(self):
        r = subprocess.run([sys.executable, str(TOOL), "--out", str(self.dir / "out"),
                            str(self.dir / "none.idl")], capture_output=True, text=True)
        self.assertEqual(r.returncode, 1)
        self.assertIn("none.idl: No such file or directory", r.stderr)


class Output(IdlcTest):
    def test_comments_carry_into_the_header(self):
        out = self.compile_ok("every", EVERY_TYPE)
        h = out["every.h"]
        self.assertIn(" * every: one of each kind.\n * Second line of the interface's comment.",
                      h)
        self.assertIn("/* The state of a thing. */\nenum every_state {", h)
        self.assertIn("    /* Not started. */\n    EVERY_STATE_IDLE = 0,", h)
        self.assertIn("    /* A 64-bit field after a byte: padded. */\n    uint64_t value;", h)
        self.assertIn(" * Takes every type.\n", h)

    def test_names_and_signatures(self):
        h = self.compile_ok("every", EVERY_TYPE)["every.h"]
        self.assertIn("#define EVERY_VERSION 3\n", h)
        self.assertIn(f"#define EVERY_ID 0x{idlc_parse.interface_id('every', 3):06x}u\n", h)
        self.assertIn("#define EVERY_LAST 255\n", h)
        self.assertIn("EVERY_STATE_FAILED = -2147483648,", h)
        self.assertIn("long every_all(cairn_handle_t endpoint, uint8_t a, uint16_t b, uint32_t c, "
                      "uint64_t d, int8_t e, int16_t f, int32_t g, int64_t h, bool flag, "
                      "enum every_state s, const struct every_outer *o, const char *name, "
                      "const uint8_t *blob, uint32_t blob_len, cairn_handle_t mem, "
                      "cairn_handle_t note, uint8_t *ra, struct every_outer *ro, "
                      "char rname[11], uint8_t rblob[20], uint32_t *rblob_len, "
                      "cairn_handle_t *ep);", h)
        self.assertIn("    long (*nothing)(void *ctx, const struct idl_call *call);", h)
        self.assertIn("void every_dispatch(const struct every_ops *ops, void *ctx, "
                      "struct cairn_msg *msg,", h)
        self.assertIn("long every_serve(cairn_handle_t endpoint, struct cairn_ipc_buffer *buf,",
                      h)

    def test_wire_layout(self):
        src = self.compile_ok("every", EVERY_TYPE)["every_server.c"]
        # inner: tag at 0, value at 8 (16 bytes); outer: on 0, st 4, in1 8, small 24 (32)
        self.assertIn("{.kind = IDL_U64, .wire = 8, .c_offset = offsetof(struct every_inner, "
                      "value)}", src)
        self.assertIn("{.kind = IDL_I16, .wire = 24, .c_offset = offsetof(struct every_outer, "
                      "small)}", src)
        # all: a0 b2 c4 d8 e16 f18 g20 h24 flag32 s36 o40 (32 bytes) name72 blob74 -> 76 fixed
        self.assertIn("{.kind = IDL_STRING, .wire = 72,", src)
        self.assertIn("{.kind = IDL_BYTES, .wire = 74,", src)
        self.assertIn("{.kind = IDL_CAP, .wire = 1, .c_offset = offsetof(struct every__all_in, "
                      "note), .cap_type = CAIRN_OBJ_NOTIFICATION, .bound = CAIRN_RIGHT_SIGNAL, "
                      ".cap_move = 1}", src)
        self.assertIn("{.count = 15, .fixed = 76, .caps = 2, .max = 107, "
                      ".c_size = sizeof(struct every__all_in), .flags = IDL_CHECKED, "
                      ".fields = every__all_in_fields, .pad_words = 9, "
                      ".pad = every__all_in_pad}", src)
        self.assertIn("every__struct_outer = {.count = 4, .fixed = 32, .caps = 0, .max = 32,", src)
        self.assertIn("{.count = 2, .fixed = 16, .caps = 0, .max = 16, .c_size = sizeof(struct "
                      "every_inner), .flags = IDL_FLAT|IDL_REGS, .fields = every__struct_inner_"
                      "fields}", src)
        # a method of flat arguments and results travels in registers, checked or not
        self.assertIn(".c_size = sizeof(struct every__nothing_in), .flags = IDL_FLAT|IDL_REGS,",
                      src)
        self.assertIn(".cap_type = CAIRN_OBJ_ENDPOINT, .bound = 0}", src)

    def test_padding_masks(self):
        """Every byte no value occupies is marked: alignment padding at any
        depth, and for register-only shapes the registers after them."""
        out = self.compile_ok("every", EVERY_TYPE)
        src, h = out["every_server.c"], out["every.h"]
        # all: after a (1), e (17), flag (33-35), o.on (41-43), o.in1.tag
        # (49-55) and o's tail (66-71); nothing after 72
        self.assertIn("static const uint64_t every__all_in_pad[] = {0xff00ull, 0x0ull, "
                      "0xff00ull, 0x0ull, 0xffffff00ull, 0xffffff00ull, 0xffffffffffffff00ull, "
                      "0x0ull, 0xffffffffffff0000ull};", src)
        # nothing: every register byte; its C struct is the four words
        self.assertIn("static const uint64_t every__nothing_in_pad[] = {" +
                      ", ".join(["0xffffffffffffffffull"] * 4) + "};", src)
        self.assertIn("    uint8_t regs_[32]; /* to IDL_REG_BYTES: whole words */\n", h)
        self.assertIn("_Static_assert(sizeof(struct every__nothing_in) == IDL_REG_BYTES, ", h)
        # an IDL struct is checked as part of a message, never alone
        self.assertIn(".fields = every__struct_inner_fields}", src)
        text = ("interface t version 1 {\n  method 1 a(u8 x, u64 y) -> (u32 z, string<4> s);\n"
                "  method 2 b(u64 x, u64 y, u64 z, u64 w) -> (u16 v);\n}\n")
        src = self.compile_ok("t", text)["t_server.c"]
        self.assertIn("static const uint64_t t__a_in_pad[] = {0xffffffffffffff00ull, 0x0ull, "
                      "0xffffffffffffffffull, 0xffffffffffffffffull};", src)
        self.assertNotIn("t__a_out_pad", src)  # no padding, and not register-only
        # four words exactly: nothing to clear, but the register path reads it
        self.assertIn("static const uint64_t t__b_in_pad[] = {0x0ull, 0x0ull, 0x0ull, 0x0ull};",
                      src)
        self.assertIn("static const uint64_t t__b_out_pad[] = {0xffffffffffff0000ull, "
                      "0xffffffffffffffffull, 0xffffffffffffffffull, 0xffffffffffffffffull};",
                      src)

    def test_methods_sorted_by_number(self):
        text = ("interface t version 1 {\n  method 9 z();\n  method 2 a();\n"
                "  method 5 m();\n}\n")
        src = self.compile_ok("t", text)["t_server.c"]
        self.assertLess(src.index('{"a", 2,'), src.index('{"m", 5,'))
        self.assertLess(src.index('{"m", 5,'), src.index('{"z", 9,'))

    def test_interface_ids(self):
        ids = {idlc_parse.interface_id(n, v) for n in ("log", "nameserver", "echo") for v in (1, 2)}
        self.assertEqual(len(ids), 6)
        for i in ids:
            self.assertTrue(0 < i < 1 << 24)

    def test_outputs_are_deterministic(self):
        a = self.compile_ok("every", EVERY_TYPE)
        b = self.compile_ok("every", EVERY_TYPE)
        self.assertEqual(a, b)


class Compiles(IdlcTest):
    """The generated code builds with the user programs' flags, and its
    layout is what the tables say."""

    def gen_syscalls_header(self):
        inc = self.dir / "gen" / "include" / "cairn"
        inc.mkdir(parents=True)
        subprocess.run([sys.executable, str(ROOT / "tools" / "syscalls.py"),
                        str(ROOT / "kernel" / "syscalls.tbl"), "--header",
                        str(inc / "syscalls.h")], check=True)
        return self.dir / "gen" / "include"

    def test_every_type_compiles_for_user_space(self):
        self.compile_ok("every", EVERY_TYPE)
        gen = self.gen_syscalls_header()
        for name in ("every_client.c", "every_server.c"):
            with self.subTest(file=name):
                r = subprocess.run(["gcc", *USER_CFLAGS, f"-I{ROOT / 'include'}", f"-I{gen}",
                                    f"-I{ROOT / 'lib' / 'rt' / 'include'}",
                                    f"-I{ROOT / 'lib' / 'idl' / 'include'}", f"-I{self.dir}",
                                    "-c", str(self.dir / "idl" / name), "-o",
                                    str(self.dir / (name + ".o"))],
                                   capture_output=True, text=True, cwd=self.dir)
                self.assertEqual(r.returncode, 0, r.stderr)

    def test_the_echo_test_interface_compiles(self):
        r = subprocess.run([sys.executable, str(TOOL), "--out", str(self.dir / "idl"),
                            str(ROOT / "tests" / "idl" / "echo.idl")], capture_output=True,
                           text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        gen = self.gen_syscalls_header()
        for name in ("echo_client.c", "echo_server.c"):
            r = subprocess.run(["gcc", *USER_CFLAGS, f"-I{ROOT / 'include'}", f"-I{gen}",
                                f"-I{ROOT / 'lib' / 'idl' / 'include'}", f"-I{self.dir}",
                                "-c", str(self.dir / "idl" / name), "-o",
                                str(self.dir / (name + ".o"))], capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)

    def test_every_service_interface_compiles(self):
        for idl in sorted((ROOT / "idl").glob("*.idl")):
            with self.subTest(idl=idl.name):
                r = subprocess.run([sys.executable, str(TOOL), "--out", str(self.dir / "svc"),
                                    str(idl)], capture_output=True, text=True)
                self.assertEqual(r.returncode, 0, r.stderr)


if __name__ == "__main__":
    unittest.main()
