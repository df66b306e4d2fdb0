import Compositor
import Render
import Testing

@Suite struct RendererTests {
    let bg: UInt32 = 0xFF20_2830

    @Test func backgroundFillsWholeOutput() {
        let r = Renderer(width: 7, height: 5, background: 0x1234_5678)
        r.render([], damage: Region(rect(0, 0, 7, 5)))
        for y in 0..<5 { for x in 0..<7 { #expect(r.image.pixel(x: x, y: y) == 0xFF34_5678) } }
        #expect(r.image.stride % 64 == 0 && r.image.stride >= 28)
    }

    @Test func xrgbCopiedAtOffsetIgnoringAlphaByte() {
        let r = Renderer(width: 20, height: 10, background: bg)
        let s = TestSource(width: 4, height: 3, format: .xrgb8888, fill: 0x00AB_CDEF)   // alpha byte 0
        s.set(x: 1, y: 1, 0x7711_2233)
        r.render([SceneItem(x: 5, y: 2, source: s)], damage: Region(rect(0, 0, 20, 10)))
        #expect(r.image.pixel(x: 5, y: 2) == 0xFFAB_CDEF)
        #expect(r.image.pixel(x: 8, y: 4) == 0xFFAB_CDEF)
        #expect(r.image.pixel(x: 6, y: 3) == 0xFF11_2233)
        #expect(r.image.pixel(x: 4, y: 2) == bg)
        #expect(r.image.pixel(x: 9, y: 2) == bg)
        #expect(r.image.pixel(x: 5, y: 5) == bg)
    }

    @Test func argbOverBlendIsPixmanExact() {
        let r = Renderer(width: 4, height: 4, background: bg)
        let red: UInt32 = 0x8080_0000   // 50% red, premultiplied
        let s = TestSource(width: 2, height: 2, format: .argb8888, fill: red)
        s.set(x: 1, y: 0, 0x4010_2030)
        s.set(x: 0, y: 1, 0x0000_0000)  // fully transparent
        r.render([SceneItem(x: 1, y: 1, source: s)], damage: Region(rect(0, 0, 4, 4)))
        let expected = over(red, onto: bg)
        #expect(expected == 0xFF90_1418)          // 0x80 + 0x20·127/255, 0x28·127/255, 0x30·127/255
        #expect(r.image.pixel(x: 1, y: 1) == expected)
        #expect(r.image.pixel(x: 2, y: 1) == over(0x4010_2030, onto: bg))
        #expect(r.image.pixel(x: 1, y: 2) == bg)
    }

    @Test func stackingOrderIsArrayOrder() {
        let r = Renderer(width: 10, height: 10, background: bg)
        let bottom = TestSource(width: 6, height: 6, format: .xrgb8888, fill: 0x00FF_0000)
        let top = TestSource(width: 6, height: 6, format: .xrgb8888, fill: 0x0000_FF00)
        let glass = TestSource(width: 10, height: 1, format: .argb8888, fill: 0x8000_0080)
        r.render([SceneItem(x: 0, y: 0, source: bottom), SceneItem(x: 3, y: 3, source: top),
                  SceneItem(x: 0, y: 4, source: glass)], damage: Region(rect(0, 0, 10, 10)))
        #expect(r.image.pixel(x: 1, y: 1) == 0xFFFF_0000)
        #expect(r.image.pixel(x: 4, y: 3) == 0xFF00_FF00)
        #expect(r.image.pixel(x: 8, y: 8) == 0xFF00_FF00)
        #expect(r.image.pixel(x: 1, y: 4) == over(0x8000_0080, onto: 0xFFFF_0000))
        #expect(r.image.pixel(x: 5, y: 4) == over(0x8000_0080, onto: 0xFF00_FF00))
        #expect(r.image.pixel(x: 9, y: 4) == over(0x8000_0080, onto: bg))   // right of both
        #expect(r.image.pixel(x: 9, y: 1) == bg)
        // Reversed order: the red one now covers the overlap.
        r.render([SceneItem(x: 3, y: 3, source: top), SceneItem(x: 0, y: 0, source: bottom)],
                 damage: Region(rect(0, 0, 10, 10)))
        #expect(r.image.pixel(x: 4, y: 4) == 0xFFFF_0000)
        #expect(r.image.pixel(x: 8, y: 8) == 0xFF00_FF00)
    }

    @Test func damageLimitsRepaint() {
        let r = Renderer(width: 10, height: 10, background: bg)
        let s = TestSource(width: 10, height: 10, format: .xrgb8888, fill: 0x0011_1111)
        let items = [SceneItem(x: 0, y: 0, source: s)]
        r.render(items, damage: Region(rect(0, 0, 10, 10)))
        s.words = [UInt32](repeating: 0x0099_9999, count: 100)
        r.render(items, damage: Region(rects: [rect(2, 2, 3, 3), rect(8, 0, 5, 1)]))   // second one clipped
        #expect(r.image.pixel(x: 2, y: 2) == 0xFF99_9999)
        #expect(r.image.pixel(x: 4, y: 4) == 0xFF99_9999)
        #expect(r.image.pixel(x: 9, y: 0) == 0xFF99_9999)
        #expect(r.image.pixel(x: 5, y: 5) == 0xFF11_1111)
        #expect(r.image.pixel(x: 1, y: 2) == 0xFF11_1111)
        #expect(r.image.pixel(x: 9, y: 1) == 0xFF11_1111)
        // Empty damage touches nothing; a moved-away item leaves background only where damaged.
        r.render([], damage: Region())
        #expect(r.image.pixel(x: 4, y: 4) == 0xFF99_9999)
        r.render([], damage: Region(rect(0, 0, 1, 1)))
        #expect(r.image.pixel(x: 0, y: 0) == bg)
        #expect(r.image.pixel(x: 1, y: 0) == 0xFF11_1111)
    }

    @Test func negativeAndOffscreenPositionsAreClipped() {
        let r = Renderer(width: 8, height: 8, background: bg)
        let s = TestSource(width: 4, height: 4, format: .xrgb8888, fill: 0)
        for y in 0..<4 { for x in 0..<4 { s.set(x: x, y: y, UInt32(y * 16 + x)) } }
        let far = TestSource(width: 4, height: 4, format: .argb8888, fill: 0xFFFF_FFFF)
        r.render([SceneItem(x: -2, y: -3, source: s), SceneItem(x: 6, y: 7, source: s),
                  SceneItem(x: 1 << 40, y: -(1 << 40), source: far), SceneItem(x: -100, y: 2, source: far)],
                 damage: Region(rect(-50, -50, 200, 200)))
        #expect(r.image.pixel(x: 0, y: 0) == 0xFF00_0000 | (3 * 16 + 2))
        #expect(r.image.pixel(x: 1, y: 0) == 0xFF00_0000 | (3 * 16 + 3))
        #expect(r.image.pixel(x: 2, y: 0) == bg)
        #expect(r.image.pixel(x: 0, y: 1) == bg)
        #expect(r.image.pixel(x: 6, y: 7) == 0xFF00_0000)
        #expect(r.image.pixel(x: 7, y: 7) == 0xFF00_0001)
        #expect(r.image.pixel(x: 0, y: 3) == bg)
    }

    @Test func unavailableSourceIsLeftOutAndBelowShows() {
        let r = Renderer(width: 6, height: 6, background: bg)
        let below = TestSource(width: 6, height: 6, format: .xrgb8888, fill: 0x0000_00FF)
        let gone = TestSource(width: 6, height: 6, format: .xrgb8888, fill: 0x00FF_FFFF)
        gone.available = false
        r.render([SceneItem(x: 0, y: 0, source: below), SceneItem(x: 2, y: 2, source: gone)],
                 damage: Region(rect(0, 0, 6, 6)))
        #expect(r.image.pixel(x: 3, y: 3) == 0xFF00_00FF)
    }

    @Test func declaredOpaqueRegionOccludesBelow() {
        let r = Renderer(width: 6, height: 6, background: bg)
        let below = TestSource(width: 6, height: 6, format: .xrgb8888, fill: 0x0000_00FF)
        let top = TestSource(width: 4, height: 4, format: .argb8888, fill: 0xFF00_FF00)
        top.set(x: 3, y: 3, 0x8000_8000)
        r.render([SceneItem(x: 0, y: 0, source: below),
                  SceneItem(x: 1, y: 1, source: top, opaqueRegion: Region(rect(0, 0, 3, 3)))],
                 damage: Region(rect(0, 0, 6, 6)))
        #expect(r.image.pixel(x: 1, y: 1) == 0xFF00_FF00)
        #expect(r.image.pixel(x: 4, y: 4) == over(0x8000_8000, onto: 0xFF00_00FF))
        #expect(r.image.pixel(x: 0, y: 0) == 0xFF00_00FF)
    }
}
