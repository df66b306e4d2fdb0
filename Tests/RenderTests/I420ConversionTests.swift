import CPixelConvert
import Glibc
import Testing

/// XRGB8888 → I420 (yuv420p, BT.601 limited range) for `--record`: the plain reference gives the matrix's values,
/// and every vector kernel this CPU runs gives the reference's bytes exactly, for any size and stride, without
/// reading outside the source or writing outside the planes.
@Suite struct I420ConversionTests {
    static let avx2 = sw_kernel_supports(Int32(SW_KERNEL_AVX2)) == 1
    static let sse2 = sw_kernel_supports(Int32(SW_KERNEL_SSE2)) == 1

    /// Planes of a converted frame, each a tight W × H or W/2 × H/2 array (W, H: the size rounded up to even).
    struct Planes: Equatable {
        var y: [UInt8], u: [UInt8], v: [UInt8]
        var width: Int, height: Int
    }

    /// `pixels` (a tight `width` × `height` XRGB array) converted by `kernel`.
    static func convert(_ pixels: [UInt32], width: Int, height: Int, kernel: Int32 = Int32(SW_KERNEL_PORTABLE)) -> Planes {
        let (w, h) = ((width + 1) / 2 * 2, (height + 1) / 2 * 2)
        var planes = Planes(y: [UInt8](repeating: 0, count: w * h), u: [UInt8](repeating: 0, count: w * h / 4),
                            v: [UInt8](repeating: 0, count: w * h / 4), width: w, height: h)
        pixels.withUnsafeBytes { s in
            planes.y.withUnsafeMutableBytes { y in
                planes.u.withUnsafeMutableBytes { u in
                    planes.v.withUnsafeMutableBytes { v in
                        sw_xrgb_to_i420_with(kernel, s.baseAddress, width * 4, width, height, y.baseAddress, w,
                                             u.baseAddress, w / 2, v.baseAddress, w / 2)
                    }
                }
            }
        }
        return planes
    }

    /// BT.601 limited range in floating point (ITU-R BT.601 section 2.5.4 scaled to 8 bits): Y, Cb, Cr.
    static func bt601(_ r: Double, _ g: Double, _ b: Double) -> (y: Double, u: Double, v: Double) {
        (16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255,
         128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255,
         128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255)
    }

