#!/usr/bin/env python3
"""Convert a Linux console font (PSF1 or PSF2) into C source for the kernel.

Usage: psf2c.py FONT.psf[.gz] OUT.c

The output defines `const struct font font_console` (see
kernel/include/core/font.h) holding the glyphs of code points 32..126 in order.
When the font has a Unicode table each code point is looked up through it;
otherwise the glyph index is the code point. A code point the font lacks gets
the glyph of '?'. The output is a build product and is deterministic.

Exit status: 0 on success, 2 when the font cannot be read or is malformed.
"""

import dataclasses
import gzip
import os
import struct
import sys
import zlib

FIRST_CODEPOINT = 32
LAST_CODEPOINT = 126
REPLACEMENT = ord("?")

GZIP_MAGIC = b"\x1f\x8b"
PSF1_MAGIC = b"\x36\x04"
PSF1_HEADER = 4
PSF1_MODE_512 = 0x01
PSF1_MODE_HASTAB = 0x02
PSF1_MODE_HASSEQ = 0x04
PSF1_SEPARATOR = 0xFFFF
PSF1_START_SEQ = 0xFFFE

PSF2_MAGIC = b"\x72\xb5\x4a\x86"
PSF2_HEADER = struct.Struct("<4sIIIIIII")
PSF2_FLAG_HAS_UNICODE_TABLE = 0x01
PSF2_SEPARATOR = 0xFF
PSF2_START_SEQ = 0xFE

MAX_DIMENSION = 255


class FontError(Exception):
    """The font file is missing, unreadable or malformed."""


@dataclasses.dataclass
class PsfFont:
    """A decoded font: glyph bitmaps plus an optional code point -> glyph map."""

    width: int
    height: int
    glyphs: list
    unicode: dict | None = None


def split_glyphs(data, offset, count, size):
    """Cut count glyphs of size bytes each from data, starting at offset."""
    if count == 0:
        raise FontError("the font has no glyphs")
    end = offset + count * size
    if end > len(data):
        raise FontError(f"glyph data truncated: need {end} bytes, file has {len(data)}")
    return [data[offset + i * size : offset + (i + 1) * size] for i in range(count)], end


def add_mapping(mapping, codepoint, glyph):
    """Record codepoint -> glyph, keeping the first glyph a code point was given."""
    mapping.setdefault(codepoint, glyph)


def psf1_unicode_map(table, glyph_count):
    """Decode a PSF1 Unicode table (little-endian uint16 entries per glyph)."""
    if len(table) % 2:
        raise FontError("PSF1 Unicode table has an odd number of bytes")
    values = struct.unpack(f"<{len(table) // 2}H", table)
    mapping, glyph, in_sequence = {}, 0, False
    for value in values:
        if glyph >= glyph_count:
            break
        if value == PSF1_SEPARATOR:
            glyph, in_sequence = glyph + 1, False
        elif value == PSF1_START_SEQ:
            in_sequence = True
        elif not in_sequence:
            add_mapping(mapping, value, glyph)
    return mapping


def psf2_entry_codepoints(entry):
    """Return the single code points of one PSF2 table entry (sequences dropped)."""
    singles = entry.split(bytes([PSF2_START_SEQ]), 1)[0]
    try:
        return [ord(char) for char in singles.decode("utf-8")]
    except UnicodeDecodeError as err:
        raise FontError(f"PSF2 Unicode table holds invalid UTF-8: {err}") from err


def psf2_unicode_map(table, glyph_count):
    """Decode a PSF2 Unicode table (UTF-8 strings, one 0xFF-ended entry per glyph)."""
    mapping = {}
    entries = table.split(bytes([PSF2_SEPARATOR]))
    for glyph, entry in enumerate(entries[:glyph_count]):
        for codepoint in psf2_entry_codepoints(entry):
            add_mapping(mapping, codepoint, glyph)
    return mapping


def parse_psf1(data):
    """Decode a PSF1 font: 8 pixels wide, 256 or 512 glyphs."""
    if len(data) < PSF1_HEADER:
        raise FontError("PSF1 header truncated")
    mode, height = data[2], data[3]
    if height == 0:
        raise FontError("PSF1 glyph height is 0")
    count = 512 if mode & PSF1_MODE_512 else 256
    glyphs, end = split_glyphs(data, PSF1_HEADER, count, height)
    font = PsfFont(width=8, height=height, glyphs=glyphs)
    if mode & (PSF1_MODE_HASTAB | PSF1_MODE_HASSEQ):
        font.unicode = psf1_unicode_map(data[end:], count)
    return font


