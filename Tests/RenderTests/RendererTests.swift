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

/// HiDPI composition: logical items drawn × the output scale, pixel-exact when the buffer scale matches,
/// nearest-neighbour otherwise; damage converted to device pixels and kept inside the image.
@Suite struct HiDPIRenderTests {
    let bg: UInt32 = 0xFF20_2830

    /// A source whose every pixel is distinct: 0x00XXYYZZ with x in the green byte and y in the blue.
    func numbered(_ width: Int, _ height: Int) -> TestSource {
        let s = TestSource(width: width, height: height, format: .xrgb8888, fill: 0)
        for y in 0..<height { for x in 0..<width { s.set(x: x, y: y, 0x0040_0000 | UInt32(x) << 8 | UInt32(y)) } }
        return s
    }

    @Test func matchingBufferScaleIsPixelExact() {
        let r = Renderer(width: 20, height: 16, scale: 2, background: bg)
        let s = numbered(8, 6)   // 4x3 logical at buffer scale 2
        r.render([SceneItem(x: 3, y: 2, source: s, bufferScale: 2)], damage: Region(Rect(x: 0, y: 0, width: 10, height: 8)))
        for y in 0..<16 {
            for x in 0..<20 {
                let inside = x >= 6 && x < 14 && y >= 4 && y < 10
                let expected = inside ? 0xFF40_0000 | UInt32(x - 6) << 8 | UInt32(y - 4) : bg
                #expect(r.image.pixel(x: x, y: y) == expected, "device pixel (\(x), \(y))")
            }
        }
    }

    @Test func scaleOneBufferIsUpscaledNearestNeighbour() {
        let r = Renderer(width: 20, height: 16, scale: 2, background: bg)
        let s = numbered(4, 3)
        r.render([SceneItem(x: 3, y: 2, source: s)], damage: Region(Rect(x: 0, y: 0, width: 10, height: 8)))
        for y in 0..<16 {
            for x in 0..<20 {
                let inside = x >= 6 && x < 14 && y >= 4 && y < 10
                let expected = inside ? 0xFF40_0000 | UInt32((x - 6) / 2) << 8 | UInt32((y - 4) / 2) : bg
                #expect(r.image.pixel(x: x, y: y) == expected, "device pixel (\(x), \(y))")
            }
        }
    }

    @Test func scaleThreeUpscaleIsExactToo() {
        let r = Renderer(width: 12, height: 6, scale: 3, background: bg)
        let s = numbered(4, 2)
        r.render([SceneItem(x: 0, y: 0, source: s)], damage: Region(Rect(x: 0, y: 0, width: 4, height: 2)))
        for y in 0..<6 { for x in 0..<12 {
            #expect(r.image.pixel(x: x, y: y) == 0xFF40_0000 | UInt32(x / 3) << 8 | UInt32(y / 3), "(\(x), \(y))")
        } }
        // Buffer scale 2 on a scale-3 output: 3 device pixels per 2 buffer pixels, nearest sample.
        let r2 = Renderer(width: 6, height: 3, scale: 3, background: bg)
        let s2 = numbered(4, 2)   // 2x1 logical
        r2.render([SceneItem(x: 0, y: 0, source: s2, bufferScale: 2)], damage: Region(Rect(x: 0, y: 0, width: 2, height: 1)))
        let columns = (0..<6).map { (r2.image.pixel(x: $0, y: 0) >> 8) & 0xFF }
        // pixman's nearest sample: the pixel containing (x + 0.5) × 2 / 3 − ε (a centre landing exactly on a
        // pixel edge takes the pixel before it): 0.33, 1.0, 1.67, 2.33, 3.0, 3.67.
        #expect(columns == [0, 0, 1, 2, 2, 3])
    }

    @Test func higherBufferScaleIsDownscaled() {
        let r = Renderer(width: 10, height: 10, scale: 1, background: bg)
        let s = numbered(8, 4)   // 4x2 logical at buffer scale 2
        r.render([SceneItem(x: 1, y: 1, source: s, bufferScale: 2)], damage: Region(Rect(x: 0, y: 0, width: 10, height: 10)))
        #expect(r.image.pixel(x: 0, y: 0) == bg)
        #expect(r.image.pixel(x: 5, y: 1) == bg)
        #expect(r.image.pixel(x: 1, y: 3) == bg)
        for y in 0..<2 { for x in 0..<4 {
            let value = r.image.pixel(x: 1 + x, y: 1 + y)
            #expect((value >> 8) & 0xFF == UInt32(2 * x) || (value >> 8) & 0xFF == UInt32(2 * x + 1))
            #expect(value & 0xFF == UInt32(2 * y) || value & 0xFF == UInt32(2 * y + 1))
        } }
    }