    @Test("pure colours give BT.601 limited-range values: white 235,128,128, black 16,128,128, red, green, blue within 1")
    func pureColours() {
        let exact: [(UInt32, UInt8, UInt8, UInt8)] = [(0xFF_FFFF, 235, 128, 128), (0x00_0000, 16, 128, 128),
                                                        (0xFF_0000, 81, 90, 240), (0x00_FF00, 145, 54, 34),
                                                        (0x00_00FF, 41, 240, 110), (0x80_8080, 126, 128, 128)]
        for (rgb, y, u, v) in exact {
            for x: UInt32 in [0x00, 0xFF, 0x5A] {   // the X byte is ignored
                let planes = Self.convert([UInt32](repeating: x << 24 | rgb, count: 16), width: 4, height: 4)
                let ideal = Self.bt601(Double(rgb >> 16 & 0xFF), Double(rgb >> 8 & 0xFF), Double(rgb & 0xFF))
                #expect(planes.y.allSatisfy { $0 == y } && planes.u.allSatisfy { $0 == u } && planes.v.allSatisfy { $0 == v },
                        "\(String(rgb, radix: 16)) with X \(x): Y \(planes.y[0]) U \(planes.u[0]) V \(planes.v[0]), expected \(y) \(u) \(v)")
                #expect(abs(Double(y) - ideal.y) <= 1 && abs(Double(u) - ideal.u) <= 1 && abs(Double(v) - ideal.v) <= 1,
                        "the expected values for \(String(rgb, radix: 16)) are not BT.601's \(ideal)")
            }
        }
    }

    @Test("each U and V is that of its 2×2 block's average colour; each Y its pixel's")
    func blockAverage() {
        // One 2×2 block of four different colours; then the same block mirrored (same average).
        let block: [UInt32] = [0xFF_0000, 0x00_FF00, 0x00_00FF, 0x40_8020]
        let planes = Self.convert(block, width: 2, height: 2)
        let channels = block.map { (Double($0 >> 16 & 0xFF), Double($0 >> 8 & 0xFF), Double($0 & 0xFF)) }
        let mean = channels.reduce((0.0, 0.0, 0.0)) { ($0.0 + $1.0 / 4, $0.1 + $1.1 / 4, $0.2 + $1.2 / 4) }
        let ideal = Self.bt601(mean.0, mean.1, mean.2)
        #expect(abs(Double(planes.u[0]) - ideal.u) <= 1 && abs(Double(planes.v[0]) - ideal.v) <= 1,
                "U \(planes.u[0]) V \(planes.v[0]) for the block's average \(ideal)")
        for (i, c) in channels.enumerated() {
            #expect(abs(Double(planes.y[i]) - Self.bt601(c.0, c.1, c.2).y) <= 1, "pixel \(i): Y \(planes.y[i])")
        }
        #expect(Self.convert([block[3], block[2], block[1], block[0]], width: 2, height: 2).u == planes.u)
    }

    @Test("an odd width or height is padded with black: Y 16 in the extra row and column, which count as black in their blocks")
    func oddSizesArePaddedBlack() {
        let planes = Self.convert([UInt32](repeating: 0xFF_FFFF, count: 9), width: 3, height: 3)
        #expect(planes.width == 4 && planes.height == 4)
        for y in 0..<4 {
            for x in 0..<4 {
                #expect(planes.y[y * 4 + x] == (x < 3 && y < 3 ? 235 : 16), "Y at (\(x), \(y)) is \(planes.y[y * 4 + x])")
            }
        }
        // Every block is grey (white and black): neutral chroma.
        #expect(planes.u == [128, 128, 128, 128] && planes.v == [128, 128, 128, 128])
        // A red pixel alone in its block (three padding pixels) has a quarter of red's chroma offset.
        let red = Self.convert([0x00_0000, 0x00_0000, 0xFF_0000], width: 3, height: 1)
        let ideal = Self.bt601(255.0 / 4, 0, 0)
        #expect(red.width == 4 && red.height == 2 && red.y[2] == 81 && red.y[3] == 16 && red.y[6] == 16)
        #expect(abs(Double(red.u[1]) - ideal.u) <= 1 && abs(Double(red.v[1]) - ideal.v) <= 1, "U \(red.u[1]) V \(red.v[1]), ideal \(ideal)")
        #expect(red.u[0] == 128 && red.v[0] == 128)
    }

    @Test("SSE2 kernel: the reference's bytes for every size and stride, within the rectangles", .enabled(if: sse2, "this CPU lacks SSE2"))
    func sse2MatchesReference() { Self.checkAgainstReference(Int32(SW_KERNEL_SSE2)) }

    @Test("AVX2 kernel: the reference's bytes for every size and stride, within the rectangles", .enabled(if: avx2, "this CPU lacks AVX2"))
    func avx2MatchesReference() { Self.checkAgainstReference(Int32(SW_KERNEL_AVX2)) }

    @Test("the reference writes exactly its planes' rectangles and reads only the source rectangle")
    func referenceGeometry() { Self.checkAgainstReference(Int32(SW_KERNEL_PORTABLE)) }

    @Test("the recorder's kernel is the fastest this CPU runs")
    func bestIsTheFastestSupported() {
        #expect(sw_kernel_best() == Int32(Self.avx2 ? SW_KERNEL_AVX2 : Self.sse2 ? SW_KERNEL_SSE2 : SW_KERNEL_PORTABLE))
    }

    /// Converts with `kernel` and with the reference into planes with odd strides inside sentinel bytes (0xFF,
    /// a value no plane byte takes: Y ≤ 235, chroma ≤ 240), and compares every byte of the two buffers; the
    /// reference's buffer must hold the sentinel everywhere outside the planes. The source (random pixels,
    /// X bytes included) has a stride of 4·width plus 0, 4 or 7 bytes (unaligned rows), and lies once ending
    /// at an inaccessible page and once starting right after one, so that a read outside it crashes the test.
    static func checkAgainstReference(_ kernel: Int32) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE))), pages = 16
        let total = (pages + 2) * page
        guard let memory = mmap(nil, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              memory != MAP_FAILED else {
            Issue.record("mmap failed: errno \(errno)")
            return
        }
        defer { munmap(memory, total) }
        #expect(mprotect(memory, page, PROT_NONE) == 0 && mprotect(memory + (pages + 1) * page, page, PROT_NONE) == 0)
        let middle = memory + page, span = pages * page
        var state: UInt32 = 2024
        for i in 0..<(span / 4) {
            state = state &* 1_664_525 &+ 1_013_904_223
            middle.storeBytes(of: state, toByteOffset: i * 4, as: UInt32.self)
        }
        let widths = Array(0...80) + [95, 96, 97, 127, 128, 129, 255, 256, 257, 1919, 1920, 1921]
        var failures = 0
        for width in widths {
            for height in 0...5 {
                for extra in [0, 4, 7] {
                    let stride = width * 4 + extra
                    let used = height == 0 ? 0 : (height - 1) * stride + width * 4
                    guard used <= span else { continue }
                    for offset in [0, span - used] {
                        let source = UnsafeRawPointer(middle + offset)
                        let reference = Self.planes(source, stride: stride, width: width, height: height, kernel: Int32(SW_KERNEL_PORTABLE))
                        let got = kernel == Int32(SW_KERNEL_PORTABLE) ? reference
                            : Self.planes(source, stride: stride, width: width, height: height, kernel: kernel)
                        let where_ = "\(width)x\(height), stride \(stride), source at \(offset)"
                        if got.bytes != reference.bytes {
                            failures += 1
                            if failures <= 5 {
                                let first = zip(got.bytes, reference.bytes).enumerated().first { $0.element.0 != $0.element.1 }
                                Issue.record("\(where_): byte \(first?.offset ?? -1) of the planes' buffer differs from the reference")
                            }
                        }
                        if kernel == Int32(SW_KERNEL_PORTABLE) {
                            let outside = reference.bytes.indices.filter { !reference.inside($0) && reference.bytes[$0] != 0xFF }
                            let unwritten = reference.bytes.indices.filter { reference.inside($0) && reference.bytes[$0] == 0xFF }
                            if !outside.isEmpty || !unwritten.isEmpty {
                                failures += 1
                                Issue.record("\(where_): \(outside.count) bytes written outside the planes, \(unwritten.count) inside left unwritten")
                            }
                        }
                    }
                }
            }
        }
        #expect(failures == 0)
    }

    /// One buffer holding the Y, U and V planes at odd offsets and strides, filled with 0xFF first; and whether an index
    /// lies inside the planes.
    static func planes(_ source: UnsafeRawPointer, stride: Int, width: Int, height: Int, kernel: Int32)
        -> (bytes: [UInt8], inside: (Int) -> Bool) {
        let (w, h) = ((width + 1) / 2 * 2, (height + 1) / 2 * 2)
        let (yStride, cStride) = (w + 3, w / 2 + 5)
        let yAt = 17, uAt = yAt + h * yStride + 9, vAt = uAt + (h / 2) * cStride + 1
        var bytes = [UInt8](repeating: 0xFF, count: vAt + (h / 2) * cStride + 13)
        bytes.withUnsafeMutableBytes { b in
            let base = b.baseAddress!
            sw_xrgb_to_i420_with(kernel, source, stride, width, height, base + yAt, yStride, base + uAt, cStride, base + vAt, cStride)
        }
        func inside(_ i: Int) -> Bool {
            func within(_ at: Int, _ stride: Int, _ columns: Int, _ rows: Int) -> Bool {
                i >= at && i < at + rows * stride && (i - at) % stride < columns
            }
            return within(yAt, yStride, w, h) || within(uAt, cStride, w / 2, h / 2) || within(vAt, cStride, w / 2, h / 2)
        }
        return (bytes, inside)
    }
}
