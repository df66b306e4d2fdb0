#include "CPixelConvert.h"

#include <stdint.h>

/* Every kernel computes, per channel, s + round(bg × (255 − α) / 255) with pixman's rounding (t = bg × (255 − α)
 * + 0x80, (t + (t >> 8)) >> 8), added with saturation; the X byte comes out 255 (its "background" is 255).
 * The vector kernels get (t + (t >> 8)) >> 8 as the high half of t × 0x101 (equal for every t below 2^16, as
 * pixman's own SSE2 path does): t ≤ 255 × 255 + 0x80 always fits 16 bits, so no lane can overflow. */

/* Bytes of source read ahead with a prefetch, one per 64-byte line. Measured on the 2-core Xeon VM (1080p, 8-MiB
 * source out of cache): the hardware prefetcher alone leaves the loop waiting for memory (1.15 ms a frame);
 * 2 KiB ahead brings it to 0.86 ms, under a cold memcpy of the same bytes (0.97 ms); 4 KiB gains little more. */
#define PREFETCH_AHEAD 2048

/* One pixel, any CPU. */
static inline uint32_t over_solid_pixel(uint32_t s, uint32_t bg) {
    uint32_t inverse = 255 - (s >> 24), out = 0;
    for (unsigned shift = 0; shift < 32; shift += 8) {
        uint32_t b = shift == 24 ? 255 : (bg >> shift) & 0xFF;
        uint32_t t = b * inverse + 0x80;
        uint32_t c = ((s >> shift) & 0xFF) + ((t + (t >> 8)) >> 8);
        out |= (c > 255 ? 255 : c) << shift;
    }
    return out;
}

static void row_portable(const uint8_t *src, uint8_t *dst, size_t width, uint32_t bg) {
    for (size_t x = 0; x < width; x++) {
        uint32_t s;
        __builtin_memcpy(&s, src + x * 4, 4);
        uint32_t d = over_solid_pixel(s, bg);
        __builtin_memcpy(dst + x * 4, &d, 4);
    }
}

/* Where to prefetch for the 64 bytes at `at` in a row of `row_bytes` starting at `row`: PREFETCH_AHEAD bytes
 * further on, continuing into the next row (`stride` on) once past this row's end, so that narrow rows in a
 * wide buffer do not prefetch the gap between them. A prefetch is only a hint: it never faults, whatever the
 * address, so running past the last row or a mapping's end is harmless. */
static inline const char *ahead(const uint8_t *row, size_t row_bytes, size_t stride, const uint8_t *at) {
    uintptr_t p = (uintptr_t)at + PREFETCH_AHEAD;
    if (p >= (uintptr_t)row + row_bytes) p += stride - row_bytes;
    return (const char *)p;
}

/* How many pixels of `dst` come before its first 64-byte boundary (a whole cache line), or -1 when pixels
 * are not 4-byte aligned there (no boundary is ever reached on a pixel's edge). */
static inline long pixels_to_line(const uint8_t *dst) {
    uintptr_t misaligned = (uintptr_t)dst & 63;
    if (misaligned & 3) return -1;
    return (long)(((64 - misaligned) & 63) / 4);
}

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

/* SSE2 (the x86-64 baseline): four pixels. ~α of each pixel is moved to the low 16 bits of its 32-bit lane and
 * copied to the high 16 bits, and unpacking each half with itself gives ~α in all four 16-bit lanes of its
 * pixel; multiplied with the background (widened to 16-bit lanes once). */
__attribute__((target("sse2")))
static inline __m128i over_solid_4(__m128i s, __m128i bg16) {
    const __m128i round = _mm_set1_epi16(0x80), scale = _mm_set1_epi16(0x101);
    __m128i inverse = _mm_srli_epi32(_mm_xor_si128(s, _mm_set1_epi32(-1)), 24);
    inverse = _mm_or_si128(inverse, _mm_slli_epi32(inverse, 16));
    __m128i tlo = _mm_add_epi16(_mm_mullo_epi16(bg16, _mm_unpacklo_epi32(inverse, inverse)), round);
    __m128i thi = _mm_add_epi16(_mm_mullo_epi16(bg16, _mm_unpackhi_epi32(inverse, inverse)), round);
    __m128i add = _mm_packus_epi16(_mm_mulhi_epu16(tlo, scale), _mm_mulhi_epu16(thi, scale));
    return _mm_adds_epu8(s, add);
}

