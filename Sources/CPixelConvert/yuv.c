#include "CPixelConvert.h"

#include <stdint.h>

/* XRGB8888 → I420 (yuv420p) with the BT.601 limited-range matrix, in integers that every kernel shares so that
 * they agree bit for bit:
 *
 *   Y = (YR·R + YG·G + YB·B + 16·2^15 + 2^14) >> 15                      one per pixel
 *   U = (UR·ΣR + UG·ΣG + UB·ΣB + 128·2^17 + 2^16) >> 17                  one per 2×2 block (Σ: the block's sum)
 *   V = (VR·ΣR + VG·ΣG + VB·ΣB + 128·2^17 + 2^16) >> 17
 *
 * The coefficients are the matrix's (Y: 65.481, 128.553, 24.966; Cb: −37.797, −74.203, 112; Cr: 112, −93.786,
 * −18.214, all over 255) times 2^15, rounded so that each chroma row sums to 0 (grey gives exactly 128). The
 * chroma of a block is that of its average colour: the sum of four pixels divided by 4 through the larger shift.
 * Every intermediate is a 32-bit integer well inside its range: at most 255 × 28141 + 2^19 for Y, and
 * 1020 × 14392 + 2^24 for chroma, which is also never negative (so >> is a plain division).
 *
 * An odd width or height is padded to even with black pixels (R = G = B = 0): their Y is 16, and they count
 * as zero in their block's sum. Nothing outside the source rectangle is read. */
enum {
    YR = 8414, YG = 16519, YB = 3208,
    UR = -4857, UG = -9535, UB = 14392,
    VR = 14392, VG = -12052, VB = -2340,
};
#define Y_BIAS ((16 << 15) + (1 << 14))
#define C_BIAS ((128 << 17) + (1 << 16))

static inline uint8_t luma(uint32_t p) {
    int32_t r = (p >> 16) & 0xFF, g = (p >> 8) & 0xFF, b = p & 0xFF;
    return (uint8_t)((YR * r + YG * g + YB * b + Y_BIAS) >> 15);
}

static inline uint32_t load_pixel(const uint8_t *row, size_t x) {
    uint32_t p;
    __builtin_memcpy(&p, row + x * 4, 4);
    return p;
}

/* Columns [x0, width) of one row pair (`row1` NULL: the pair's second row is padding), written at their place in
 * the planes; x0 is even. The plain reference every vector kernel must equal. */
static void pair_portable(const uint8_t *row0, const uint8_t *row1, size_t x0, size_t width,
                          uint8_t *y0, uint8_t *y1, uint8_t *u, uint8_t *v) {
    for (size_t x = x0; x < width; x += 2) {
        int32_t sr = 0, sg = 0, sb = 0;
        for (size_t dx = 0; dx < 2; dx++) {
            for (int r = 0; r < 2; r++) {
                const uint8_t *row = r == 0 ? row0 : row1;
                uint8_t *out = r == 0 ? y0 : y1;
                uint32_t p = (row && x + dx < width) ? load_pixel(row, x + dx) : 0;
                out[x + dx] = luma(p);
                sr += (p >> 16) & 0xFF;
                sg += (p >> 8) & 0xFF;
                sb += p & 0xFF;
            }
        }
        u[x / 2] = (uint8_t)((UR * sr + UG * sg + UB * sb + C_BIAS) >> 17);
        v[x / 2] = (uint8_t)((VR * sr + VG * sg + VB * sb + C_BIAS) >> 17);
    }
}

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

/* SSE2: 16 pixels of a row pair at a time. Each 16-byte load (4 pixels B,G,R,X) is widened to 16-bit lanes, two
 * pixels per register; pmaddwd with (B,G,R,X) coefficients (X's 0) gives two partial sums per pixel, and the
 * even and odd 32-bit lanes of two such results (gathered with shufps) add up to the values of 4 pixels in
 * order. For chroma, the two rows' 16-bit lanes are added, then each pixel pair (the two 64-bit halves apart)
 * gives a block's sums, which go through pmaddwd the same way. */
