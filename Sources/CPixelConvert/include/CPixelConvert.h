/* CPixelConvert: pixel loops in C where Swift and pixman fall short. The XRGB8888 → RGB row needs an
 * instruction SwiftPM's baseline x86-64 target cannot emit;
 * XRGB8888 → packed RGB with SSSE3 pshufb, chosen at run time (cpuid), so the binary still runs anywhere. */
#pragma once
#include <stddef.h>

/* Converts the first pixels of one row (`source`: little-endian XRGB words, `destination`: R,G,B bytes) in
 * blocks of 16 pixels with SSSE3, and returns how many pixels it converted (a multiple of 16, at most
 * `width`). Returns 0 when the CPU lacks SSSE3 or is not x86; the caller converts the rest. */
size_t sw_xrgb_to_rgb_row(const void *source, void *destination, size_t width);

/* Premultiplied ARGB8888 OVER an opaque solid colour, written to an XRGB8888 rectangle in one pass: what
 * filling `destination` with `background` and then compositing `source` over it with PIXMAN_OP_OVER gives,
 * bit for bit (per channel s + round(bg × (255 − α) / 255) with pixman's rounding, t = bg × (255 − α) + 0x80,
 * (t + (t >> 8)) >> 8, added with saturation), without the fill's pass over memory nor reading the
 * destination back. `width` × `height` pixels; strides in bytes; `background` is 0x??RRGGBB. The X byte
 * written is 0xFF. SSE2 on x86 (part of the x86-64 baseline), a plain loop elsewhere. */
void sw_over_solid(const void *source, size_t source_stride, void *destination, size_t destination_stride,
                   size_t width, size_t height, unsigned int background);