__attribute__((target("sse2")))
static inline void store4(const uint8_t *src, uint8_t *dst, size_t x, __m128i bg16) {
    _mm_storeu_si128((__m128i *)(dst + x * 4), over_solid_4(_mm_loadu_si128((const __m128i *)(src + x * 4)), bg16));
}

/* One row. A row of 4 pixels or more is covered by blocks of 4; its last block may overlap the one before
 * (the same pixels written twice with the same values: source and destination never overlap), so only rows
 * under 4 pixels go pixel by pixel. `stream`: the whole cache lines of the row are written with streaming
 * stores (movntdq), which do not read the destination's lines in first; the pixels before the first line
 * boundary are written by the first (ordinary, unaligned) block of 16, which may reach past it. */
__attribute__((target("sse2")))
static void row_sse2(const uint8_t *src, uint8_t *dst, size_t width, size_t stride, uint32_t bg, __m128i bg16, int stream) {
    if (width < 4) { row_portable(src, dst, width, bg); return; }
    size_t x = 0, row_bytes = width * 4;
    long head = pixels_to_line(dst);
    if (stream && head >= 0 && width >= 32) {
        for (size_t i = 0; i < 16; i += 4) store4(src, dst, i, bg16);
        for (x = (size_t)head; x + 16 <= width; x += 16) {
            _mm_prefetch(ahead(src, row_bytes, stride, src + x * 4), _MM_HINT_T0);
            for (size_t i = 0; i < 16; i += 4) {
                __m128i s = _mm_loadu_si128((const __m128i *)(src + (x + i) * 4));
                _mm_stream_si128((__m128i *)(dst + (x + i) * 4), over_solid_4(s, bg16));
            }
        }
    } else {
        for (; x + 16 <= width; x += 16) {
            _mm_prefetch(ahead(src, row_bytes, stride, src + x * 4), _MM_HINT_T0);
            for (size_t i = 0; i < 16; i += 4) store4(src, dst, x + i, bg16);
        }
    }
    for (; x + 4 <= width; x += 4) store4(src, dst, x, bg16);
    if (x < width) store4(src, dst, width - 4, bg16);
}

__attribute__((target("sse2")))
static void over_solid_sse2(const uint8_t *source, size_t source_stride, uint8_t *destination, size_t destination_stride,
                            size_t width, size_t height, uint32_t bg, int stream) {
    __m128i bg16 = _mm_unpacklo_epi8(_mm_set1_epi32((int)bg), _mm_setzero_si128());
    for (size_t y = 0; y < height; y++)
        row_sse2(source + y * source_stride, destination + y * destination_stride, width, source_stride, bg, bg16, stream);
    if (stream) _mm_sfence();   /* the streamed stores are visible before anyone reads the image */
}

/* AVX2: eight pixels. pshufb picks ~α of each pixel into the four 16-bit lanes of the pixel's half (within
 * each 128-bit lane, like unpack and pack, so the order comes out right). */
__attribute__((target("avx2")))
static inline __m256i over_solid_8(__m256i s, __m256i bg16) {
    const __m256i round = _mm256_set1_epi16(0x80), scale = _mm256_set1_epi16(0x101);
    const __m256i low = _mm256_setr_epi8(3, -128, 3, -128, 3, -128, 3, -128, 7, -128, 7, -128, 7, -128, 7, -128,
                                         3, -128, 3, -128, 3, -128, 3, -128, 7, -128, 7, -128, 7, -128, 7, -128);
    const __m256i high = _mm256_setr_epi8(11, -128, 11, -128, 11, -128, 11, -128, 15, -128, 15, -128, 15, -128, 15, -128,
                                          11, -128, 11, -128, 11, -128, 11, -128, 15, -128, 15, -128, 15, -128, 15, -128);
    __m256i inverse = _mm256_xor_si256(s, _mm256_set1_epi32(-1));
    __m256i tlo = _mm256_add_epi16(_mm256_mullo_epi16(bg16, _mm256_shuffle_epi8(inverse, low)), round);
    __m256i thi = _mm256_add_epi16(_mm256_mullo_epi16(bg16, _mm256_shuffle_epi8(inverse, high)), round);
    __m256i add = _mm256_packus_epi16(_mm256_mulhi_epu16(tlo, scale), _mm256_mulhi_epu16(thi, scale));
    return _mm256_adds_epu8(s, add);
}