    @Test func logicalDamageRepaintsOnlyItsDevicePixels() {
        let r = Renderer(width: 20, height: 16, scale: 2, background: bg)
        let s = TestSource(width: 10, height: 8, format: .xrgb8888, fill: 0x0011_2233)
        r.render([SceneItem(x: 0, y: 0, source: s)], damage: Region(Rect(x: 0, y: 0, width: 10, height: 8)))
        s.words = s.words.map { _ in 0x0044_5566 }
        r.render([SceneItem(x: 0, y: 0, source: s)], damage: Region(Rect(x: 2, y: 1, width: 1, height: 1)))
        for y in 0..<16 { for x in 0..<20 {
            let inside = x >= 4 && x < 6 && y >= 2 && y < 4
            #expect(r.image.pixel(x: x, y: y) == (inside ? 0xFF44_5566 : 0xFF11_2233), "(\(x), \(y))")
        } }
        #expect(r.deviceDamage(Region(Rect(x: 2, y: 1, width: 1, height: 1))) == Region(Rect(x: 4, y: 2, width: 2, height: 2)))
        // Damage past the output, even at the edge of 64 bits, is clipped to the image.
        let far = Region(Rect(x: -5, y: 7, width: Int64.max / 2, height: 100))
        #expect(r.deviceDamage(far) == Region(Rect(x: 0, y: 14, width: 20, height: 2)))
        r.render([SceneItem(x: 0, y: 0, source: s)], damage: far)
    }

    @Test func opaqueRegionIsScaledWithTheItem() {
        let r = Renderer(width: 8, height: 4, scale: 2, background: bg)
        let glass = TestSource(width: 4, height: 2, format: .argb8888, fill: 0x8080_0000)
        // Declared opaque on its left logical column: copied with SRC there (alpha byte dropped), blended elsewhere.
        r.render([SceneItem(x: 0, y: 0, source: glass, opaqueRegion: Region(Rect(x: 0, y: 0, width: 1, height: 2)))],
                 damage: Region(Rect(x: 0, y: 0, width: 4, height: 2)))
        #expect(r.image.pixel(x: 1, y: 3) == 0xFF80_0000)
        #expect(r.image.pixel(x: 2, y: 0) == over(0x8080_0000, onto: bg))
        #expect(r.image.pixel(x: 7, y: 3) == over(0x8080_0000, onto: bg))
    }
}

/// Rendering at a fractional output scale (1.5): edges rounded half away from zero and shared between
/// neighbours, a matching fractional buffer drawn pixel for pixel through a viewport, and the damage.
@Suite struct FractionalRenderTests {
    let bg: UInt32 = 0xFF20_2830
    let scale = OutputScale(numerator: 180) ?? .one

    func solid(_ width: Int, _ height: Int, _ color: UInt32) -> TestSource {
        TestSource(width: width, height: height, format: .xrgb8888, fill: color)
    }

    @Test func neighboursAtAnOddLogicalEdgeShareADeviceEdge() {
        let r = Renderer(width: 102, height: 6, outputScale: scale, background: bg)
        #expect(r.logicalRect.width == 68 && r.logicalRect.height == 4)
        // Logical 0..<33 and 33..<66 at buffer scale 2 (66x8 buffers): device 0..<50 and 50..<99.
        let left = SceneItem(x: 0, y: 0, source: solid(66, 8, 0x00FF_0000), bufferScale: 2)
        let right = SceneItem(x: 33, y: 0, source: solid(66, 8, 0x0000_00FF), bufferScale: 2)
        r.render([left, right], damage: Region(Rect(x: 0, y: 0, width: 68, height: 4)))
        for y in 0..<6 {
            for x in 0..<102 {
                let expected: UInt32 = x < 50 ? 0xFFFF_0000 : x < 99 ? 0xFF00_00FF : bg
                #expect(r.image.pixel(x: x, y: y) == expected, "device pixel (\(x), \(y))")
            }
        }
    }

    @Test func aViewportOfTheDeviceSizeIsDrawnWithoutResampling() {
        let r = Renderer(width: 30, height: 30, outputScale: scale, background: bg)
        // 9x6 distinct pixels shown at logical 6x4 from logical (2, 2): device (3, 3)..<(12, 9), 1:1.
        let s = TestSource(width: 9, height: 6, format: .xrgb8888, fill: 0)
        for y in 0..<6 { for x in 0..<9 { s.set(x: x, y: y, 0x0040_0000 | UInt32(x) << 8 | UInt32(y)) } }
        var item = SceneItem(x: 2, y: 2, source: s)
        item.viewport = ScaledCrop(crop: Crop(x: 0, y: 0, width: 9 * 256, height: 6 * 256), width: 6, height: 4)
        r.render([item], damage: Region(Rect(x: 0, y: 0, width: 20, height: 20)))
        for y in 0..<30 {
            for x in 0..<30 {
                let inside = x >= 3 && x < 12 && y >= 3 && y < 9
                let expected = inside ? 0xFF40_0000 | UInt32(x - 3) << 8 | UInt32(y - 3) : bg
                #expect(r.image.pixel(x: x, y: y) == expected, "device pixel (\(x), \(y))")
            }
        }
    }

    @Test func damageCoversTheRoundedDeviceEdges() {
        let r = Renderer(width: 30, height: 30, outputScale: scale, background: bg)
        #expect(r.deviceDamage(Region(Rect(x: 1, y: 1, width: 1, height: 1))).rects == [Rect(x: 2, y: 2, width: 1, height: 1)])
        #expect(r.deviceDamage(Region(Rect(x: 1, y: 1, width: 2, height: 2))).rects == [Rect(x: 2, y: 2, width: 3, height: 3)])
    }
}
