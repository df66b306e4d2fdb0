import CPixelConvert
import CPixman
import Compositor
import Glibc
import Render
import Testing

/// Translucent items over the background: blended onto the background colour in one pass where nothing else
/// is below them (no fill first), with exactly pixman's OVER results, and fill + OVER everywhere else.
@Suite struct BackgroundBlendTests {
    let bg: UInt32 = 0xFF20_2830

    /// Premultiplied pixels covering every alpha and the corner cases (0, 255, channels at their alpha).
    static func translucent(width: Int, height: Int, seed: UInt32) -> TestSource {
        let s = TestSource(width: width, height: height, format: .argb8888, fill: 0)
        var state = seed
        for y in 0..<height {
            for x in 0..<width {
                state = state &* 1_664_525 &+ 1_013_904_223
                let alpha = (state >> 24) & 0xFF
                func channel(_ shift: UInt32) -> UInt32 { alpha == 0 ? 0 : ((state >> shift) & 0xFF) % (alpha + 1) }
                s.set(x: x, y: y, alpha << 24 | channel(16) << 16 | channel(8) << 8 | channel(0))
            }
        }
        s.set(x: 0, y: 0, 0); s.set(x: 1, y: 0, 0xFF12_3456); s.set(x: 2, y: 0, 0x8080_8080)
        return s
    }

    @Test("one translucent window over the background: pixman's OVER, bit for bit, in every column")
    func overTheBackgroundIsExact() {
        // 37 columns: blocks of four pixels and a tail; placed at an odd column, damage cut in two boxes.
        let r = Renderer(width: 64, height: 20, background: bg)
        let s = Self.translucent(width: 37, height: 9, seed: 7)
        var damage = Region(Rect(x: 0, y: 0, width: 64, height: 8))
        damage.add(Rect(x: 0, y: 8, width: 64, height: 12))
        r.render([SceneItem(x: 3, y: 5, source: s)], damage: damage)
        for y in 0..<20 {
            for x in 0..<64 {
                let inside = (3..<40).contains(x) && (5..<14).contains(y)
                let expected = inside ? over(s.words[(y - 5) * 37 + x - 3], onto: bg) : bg
                #expect(r.image.pixel(x: x, y: y) == expected, "(\(x), \(y))")
            }
        }
    }

    @Test("stacked translucent windows, an opaque one and a partial repaint: every pixel as fill + OVER layer by layer")
    func stackedWindowsMatchTheLayeredResult() {
        let r = Renderer(width: 48, height: 32, background: bg)
        let low = Self.translucent(width: 30, height: 20, seed: 1)
        let opaque = TestSource(width: 6, height: 6, format: .xrgb8888, fill: 0xFF33_4455)
        let high = Self.translucent(width: 21, height: 17, seed: 2)
        // `low` declares a 5×5 opaque square (its pixels there are copied, whatever their alpha).
        let items = [SceneItem(x: 2, y: 3, source: low, opaqueRegion: Region(Rect(x: 0, y: 0, width: 5, height: 5))),
                     SceneItem(x: 20, y: 1, source: opaque),
                     SceneItem(x: 14, y: 10, source: high)]
        r.render(items, damage: Region(Rect(x: 0, y: 0, width: 48, height: 32)))
        // A later frame repaints a band only.
        r.render(items, damage: Region(Rect(x: 0, y: 12, width: 48, height: 5)))
        for y in 0..<32 {
            for x in 0..<48 {
                var expected = bg
                if (2..<32).contains(x) && (3..<23).contains(y) {
                    let p = low.words[(y - 3) * 30 + x - 2]
                    expected = (x < 7 && y < 8) ? (p | 0xFF00_0000) : over(p, onto: expected)
                }
                if (20..<26).contains(x) && (1..<7).contains(y) { expected = 0xFF33_4455 }
                if (14..<35).contains(x) && (10..<27).contains(y) { expected = over(high.words[(y - 10) * 21 + x - 14], onto: expected) }
                #expect(r.image.pixel(x: x, y: y) == expected, "(\(x), \(y))")
            }
        }
    }

