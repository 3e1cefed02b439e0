/*
 * core/font.c - glyph lookup in a bitmap font.
 */
#include <core/font.h>

#include <stdbool.h>
#include <stddef.h>

#define FONT_REPLACEMENT '?'

static bool font_covers(const struct font *font, uint32_t codepoint)
{
    /* Compare the offset, not first + count, which could wrap. */
    return codepoint >= font->first && codepoint - font->first < font->count;
}

const uint8_t *font_glyph(const struct font *font, uint32_t codepoint)
{
    size_t glyph_size = (size_t)font->height * font->bytes_per_row;
    uint32_t index = 0;

    if (font_covers(font, codepoint))
        index = codepoint - font->first;
    else if (font_covers(font, FONT_REPLACEMENT))
        index = FONT_REPLACEMENT - font->first;
    return font->glyphs + (size_t)index * glyph_size;
}
