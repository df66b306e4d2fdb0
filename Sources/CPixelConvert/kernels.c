#include "CPixelConvert.h"

/* Which of a loop's kernels this CPU runs (blend.c, yuv.c): asked of cpuid through the compiler's builtin. */
int sw_kernel_supports(int kernel) {
    switch (kernel) {
    case SW_KERNEL_PORTABLE: return 1;
#if defined(__x86_64__) || defined(__i386__)
    case SW_KERNEL_SSE2: return __builtin_cpu_supports("sse2") ? 1 : 0;
    case SW_KERNEL_AVX2: return __builtin_cpu_supports("avx2") ? 1 : 0;
#endif
    default: return 0;
    }
}

int sw_kernel_best(void) {
    static int best = -1;   /* racing first calls store the same value */
    if (__atomic_load_n(&best, __ATOMIC_RELAXED) < 0) {
        int found = SW_KERNEL_PORTABLE;
        if (sw_kernel_supports(SW_KERNEL_SSE2)) found = SW_KERNEL_SSE2;
        if (sw_kernel_supports(SW_KERNEL_AVX2)) found = SW_KERNEL_AVX2;
        __atomic_store_n(&best, found, __ATOMIC_RELAXED);
    }
    return __atomic_load_n(&best, __ATOMIC_RELAXED);
}