    @Test("a large window (the streaming-store path, from an unaligned column): still pixman's OVER everywhere")
    func largeWindowIsExact() {
        let r = Renderer(width: 643, height: 482, background: bg)
        let s = Self.translucent(width: 641, height: 480, seed: 3)
        r.render([SceneItem(x: 1, y: 1, source: s)], damage: Region(Rect(x: 0, y: 0, width: 643, height: 482)))
        var wrong: [(Int, Int)] = []
        for y in 0..<482 {
            for x in 0..<643 {
                let inside = (1..<642).contains(x) && (1..<481).contains(y)
                let expected = inside ? over(s.words[(y - 1) * 641 + x - 1], onto: bg) : bg
                if r.image.pixel(x: x, y: y) != expected { wrong.append((x, y)) }
            }
        }
        #expect(wrong.isEmpty, "\(wrong.count) pixels differ, the first at \(wrong.first.map { "\($0)" } ?? "")")
    }
}

/// The kernels behind the one-pass blend (`sw_over_solid_with`), each on its own: pixman's OVER onto the background
/// for every alpha and channel value, and, at every width and alignment, exactly the rectangle written and nothing
/// read outside the source. The renderer uses the fastest one this CPU runs (the tests above); a kernel the CPU
/// lacks is reported as skipped, not passed.
@Suite struct OverSolidKernelTests {
    static let avx2 = sw_kernel_supports(Int32(SW_KERNEL_AVX2)) == 1
    static let sse2 = sw_kernel_supports(Int32(SW_KERNEL_SSE2)) == 1

    @Test("portable kernel: pixman's OVER for every alpha and channel value") func portableIsExact() { Self.checkValues(SW_KERNEL_PORTABLE) }
    @Test("SSE2 kernel: pixman's OVER for every alpha and channel value", .enabled(if: sse2, "this CPU lacks SSE2"))
    func sse2IsExact() { Self.checkValues(SW_KERNEL_SSE2) }
    @Test("AVX2 kernel: pixman's OVER for every alpha and channel value", .enabled(if: avx2, "this CPU lacks AVX2"))
    func avx2IsExact() { Self.checkValues(SW_KERNEL_AVX2) }

    @Test("portable kernel: every width and alignment writes exactly its rectangle") func portableGeometry() { Self.checkGeometry(SW_KERNEL_PORTABLE) }
    @Test("SSE2 kernel: every width and alignment writes exactly its rectangle", .enabled(if: sse2, "this CPU lacks SSE2"))
    func sse2Geometry() { Self.checkGeometry(SW_KERNEL_SSE2) }
    @Test("AVX2 kernel: every width and alignment writes exactly its rectangle", .enabled(if: avx2, "this CPU lacks AVX2"))
    func avx2Geometry() { Self.checkGeometry(SW_KERNEL_AVX2) }

    @Test("the renderer's kernel is the fastest this CPU runs")
    func bestIsTheFastestSupported() {
        #expect(sw_kernel_best() == Int32(Self.avx2 ? SW_KERNEL_AVX2 : Self.sse2 ? SW_KERNEL_SSE2 : SW_KERNEL_PORTABLE))
    }

    /// 256 × 256 pixels: row = alpha, column = a value each channel takes (red v, green 255 − v, blue 7v mod 256:
    /// all 256 values per channel, in other orders), also above alpha (not premultiplied: saturation).
    static let everyValue: [UInt32] = (0..<65536).map { i in
        let alpha = UInt32(i >> 8), v = UInt32(i & 0xFF)
        return alpha << 24 | v << 16 | (255 - v) << 8 | (v * 7) & 0xFF
    }

    /// Filling an x8r8g8b8 image with `background` and compositing `source` over it, by pixman itself
    /// (`pixman_image_fill_boxes` with PIXMAN_OP_SRC, `pixman_image_composite32` with PIXMAN_OP_OVER).
    static func pixmanOver(_ source: [UInt32], width: Int, height: Int, background: UInt32) -> [UInt32] {
        var source = source
        var target = [UInt32](repeating: 0, count: width * height)
        source.withUnsafeMutableBufferPointer { s in
            target.withUnsafeMutableBufferPointer { t in
                let (w, h, stride) = (Int32(width), Int32(height), Int32(width * 4))
                guard let src = pixman_image_create_bits(PIXMAN_a8r8g8b8, w, h, s.baseAddress, stride),
                      let dst = pixman_image_create_bits(PIXMAN_x8r8g8b8, w, h, t.baseAddress, stride) else { return }
                func channel(_ shift: UInt32) -> UInt16 { UInt16((background >> shift) & 0xFF) * 0x101 }
                var color = pixman_color_t(red: channel(16), green: channel(8), blue: channel(0), alpha: 0xFFFF)
                var box = pixman_box32_t(x1: 0, y1: 0, x2: w, y2: h)
                _ = pixman_image_fill_boxes(PIXMAN_OP_SRC, dst, &color, 1, &box)
                pixman_image_composite32(PIXMAN_OP_OVER, src, nil, dst, 0, 0, 0, 0, 0, 0, w, h)
                pixman_image_unref(src)
                pixman_image_unref(dst)
            }
        }
        return target
    }

