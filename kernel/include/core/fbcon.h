/*
 * fbcon.h - the kernel's text console on the framebuffer GRUB set up.
 *
 * Draws with the built-in bitmap font (core/font.h) and scrolls. Only
 * direct-colour framebuffers of 24 or 32 bits per pixel are supported; for
 * anything else fbcon_init() declines and says why.
 */
#ifndef CAIRN_CORE_FBCON_H
#define CAIRN_CORE_FBCON_H

#include <stdbool.h>
#include <stdint.h>

struct boot_framebuffer {
    uint64_t phys;
    uint32_t pitch, width, height;
    uint8_t bpp;
    uint8_t type; /* Multiboot2: 0 indexed, 1 direct RGB, 2 EGA text */
    uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

/* Maps the framebuffer and clears it. Returns NULL on success or the reason
 * the framebuffer cannot be used. Caller: log.c, once paging is up. */
const char *fbcon_init(const struct boot_framebuffer *fb);

/* Draws one character in the given colour (0xRRGGBB); handles \n, \r, \t.
 * Caller holds the log lock. No-op before fbcon_init() succeeded. */
void fbcon_putc(char c, uint32_t rgb);

#endif