def parse_psf2(data):
    """Decode a PSF2 font, checking the header against the data it describes."""
    if len(data) < PSF2_HEADER.size:
        raise FontError("PSF2 header truncated")
    _, _, header_size, flags, count, glyph_size, height, width = PSF2_HEADER.unpack_from(data)
    if header_size < PSF2_HEADER.size:
        raise FontError(f"PSF2 header size {header_size} is too small")
    if width == 0 or height == 0 or glyph_size != height * ((width + 7) // 8):
        raise FontError(f"PSF2 glyph size {glyph_size} does not match {width}x{height}")
    glyphs, end = split_glyphs(data, header_size, count, glyph_size)
    font = PsfFont(width=width, height=height, glyphs=glyphs)
    if flags & PSF2_FLAG_HAS_UNICODE_TABLE:
        font.unicode = psf2_unicode_map(data[end:], count)
    return font


def load_font(path):
    """Read path (gzip-compressed or not) and decode it as PSF1 or PSF2."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        if data.startswith(GZIP_MAGIC):
            data = gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as err:
        reason = getattr(err, "strerror", None) or str(err)
        raise FontError(f"cannot read {path}: {reason}") from err
    if data.startswith(PSF2_MAGIC):
        font = parse_psf2(data)
    elif data.startswith(PSF1_MAGIC):
        font = parse_psf1(data)
    else:
        raise FontError(f"{path} is not a PSF1 or PSF2 font")
    if font.width > MAX_DIMENSION or font.height > MAX_DIMENSION:
        raise FontError(f"glyphs of {font.width}x{font.height} do not fit struct font")
    return font


def glyph_index(font, codepoint):
    """Return the glyph index for codepoint, or None when the font lacks it."""
    if font.unicode is not None:
        return font.unicode.get(codepoint)
    return codepoint if codepoint < len(font.glyphs) else None


def select_glyphs(font):
    """Return the glyph bitmaps of FIRST_CODEPOINT..LAST_CODEPOINT in order."""
    fallback = glyph_index(font, REPLACEMENT)
    if fallback is None:
        raise FontError("the font has no glyph for '?', needed for missing characters")
    selected = []
    for codepoint in range(FIRST_CODEPOINT, LAST_CODEPOINT + 1):
        index = glyph_index(font, codepoint)
        selected.append(font.glyphs[fallback if index is None else index])
    return selected


def render_glyph(codepoint, glyph):
    """Return the C initialiser lines for one glyph."""
    lines = [f"    /* U+{codepoint:04X} */"]
    for start in range(0, len(glyph), 16):
        chunk = ", ".join(f"0x{byte:02x}" for byte in glyph[start : start + 16])
        lines.append(f"    {chunk},")
    return lines


def render_c(font, glyphs, source_name):
    """Return the complete C source defining font_console."""
    count = len(glyphs)
    lines = [
        f"/* Generated by tools/psf2c.py from {source_name}; do not edit. */",
        "#include <core/font.h>",
        "",
        f"static const uint8_t font_console_glyphs[{count * len(glyphs[0])}] = {{",
    ]
    for offset, glyph in enumerate(glyphs):
        lines.extend(render_glyph(FIRST_CODEPOINT + offset, glyph))
    lines += [
        "};",
        "",
        "const struct font font_console = {",
        f"    .width = {font.width},",
        f"    .height = {font.height},",
        f"    .bytes_per_row = {(font.width + 7) // 8},",
        f"    .first = {FIRST_CODEPOINT},",
        f"    .count = {count},",
        "    .glyphs = font_console_glyphs,",
        "};",
        "",
    ]
    return "\n".join(lines)


def main(argv):
    """Command-line entry point; returns the exit status."""
    if len(argv) != 2:
        print("usage: psf2c.py FONT.psf[.gz] OUT.c", file=sys.stderr)
        return 2
    try:
        font = load_font(argv[0])
        source = render_c(font, select_glyphs(font), os.path.basename(argv[0]))
        with open(argv[1], "w", encoding="ascii") as out:
            out.write(source)
    except FontError as err:
        print(f"psf2c: {err}", file=sys.stderr)
        return 2
    except OSError as err:
        print(f"psf2c: cannot write {argv[1]}: {err.strerror}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
