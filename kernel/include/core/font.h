/*
 * core/font.h - bitmap fonts for the kernel's text output on a framebuffer.
 *
 * A font covers the contiguous code points first .. first + count - 1. Glyphs
 * are stored one after another, each height rows of bytes_per_row bytes, rows
 * top to bottom; within a row the most significant bit of the first byte is
 * the leftmost pixel and a set bit is foreground. Fonts are immutable, so any
 * context may read them without a lock.
 */
#ifndef CAIRN_CORE_FONT_H
#define CAIRN_CORE_FONT_H

#include <stdint.h>

struct font {
    uint8_t width, height, bytes_per_row;
    uint32_t first, count;
    /* count glyphs of height * bytes_per_row bytes each, in code point order */
    const uint8_t *glyphs;
};

/* The console font, generated at build time by tools/psf2c.py (U+0020..U+007E). */
extern const struct font font_console;

/*
 * Returns the glyph of codepoint in font. A code point outside the font gets
 * the glyph of '?' (or, for a font that lacks '?' too, its first glyph), so
 * the result is never NULL. Needs font->count >= 1.
 */
const uint8_t *font_glyph(const struct font *font, uint32_t codepoint);

#endif