__attribute__((target("avx2")))
static inline void store8(const uint8_t *src, uint8_t *dst, size_t x, __m256i bg16) {
    _mm256_storeu_si256((__m256i *)(dst + x * 4), over_solid_8(_mm256_loadu_si256((const __m256i *)(src + x * 4)), bg16));
}

/* As row_sse2, in blocks of 8 (rows under 8 pixels: SSE2). */
__attribute__((target("avx2")))
static void row_avx2(const uint8_t *src, uint8_t *dst, size_t width, size_t stride, uint32_t bg, __m256i bg16, __m128i bg16_sse2, int stream) {
    if (width < 8) { row_sse2(src, dst, width, stride, bg, bg16_sse2, 0); return; }
    size_t x = 0, row_bytes = width * 4;
    long head = pixels_to_line(dst);
    if (stream && head >= 0 && width >= 32) {
        store8(src, dst, 0, bg16);
        store8(src, dst, 8, bg16);
        for (x = (size_t)head; x + 16 <= width; x += 16) {
            _mm_prefetch(ahead(src, row_bytes, stride, src + x * 4), _MM_HINT_T0);
            __m256i s0 = _mm256_loadu_si256((const __m256i *)(src + x * 4));
            __m256i s1 = _mm256_loadu_si256((const __m256i *)(src + x * 4 + 32));
            _mm256_stream_si256((__m256i *)(dst + x * 4), over_solid_8(s0, bg16));
            _mm256_stream_si256((__m256i *)(dst + x * 4 + 32), over_solid_8(s1, bg16));
        }
    } else {
        for (; x + 16 <= width; x += 16) {
            _mm_prefetch(ahead(src, row_bytes, stride, src + x * 4), _MM_HINT_T0);
            store8(src, dst, x, bg16);
            store8(src, dst, x + 8, bg16);
        }
    }
    for (; x + 8 <= width; x += 8) store8(src, dst, x, bg16);
    if (x < width) store8(src, dst, width - 8, bg16);
}

__attribute__((target("avx2")))
static void over_solid_avx2(const uint8_t *source, size_t source_stride, uint8_t *destination, size_t destination_stride,
                            size_t width, size_t height, uint32_t bg, int stream) {
    __m256i bg16 = _mm256_cvtepu8_epi16(_mm_set1_epi32((int)bg));
    __m128i bg16_sse2 = _mm_unpacklo_epi8(_mm_set1_epi32((int)bg), _mm_setzero_si128());
    for (size_t y = 0; y < height; y++)
        row_avx2(source + y * source_stride, destination + y * destination_stride, width, source_stride, bg, bg16,
                 bg16_sse2, stream);
    if (stream) _mm_sfence();
}
#endif

void sw_over_solid_with(int kernel, int stream, const void *source, size_t source_stride, void *destination,
                        size_t destination_stride, size_t width, size_t height, unsigned int background) {
    const uint8_t *src = source;
    uint8_t *dst = destination;
    uint32_t bg = background | 0xFF000000u;
    if (!sw_kernel_supports(kernel)) kernel = SW_KERNEL_PORTABLE;
    switch (kernel) {
#if defined(__x86_64__) || defined(__i386__)
    case SW_KERNEL_AVX2: over_solid_avx2(src, source_stride, dst, destination_stride, width, height, bg, stream); return;
    case SW_KERNEL_SSE2: over_solid_sse2(src, source_stride, dst, destination_stride, width, height, bg, stream); return;
#endif
    default:
        for (size_t y = 0; y < height; y++) row_portable(src + y * source_stride, dst + y * destination_stride, width, bg);
    }
}

void sw_over_solid(const void *source, size_t source_stride, void *destination, size_t destination_stride,
                   size_t width, size_t height, unsigned int background) {
    /* 1 MiB of output or more: streaming stores (the image is only written, and would not stay in the cache
     * anyway); smaller areas stay in the cache for whoever reads them next. */
    int stream = width * height >= (1u << 18);
    sw_over_solid_with(sw_kernel_best(), stream, source, source_stride, destination, destination_stride, width,
                       height, background);
}
