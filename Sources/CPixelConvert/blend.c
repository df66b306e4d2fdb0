#include "CPixelConvert.h"

#include <stdint.h>

/* One pixel: the channels of `s` plus bg × (255 − α(s)) / 255 with pixman's rounding, saturated. */
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

#if defined(__x86_64__) || defined(__SSE2__)
#include <emmintrin.h>

/* Four pixels at once: the two halves widened to 16-bit lanes, each pixel's 255 − α broadcast over its
 * lanes, multiplied with the background as pixman's SSE2 path does (mullo + 0x80, mulhi by 0x101). */
static inline __m128i over_solid_4(__m128i s, __m128i bg16) {
    const __m128i zero = _mm_setzero_si128(), ff = _mm_set1_epi16(0xFF);
    const __m128i round = _mm_set1_epi16(0x80), scale = _mm_set1_epi16(0x101);
    __m128i lo = _mm_unpacklo_epi8(s, zero), hi = _mm_unpackhi_epi8(s, zero);
    __m128i alo = _mm_shufflehi_epi16(_mm_shufflelo_epi16(lo, 0xFF), 0xFF);
    __m128i ahi = _mm_shufflehi_epi16(_mm_shufflelo_epi16(hi, 0xFF), 0xFF);
    __m128i tlo = _mm_add_epi16(_mm_mullo_epi16(bg16, _mm_sub_epi16(ff, alo)), round);
    __m128i thi = _mm_add_epi16(_mm_mullo_epi16(bg16, _mm_sub_epi16(ff, ahi)), round);
    __m128i add = _mm_packus_epi16(_mm_mulhi_epu16(tlo, scale), _mm_mulhi_epu16(thi, scale));
    return _mm_adds_epu8(s, add);
}

void sw_over_solid(const void *source, size_t source_stride, void *destination, size_t destination_stride,
                   size_t width, size_t height, unsigned int background) {
    uint32_t bg = background | 0xFF000000u;
    __m128i bg16 = _mm_unpacklo_epi8(_mm_set1_epi32((int)bg), _mm_setzero_si128());
    int stream = width * height >= (1u << 18);   /* 1 MiB of output or more */
    for (size_t y = 0; y < height; y++) {
        const uint8_t *src = (const uint8_t *)source + y * source_stride;
        uint8_t *dst = (uint8_t *)destination + y * destination_stride;
        size_t x = 0;
        /* Large areas: single pixels up to a 16-byte boundary of the destination, then streaming stores
         * (movntdq): the output is only written, so its cache lines need not be read in first (they would
         * not stay in the cache anyway). Small ones stay in the cache for whoever reads them next. */
        if (stream) {
            for (; x < width && ((uintptr_t)(dst + x * 4) & 15) != 0; x++) {
                uint32_t s;
                __builtin_memcpy(&s, src + x * 4, 4);
                uint32_t d = over_solid_pixel(s, bg);
                __builtin_memcpy(dst + x * 4, &d, 4);
            }
            for (; x + 4 <= width; x += 4) {
                __m128i s = _mm_loadu_si128((const __m128i *)(src + x * 4));
                _mm_stream_si128((__m128i *)(dst + x * 4), over_solid_4(s, bg16));
            }
        } else {
            for (; x + 4 <= width; x += 4) {
                __m128i s = _mm_loadu_si128((const __m128i *)(src + x * 4));
                _mm_storeu_si128((__m128i *)(dst + x * 4), over_solid_4(s, bg16));
            }
        }
        for (; x < width; x++) {
            uint32_t s;
            __builtin_memcpy(&s, src + x * 4, 4);
            uint32_t d = over_solid_pixel(s, bg);
            __builtin_memcpy(dst + x * 4, &d, 4);
        }
    }
    if (stream) _mm_sfence();   /* the streamed stores are visible before anyone reads the image */
}
#else
void sw_over_solid(const void *source, size_t source_stride, void *destination, size_t destination_stride,
                   size_t width, size_t height, unsigned int background) {
    uint32_t bg = background | 0xFF000000u;
    for (size_t y = 0; y < height; y++) {
        const uint8_t *src = (const uint8_t *)source + y * source_stride;
        uint8_t *dst = (uint8_t *)destination + y * destination_stride;
        for (size_t x = 0; x < width; x++) {
            uint32_t s;
            __builtin_memcpy(&s, src + x * 4, 4);
            uint32_t d = over_solid_pixel(s, bg);
            __builtin_memcpy(dst + x * 4, &d, 4);
        }
    }
}
#endif
