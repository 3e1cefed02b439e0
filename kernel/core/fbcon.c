/*
 * fbcon.c - text on the boot framebuffer.
 *
 * The console owns the whole framebuffer: a grid of font cells, a cursor,
 * scrolling by moving the pixel rows up one text line. Serialised by the
 * log lock (see log.h); fbcon has no lock of its own.
 */
#include <arch/paging.h>
#include <core/fbcon.h>
#include <core/font.h>
#include <lib/string.h>

#define BACKGROUND 0x000000

static struct {
    uint8_t *pixels;
    struct boot_framebuffer fb;
    uint32_t bytes_per_pixel;
    uint32_t cols, rows;
    uint32_t col, row;
    bool ready;
} con;

static uint32_t pack_colour(uint32_t rgb)
{
    const struct boot_framebuffer *fb = &con.fb;
    uint32_t r = (rgb >> 16) & 0xff, g = (rgb >> 8) & 0xff, b = rgb & 0xff;
    return ((r >> (8 - fb->red_size)) << fb->red_pos) |
           ((g >> (8 - fb->green_size)) << fb->green_pos) |
           ((b >> (8 - fb->blue_size)) << fb->blue_pos);
}

static void put_pixel(uint8_t *p, uint32_t value)
{
    if (con.bytes_per_pixel == 4) {
        *(volatile uint32_t *)p = value;
    } else {
        p[0] = value & 0xff;
        p[1] = (value >> 8) & 0xff;
        p[2] = (value >> 16) & 0xff;
    }
}

static void draw_cell(uint32_t col, uint32_t row, char c, uint32_t fg, uint32_t bg)
{
    const struct font *f = &font_console;
    const uint8_t *glyph = font_glyph(f, (unsigned char)c);
    uint8_t *origin = con.pixels + (uint64_t)row * f->height * con.fb.pitch +
                      (uint64_t)col * f->width * con.bytes_per_pixel;

    for (uint32_t y = 0; y < f->height; y++) {
        const uint8_t *bits = glyph + y * f->bytes_per_row;
        uint8_t *line = origin + (uint64_t)y * con.fb.pitch;
        for (uint32_t x = 0; x < f->width; x++) {
            bool on = bits[x / 8] & (0x80 >> (x % 8));
            put_pixel(line + x * con.bytes_per_pixel, on ? fg : bg);
        }
    }
}

static void scroll_one_line(void)
{
    uint64_t line_bytes = (uint64_t)font_console.height * con.fb.pitch;
    uint64_t text_bytes = line_bytes * con.rows;
    memmove(con.pixels, con.pixels + line_bytes, text_bytes - line_bytes);
    memset(con.pixels + text_bytes - line_bytes, 0, line_bytes);
}

static void newline(void)
{
    con.col = 0;
    if (++con.row == con.rows) {
        scroll_one_line();
        con.row = con.rows - 1;
    }
}

const char *fbcon_init(const struct boot_framebuffer *fb)
{
    if (fb->type != 1)
        return "not a direct-colour framebuffer";
    if (fb->bpp != 32 && fb->bpp != 24)
        return "unsupported bits per pixel";
    if (fb->width < font_console.width || fb->height < font_console.height)
        return "framebuffer smaller than one character";
    if (fb->red_size > 8 || fb->green_size > 8 || fb->blue_size > 8)
        return "colour channel wider than 8 bits";

    uint64_t size = (uint64_t)fb->pitch * fb->height;
    con.pixels = mmio_map(fb->phys, size, MMIO_WRITE_COMBINING);
    if (!con.pixels)
        return "cannot map the framebuffer";
    con.fb = *fb;
    con.bytes_per_pixel = fb->bpp / 8;
    con.cols = fb->width / font_console.width;
    con.rows = fb->height / font_console.height;
    con.col = con.row = 0;
    memset(con.pixels, 0, size);
    con.ready = true;
    return NULL;
}

void fbcon_putc(char c, uint32_t rgb)
{
    if (!con.ready)
        return;
    switch (c) {
    case '\n':
        newline();
        return;
    case '\r':
        con.col = 0;
        return;
    case '\t':
        do
            fbcon_putc(' ', rgb);
        while (con.col % 8 != 0);
        return;
    default:
        break;
    }
    draw_cell(con.col, con.row, c, pack_colour(rgb), pack_colour(BACKGROUND));
    if (++con.col == con.cols)
        newline();
}
