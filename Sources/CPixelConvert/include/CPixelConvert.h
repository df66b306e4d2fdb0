/* CPixelConvert: pixel loops in C where Swift and pixman fall short. The XRGB8888 → RGB row needs an
 * instruction SwiftPM's baseline x86-64 target cannot emit;
 * XRGB8888 → packed RGB with SSSE3 pshufb, chosen at run time (cpuid), so the binary still runs anywhere.
 * Also: the renderer's fused OVER onto the background (blend.c) and --record's XRGB8888 → I420 (yuv.c), each
 * with SSE2 and AVX2 kernels chosen at run time and a plain reference loop. */
#pragma once
#include <stddef.h>

/* Converts the first pixels of one row (`source`: little-endian XRGB words, `destination`: R,G,B bytes) in
 * blocks of 16 pixels with SSSE3, and returns how many pixels it converted (a multiple of 16, at most
 * `width`). Returns 0 when the CPU lacks SSSE3 or is not x86; the caller converts the rest. */
size_t sw_xrgb_to_rgb_row(const void *source, void *destination, size_t width);

/* The kernels each vector loop below has, all giving the same bytes: a plain loop (any CPU; the reference),
 * SSE2 (the x86-64 baseline) and AVX2 (chosen at run time through cpuid, the binary being built for the
 * baseline). */
enum { SW_KERNEL_PORTABLE = 0, SW_KERNEL_SSE2 = 1, SW_KERNEL_AVX2 = 2 };

/* Whether this CPU (and build) runs `kernel`: 1 or 0. */
int sw_kernel_supports(int kernel);

/* The fastest kernel this CPU runs (asked once). */
int sw_kernel_best(void);

/* Premultiplied ARGB8888 OVER an opaque solid colour, written to an XRGB8888 rectangle in one pass: what
 * filling `destination` with `background` and then compositing `source` over it with PIXMAN_OP_OVER gives,
 * bit for bit (per channel s + round(bg × (255 − α) / 255) with pixman's rounding, t = bg × (255 − α) + 0x80,
 * (t + (t >> 8)) >> 8, added with saturation), without the fill's pass over memory nor reading the
 * destination back. `width` × `height` pixels; strides in bytes (the source's at least `width` × 4); `background`
 * is 0x??RRGGBB. The X byte written is 0xFF. Reads and writes nothing outside the two rectangles. Uses the fastest
 * kernel this CPU runs (`sw_kernel_best`: SSE2 4 pixels at a time, AVX2 8), with streaming stores for areas of 1 MiB or more. */
void sw_over_solid(const void *source, size_t source_stride, void *destination, size_t destination_stride,
                   size_t width, size_t height, unsigned int background);

/* sw_over_solid with a given kernel (SW_KERNEL_*) (one this CPU lacks falls back to the plain loop) and with streaming stores
 * (`stream` nonzero) or not, whatever the size: for tests and benchmarks, which check every path. */
void sw_over_solid_with(int kernel, int stream, const void *source, size_t source_stride, void *destination,
                        size_t destination_stride, size_t width, size_t height, unsigned int background);

/* XRGB8888 (little-endian words: B,G,R,X bytes; X ignored) → I420, which ffmpeg calls yuv420p: a Y plane of
 * W × H bytes and U (Cb) and V (Cr) planes of W/2 × H/2, where W and H are `width` and `height` rounded up to
 * even. BT.601 limited range ("tv": Y 16-235, chroma 16-240), what decoders assume for an untagged stream; each
 * U and V value is that of its 2×2 block's average colour. An odd width or height is padded with black
 * (Y 16, counted as R = G = B = 0 in its block), so the planes hold the whole padded frame. `source_stride`
 * and the planes' strides are in bytes, any value (no alignment needed); nothing outside the `width` × `height`
 * source rectangle is read, nothing outside the planes' W × H, W/2 × H/2 rectangles written. Uses the fastest
 * kernel this CPU runs (`sw_kernel_best`: SSE2 16 pixels of a row pair at a time, AVX2 32). */
void sw_xrgb_to_i420(const void *source, size_t source_stride, size_t width, size_t height,
                     void *y_plane, size_t y_stride, void *u_plane, size_t u_stride, void *v_plane, size_t v_stride);

/* sw_xrgb_to_i420 with a given kernel (SW_KERNEL_*) (one this CPU lacks falls back to the plain loop): for tests and benchmarks. */
void sw_xrgb_to_i420_with(int kernel, const void *source, size_t source_stride, size_t width, size_t height,
                          void *y_plane, size_t y_stride, void *u_plane, size_t u_stride, void *v_plane, size_t v_stride);