__attribute__((target("sse2")))
static inline __m128i add_pairs(__m128i a, __m128i b) {
    __m128 fa = _mm_castsi128_ps(a), fb = _mm_castsi128_ps(b);
    __m128i even = _mm_castps_si128(_mm_shuffle_ps(fa, fb, _MM_SHUFFLE(2, 0, 2, 0)));
    __m128i odd = _mm_castps_si128(_mm_shuffle_ps(fa, fb, _MM_SHUFFLE(3, 1, 3, 1)));
    return _mm_add_epi32(even, odd);
}

/* Y of 4 pixels (widened halves lo, hi) as 32-bit lanes. */
__attribute__((target("sse2")))
static inline __m128i luma4(__m128i lo, __m128i hi, __m128i cy) {
    __m128i sum = add_pairs(_mm_madd_epi16(lo, cy), _mm_madd_epi16(hi, cy));
    return _mm_srai_epi32(_mm_add_epi32(sum, _mm_set1_epi32(Y_BIAS)), 15);
}

__attribute__((target("sse2")))
static inline __m128i chroma4(__m128i s01, __m128i s23, __m128i c) {
    __m128i sum = add_pairs(_mm_madd_epi16(s01, c), _mm_madd_epi16(s23, c));
    return _mm_srai_epi32(_mm_add_epi32(sum, _mm_set1_epi32(C_BIAS)), 17);
}

__attribute__((target("sse2")))
static void block16_sse2(const uint8_t *row0, const uint8_t *row1, size_t x, uint8_t *y0, uint8_t *y1,
                         uint8_t *u, uint8_t *v) {
    const __m128i zero = _mm_setzero_si128();
    const __m128i cy = _mm_setr_epi16(YB, YG, YR, 0, YB, YG, YR, 0);
    const __m128i cu = _mm_setr_epi16(UB, UG, UR, 0, UB, UG, UR, 0);
    const __m128i cv = _mm_setr_epi16(VB, VG, VR, 0, VB, VG, VR, 0);
    __m128i ya[4], yb[4], sums[4];
    for (int i = 0; i < 4; i++) {
        __m128i p = _mm_loadu_si128((const __m128i *)(row0 + (x + 4 * i) * 4));
        __m128i q = _mm_loadu_si128((const __m128i *)(row1 + (x + 4 * i) * 4));
        __m128i plo = _mm_unpacklo_epi8(p, zero), phi = _mm_unpackhi_epi8(p, zero);
        __m128i qlo = _mm_unpacklo_epi8(q, zero), qhi = _mm_unpackhi_epi8(q, zero);
        ya[i] = luma4(plo, phi, cy);
        yb[i] = luma4(qlo, qhi, cy);
        __m128i lo = _mm_add_epi16(plo, qlo), hi = _mm_add_epi16(phi, qhi);   /* pixels 0,1 and 2,3 of both rows */
        sums[i] = _mm_add_epi16(_mm_unpacklo_epi64(lo, hi), _mm_unpackhi_epi64(lo, hi));   /* blocks 0 and 1 */
    }
    _mm_storeu_si128((__m128i *)(y0 + x), _mm_packus_epi16(_mm_packs_epi32(ya[0], ya[1]), _mm_packs_epi32(ya[2], ya[3])));
    _mm_storeu_si128((__m128i *)(y1 + x), _mm_packus_epi16(_mm_packs_epi32(yb[0], yb[1]), _mm_packs_epi32(yb[2], yb[3])));
    __m128i u16 = _mm_packs_epi32(chroma4(sums[0], sums[1], cu), chroma4(sums[2], sums[3], cu));
    __m128i v16 = _mm_packs_epi32(chroma4(sums[0], sums[1], cv), chroma4(sums[2], sums[3], cv));
    __m128i uv = _mm_packus_epi16(u16, v16);
    _mm_storel_epi64((__m128i *)(u + x / 2), uv);
    _mm_storel_epi64((__m128i *)(v + x / 2), _mm_srli_si128(uv, 8));
}

/* One full row pair: blocks of 16 over the even part of the width, the last block overlapping the one before
 * (same values written twice), then the odd last column, if any, pixel by pixel. Narrow rows: portable. */
