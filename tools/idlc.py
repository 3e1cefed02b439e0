#!/usr/bin/env python3
"""idlc - the Cairn interface compiler (see docs/idl.md).

    idlc.py [--handle-h include/cairn/handle.h] --out DIR idl/NAME.idl

reads one interface and writes DIR/NAME.h, DIR/NAME_client.c and
DIR/NAME_server.c. Errors are reported as FILE:LINE:COL: message and make
it exit with status 1 without writing anything. The language is
tools/idlc_parse.py, the C it becomes tools/idlc_emit.py; this is the
driver.
"""

import argparse
import os
import sys
from pathlib import Path

from idlc_emit import Gen
from idlc_parse import IdlError, Parser, read_handle_h

ROOT = Path(__file__).resolve().parents[1]


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
