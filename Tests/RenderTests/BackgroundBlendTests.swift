import Compositor
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
