/* CPixelConvert: the one pixel loop that needs an instruction SwiftPM's baseline x86-64 target cannot emit.
 * XRGB8888 → packed RGB with SSSE3 pshufb, chosen at run time (cpuid), so the binary still runs anywhere. */
#pragma once
#include <stddef.h>

/* Converts the first pixels of one row (`source`: little-endian XRGB words, `destination`: R,G,B bytes) in
 * blocks of 16 pixels with SSSE3, and returns how many pixels it converted (a multiple of 16, at most
 * `width`). Returns 0 when the CPU lacks SSSE3 or is not x86; the caller converts the rest. */
size_t sw_xrgb_to_rgb_row(const void *source, void *destination, size_t width);