    /// `kernel` against pixman over `everyValue`, on backgrounds with distinct channels (and one whose ignored
    /// top byte is not 0xFF), with and without streaming stores; the X byte written is 0xFF.
    static func checkValues(_ kernel: Int) {
        for background: UInt32 in [0x0000_0000, 0x00FF_FFFF, 0xFF20_2830, 0x0012_3456, 0x00FF_0080] {
            let expected = pixmanOver(everyValue, width: 256, height: 256, background: background)
            for stream: Int32 in [0, 1] {
                var got = [UInt32](repeating: 0, count: 65536)
                everyValue.withUnsafeBytes { s in
                    got.withUnsafeMutableBytes { d in
                        sw_over_solid_with(Int32(kernel), stream, s.baseAddress, 1024, d.baseAddress, 1024, 256, 256, background)
                    }
                }
                let wrong = (0..<65536).filter { got[$0] & 0xFF_FFFF != expected[$0] & 0xFF_FFFF || got[$0] >> 24 != 0xFF }
                #expect(wrong.count == 0, "background \(String(background, radix: 16)), stream \(stream): \(wrong.count) pixels differ, the first source \(wrong.first.map { String(everyValue[$0], radix: 16) } ?? "")")
            }
        }
    }

    /// Widths 0…72 (single pixels, a block and a tail, the streaming loop from every alignment), the destination
    /// at every 4-byte offset within a cache line, with and without streaming stores: the rectangle holds OVER
    /// of the source, every pixel around it keeps its sentinel. The source's 3 rows lie against an inaccessible
    /// page, once ending at it and once starting after it, so a read outside them would crash the test.
    static func checkGeometry(_ kernel: Int) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard let memory = mmap(nil, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              memory != MAP_FAILED else {
            Issue.record("mmap failed: errno \(errno)")
            return
        }
        defer { munmap(memory, 3 * page) }
        #expect(mprotect(memory, page, PROT_NONE) == 0 && mprotect(memory + 2 * page, page, PROT_NONE) == 0)
        let middle = memory + page
        var state: UInt32 = 12345
        for i in 0..<(page / 4) {
            state = state &* 1_664_525 &+ 1_013_904_223
            middle.storeBytes(of: state, toByteOffset: i * 4, as: UInt32.self)
        }
        let (height, sourceStride, targetStride, sentinel, background) = (3, 80 * 4, 112 * 4, UInt32(0xDEAD_BEEF), UInt32(0x20_2830))
        var failures = 0
        for width in 0...72 {
            let span = (height - 1) * sourceStride + width * 4
            for sourceOffset in [0, page - span] {
                let source = UnsafeRawPointer(middle + sourceOffset)
                for offset in 0..<16 {
                    for stream: Int32 in [0, 1] {
                        // 64-byte aligned storage; the rectangle starts `offset` pixels into its second line.
                        let target = UnsafeMutableRawPointer.allocate(byteCount: (height + 2) * targetStride, alignment: 64)
                        defer { target.deallocate() }
                        target.initializeMemory(as: UInt32.self, repeating: sentinel, count: (height + 2) * targetStride / 4)
                        let left = 16 + offset
                        sw_over_solid_with(Int32(kernel), stream, source, sourceStride, target + targetStride + left * 4,
                                           targetStride, width, height, background)
                        for y in 0..<(height + 2) {
                            for x in 0..<(targetStride / 4) {
                                let got = target.load(fromByteOffset: y * targetStride + x * 4, as: UInt32.self)
                                var expected = sentinel
                                if (1...height).contains(y) && (left..<(left + width)).contains(x) {
                                    let s = source.load(fromByteOffset: (y - 1) * sourceStride + (x - left) * 4, as: UInt32.self)
                                    expected = over(s, onto: background)
                                }
                                if got != expected {
                                    failures += 1
                                    if failures <= 5 {
                                        Issue.record("width \(width), offset \(offset), stream \(stream), source at \(sourceOffset): (\(x), \(y)) is \(String(got, radix: 16)), not \(String(expected, radix: 16))")
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        #expect(failures == 0)
    }
}