__attribute__((target("sse2")))
static void pair_sse2(const uint8_t *row0, const uint8_t *row1, size_t width, uint8_t *y0, uint8_t *y1,
                      uint8_t *u, uint8_t *v) {
    size_t even = width & ~(size_t)1;
    if (even < 16) { pair_portable(row0, row1, 0, width, y0, y1, u, v); return; }
    size_t x = 0;
    for (; x + 16 <= even; x += 16) block16_sse2(row0, row1, x, y0, y1, u, v);
    if (x < even) block16_sse2(row0, row1, even - 16, y0, y1, u, v);
    if (even < width) pair_portable(row0, row1, even, width, y0, y1, u, v);
}

/* AVX2: 32 pixels of a row pair. The 256-bit unpack, pack and shufps work within 128-bit lanes, so the results
 * come out with the lanes' 4-pixel groups interleaved: Y is put back in order with one vpermd; U and V, packed
 * together, with a 16-bit interleave of the two lanes (each lane holds every other pair of blocks). */
__attribute__((target("avx2")))
static inline __m256i add_pairs8(__m256i a, __m256i b) {
    __m256 fa = _mm256_castsi256_ps(a), fb = _mm256_castsi256_ps(b);
    __m256i even = _mm256_castps_si256(_mm256_shuffle_ps(fa, fb, _MM_SHUFFLE(2, 0, 2, 0)));
    __m256i odd = _mm256_castps_si256(_mm256_shuffle_ps(fa, fb, _MM_SHUFFLE(3, 1, 3, 1)));
    return _mm256_add_epi32(even, odd);
}

__attribute__((target("avx2")))
static inline __m256i luma8(__m256i lo, __m256i hi, __m256i cy) {
    __m256i sum = add_pairs8(_mm256_madd_epi16(lo, cy), _mm256_madd_epi16(hi, cy));
    return _mm256_srai_epi32(_mm256_add_epi32(sum, _mm256_set1_epi32(Y_BIAS)), 15);
}

__attribute__((target("avx2")))
static inline __m256i chroma8(__m256i s0, __m256i s1, __m256i c) {
    __m256i sum = add_pairs8(_mm256_madd_epi16(s0, c), _mm256_madd_epi16(s1, c));
    return _mm256_srai_epi32(_mm256_add_epi32(sum, _mm256_set1_epi32(C_BIAS)), 17);
}

__attribute__((target("avx2")))
static void block32_avx2(const uint8_t *row0, const uint8_t *row1, size_t x, uint8_t *y0, uint8_t *y1,
                         uint8_t *u, uint8_t *v) {
    const __m256i zero = _mm256_setzero_si256();
    const __m256i cy = _mm256_setr_epi16(YB, YG, YR, 0, YB, YG, YR, 0, YB, YG, YR, 0, YB, YG, YR, 0);
    const __m256i cu = _mm256_setr_epi16(UB, UG, UR, 0, UB, UG, UR, 0, UB, UG, UR, 0, UB, UG, UR, 0);
    const __m256i cv = _mm256_setr_epi16(VB, VG, VR, 0, VB, VG, VR, 0, VB, VG, VR, 0, VB, VG, VR, 0);
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    __m256i ya[4], yb[4], sums[4];
    for (int i = 0; i < 4; i++) {
        __m256i p = _mm256_loadu_si256((const __m256i *)(row0 + (x + 8 * i) * 4));
        __m256i q = _mm256_loadu_si256((const __m256i *)(row1 + (x + 8 * i) * 4));
        __m256i plo = _mm256_unpacklo_epi8(p, zero), phi = _mm256_unpackhi_epi8(p, zero);
        __m256i qlo = _mm256_unpacklo_epi8(q, zero), qhi = _mm256_unpackhi_epi8(q, zero);
        ya[i] = luma8(plo, phi, cy);   /* pixels 0-3 | 4-7 of the group, in order */
        yb[i] = luma8(qlo, qhi, cy);
        __m256i lo = _mm256_add_epi16(plo, qlo), hi = _mm256_add_epi16(phi, qhi);
        sums[i] = _mm256_add_epi16(_mm256_unpacklo_epi64(lo, hi), _mm256_unpackhi_epi64(lo, hi));   /* blocks 0,1 | 2,3 */
    }
    __m256i ra = _mm256_packus_epi16(_mm256_packs_epi32(ya[0], ya[1]), _mm256_packs_epi32(ya[2], ya[3]));
    __m256i rb = _mm256_packus_epi16(_mm256_packs_epi32(yb[0], yb[1]), _mm256_packs_epi32(yb[2], yb[3]));
    _mm256_storeu_si256((__m256i *)(y0 + x), _mm256_permutevar8x32_epi32(ra, order));
    _mm256_storeu_si256((__m256i *)(y1 + x), _mm256_permutevar8x32_epi32(rb, order));
    /* chroma8(sums[0], sums[1]): blocks 0,1,4,5 | 2,3,6,7; after the packs, lane 0 holds the U (then V) pairs of
     * blocks 0,1 4,5 8,9 12,13 and lane 1 those of 2,3 6,7 10,11 14,15. */
    __m256i u16 = _mm256_packs_epi32(chroma8(sums[0], sums[1], cu), chroma8(sums[2], sums[3], cu));
    __m256i v16 = _mm256_packs_epi32(chroma8(sums[0], sums[1], cv), chroma8(sums[2], sums[3], cv));
    __m256i uv = _mm256_packus_epi16(u16, v16);
    __m128i lane0 = _mm256_castsi256_si128(uv), lane1 = _mm256_extracti128_si256(uv, 1);
    _mm_storeu_si128((__m128i *)(u + x / 2), _mm_unpacklo_epi16(lane0, lane1));
    _mm_storeu_si128((__m128i *)(v + x / 2), _mm_unpackhi_epi16(lane0, lane1));
}

