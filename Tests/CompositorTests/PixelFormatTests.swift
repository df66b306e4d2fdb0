import Compositor
import Testing

/// The wl_shm formats: wire codes, bytes per pixel, which are opaque, and the create_buffer geometry
/// decision in 64-bit arithmetic.
struct PixelFormatTests {
    @Test func wireCodesAreWlShmsAndDRMFourccs() {
        #expect(PixelFormat.argb8888.shmCode == 0 && PixelFormat.xrgb8888.shmCode == 1)
        // drm_fourcc.h: fourcc_code('R', 'G', '1', '6') and so on, little-endian.
        #expect(PixelFormat.rgb565.shmCode == 0x3631_4752)
        #expect(PixelFormat.abgr2101010.shmCode == 0x3033_4241)
        #expect(Set(PixelFormat.allCases.map(\.shmCode)).count == PixelFormat.allCases.count)
        for format in PixelFormat.allCases { #expect(PixelFormat(shmCode: format.shmCode) == format) }
        #expect(PixelFormat(shmCode: 0x3432_5241) == nil, "AR24 is not ARGB8888's code on wl_shm")
        #expect(PixelFormat(shmCode: 2) == nil)
        #expect(PixelFormat(name: "rgb565") == .rgb565 && PixelFormat(name: "NV12") == nil)
    }

    @Test func opaqueFormatsAreTheOnesWithoutAlpha() {
        let translucent = PixelFormat.allCases.filter { !$0.isOpaque }
        #expect(translucent == [.argb8888, .abgr8888, .argb2101010, .abgr2101010])
    }

    @Test func bytesPerPixel() {
        #expect(PixelFormat.rgb565.bytesPerPixel == 2 && PixelFormat.bgr888.bytesPerPixel == 3)
        #expect(PixelFormat.xbgr2101010.bytesPerPixel == 4)
    }

    func check(_ format: PixelFormat, offset: Int32 = 0, width: Int32 = 16, height: Int32 = 16, stride: Int32,
               pool: Int64 = 4096) -> String? {
        format.bufferGeometryError(offset: offset, width: width, height: height, stride: stride, poolSize: pool,
                                   maxDimension: 16384)
    }

    @Test func strideFollowsTheFormat() {
        #expect(check(.rgb565, stride: 32) == nil)
        #expect(check(.rgb565, stride: 28) == "stride 28 is less than width 16 × 2 = 32 (2 bytes per RGB565 pixel)")
        #expect(check(.rgb888, width: 15, stride: 48) == nil)
        #expect(check(.rgb888, width: 15, stride: 45) == "stride 45 is not a multiple of 4 (rows must start on 32-bit boundaries)")
        #expect(check(.rgb888, width: 15, stride: 44) == "stride 44 is less than width 15 × 3 = 45 (3 bytes per RGB888 pixel)")
        #expect(check(.xrgb2101010, stride: 60) == "stride 60 is less than width 16 × 4 = 64 (4 bytes per XRGB2101010 pixel)")
    }

    @Test func theEndIsComputedIn64Bits() {
        // 16384 rows of 32768 bytes from offset 2^31 - 4: 2^29 + 2^31 - 4, past Int32.
        #expect(check(.rgb565, offset: Int32.max - 3, width: 16384, height: 16384, stride: 32768, pool: 65536)
                == "buffer 16384x16384 with stride 32768 at offset 2147483644 ends at byte 2684354556, past the pool's 65536 bytes")
        // The stride × height product alone wraps to 0 in 32 bits.
        #expect(check(.bgr888, width: 16, height: 16, stride: 1 << 28)
                == "buffer 16x16 with stride 268435456 at offset 0 ends at byte 4294967296, past the pool's 4096 bytes")
        // Width × bytes per pixel for the largest width, and a buffer ending exactly at the pool's end.
        #expect(check(.rgb888, width: 16385, height: 1, stride: Int32.max) == "buffer size 16385x1 exceeds the limit of 16384 pixels per side")
        #expect(check(.rgb565, offset: 4096 - 32 * 16, stride: 32) == nil)
        #expect(check(.rgb565, offset: 4096 - 32 * 16 + 4, stride: 32) != nil)
    }
}
