#include "CPixelConvert.h"

#include <stdint.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

/* Each 16-byte load holds 4 pixels B,G,R,X; pshufb picks R,G,B of each into the low 12 bytes. Four loads
 * (16 pixels, 48 output bytes) are stitched with byte shifts into exactly three 16-byte stores. */
__attribute__((target("ssse3")))
static size_t convert_ssse3(const uint8_t *src, uint8_t *dst, size_t width) {
    const __m128i pick = _mm_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
    size_t blocks = width / 16;
    for (size_t i = 0; i < blocks; i++) {
        const __m128i *in = (const __m128i *)(src + i * 64);
        __m128i a = _mm_shuffle_epi8(_mm_loadu_si128(in + 0), pick);
        __m128i b = _mm_shuffle_epi8(_mm_loadu_si128(in + 1), pick);
        __m128i c = _mm_shuffle_epi8(_mm_loadu_si128(in + 2), pick);
        __m128i d = _mm_shuffle_epi8(_mm_loadu_si128(in + 3), pick);
        __m128i *out = (__m128i *)(dst + i * 48);
        _mm_storeu_si128(out + 0, _mm_or_si128(a, _mm_slli_si128(b, 12)));
        _mm_storeu_si128(out + 1, _mm_or_si128(_mm_srli_si128(b, 4), _mm_slli_si128(c, 8)));
        _mm_storeu_si128(out + 2, _mm_or_si128(_mm_srli_si128(c, 8), _mm_slli_si128(d, 4)));
    }
    return blocks * 16;
}

size_t sw_xrgb_to_rgb_row(const void *source, void *destination, size_t width) {
    static int has_ssse3 = -1;
    if (has_ssse3 < 0) has_ssse3 = __builtin_cpu_supports("ssse3") ? 1 : 0;
    if (!has_ssse3) return 0;
    return convert_ssse3(source, destination, width);
}
#else
size_t sw_xrgb_to_rgb_row(const void *source, void *destination, size_t width) {
    (void)source; (void)destination; (void)width;
    return 0;
}
#endif