/* As pair_sse2, in blocks of 32 (rows under 32 pixels: SSE2). */
__attribute__((target("avx2")))
static void pair_avx2(const uint8_t *row0, const uint8_t *row1, size_t width, uint8_t *y0, uint8_t *y1,
                      uint8_t *u, uint8_t *v) {
    size_t even = width & ~(size_t)1;
    if (even < 32) { pair_sse2(row0, row1, width, y0, y1, u, v); return; }
    size_t x = 0;
    for (; x + 32 <= even; x += 32) block32_avx2(row0, row1, x, y0, y1, u, v);
    if (x < even) block32_avx2(row0, row1, even - 32, y0, y1, u, v);
    if (even < width) pair_portable(row0, row1, even, width, y0, y1, u, v);
}
#endif

void sw_xrgb_to_i420_with(int kernel, const void *source, size_t source_stride, size_t width, size_t height,
                          void *y_plane, size_t y_stride, void *u_plane, size_t u_stride, void *v_plane, size_t v_stride) {
    const uint8_t *src = source;
    uint8_t *yp = y_plane, *up = u_plane, *vp = v_plane;
    if (!sw_kernel_supports(kernel)) kernel = SW_KERNEL_PORTABLE;
    for (size_t y = 0; y < height; y += 2) {
        const uint8_t *row0 = src + y * source_stride;
        const uint8_t *row1 = y + 1 < height ? row0 + source_stride : NULL;
        uint8_t *y0 = yp + y * y_stride, *y1 = y0 + y_stride, *u = up + (y / 2) * u_stride, *v = vp + (y / 2) * v_stride;
        if (row1 == NULL) {   /* the padding row below an odd height */
            pair_portable(row0, NULL, 0, width, y0, y1, u, v);
            continue;
        }
        switch (kernel) {
#if defined(__x86_64__) || defined(__i386__)
        case SW_KERNEL_AVX2: pair_avx2(row0, row1, width, y0, y1, u, v); break;
        case SW_KERNEL_SSE2: pair_sse2(row0, row1, width, y0, y1, u, v); break;
#endif
        default: pair_portable(row0, row1, 0, width, y0, y1, u, v);
        }
    }
}

void sw_xrgb_to_i420(const void *source, size_t source_stride, size_t width, size_t height,
                     void *y_plane, size_t y_stride, void *u_plane, size_t u_stride, void *v_plane, size_t v_stride) {
    sw_xrgb_to_i420_with(sw_kernel_best(), source, source_stride, width, height, y_plane, y_stride, u_plane, u_stride,
                         v_plane, v_stride);
}
