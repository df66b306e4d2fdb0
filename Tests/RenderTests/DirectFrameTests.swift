import Compositor
import Render
import Testing

/// Direct frames (`Renderer.directFrame`, `show`): which scenes are one buffer 1:1, and that the image a
/// direct frame leaves behind is, pixel for pixel, the one composing it would have made.
@Suite struct DirectFrameTests {
    let bg: UInt32 = 0xFF20_2830
    let whole = Region(Rect(x: 0, y: 0, width: 16, height: 8))

    /// A 16×8 source with a distinct value in every pixel (alpha byte 0xFF).
    func pattern(_ format: PixelFormat = .xrgb8888, width: Int = 16, height: Int = 8) -> TestSource {
        let s = TestSource(width: width, height: height, format: format, fill: 0)
        for y in 0..<height { for x in 0..<width { s.set(x: x, y: y, 0xFF00_0000 | UInt32(y * 4096 + x * 17 + 5)) } }
        return s
    }

    @Test func anOpaqueBufferCoveringTheOutputIsDirect() {
        let r = Renderer(width: 16, height: 8, background: bg)
        let below = TestSource(width: 4, height: 4, format: .argb8888, fill: 0x8080_0000)
        let top = pattern()
        let frame = r.directFrame([SceneItem(x: 2, y: 2, source: below), SceneItem(x: 0, y: 0, source: top)])
        #expect(frame?.source === top)
    }

    @Test func argbIsDirectOnlyWhenItsOpaqueRegionCoversTheOutput() {
        let r = Renderer(width: 16, height: 8, background: bg)
        let s = pattern(.argb8888)
        #expect(r.directFrame([SceneItem(x: 0, y: 0, source: s)]) == nil)
        #expect(r.directFrame([SceneItem(x: 0, y: 0, source: s, opaqueRegion: Region(Rect(x: 0, y: 0, width: 16, height: 7)))]) == nil)
        var two = Region(Rect(x: 0, y: 0, width: 16, height: 4))
        two.add(Rect(x: 0, y: 4, width: 16, height: 4))
        #expect(r.directFrame([SceneItem(x: 0, y: 0, source: s, opaqueRegion: two)])?.source === s)
    }

    @Test func anythingNotOneToOneIsComposed() {
        let s = pattern()
        let r = Renderer(width: 16, height: 8, background: bg)
        #expect(r.directFrame([]) == nil)
        #expect(r.directFrame([SceneItem(x: 1, y: 0, source: s)]) == nil, "offset")
        #expect(r.directFrame([SceneItem(x: 0, y: 0, source: pattern(width: 17))]) == nil, "wider than the output")
        #expect(r.directFrame([SceneItem(x: 0, y: 0, source: pattern(height: 7))]) == nil, "shorter than the output")
        // Something above it, however small.
        let popup = TestSource(width: 2, height: 2, format: .xrgb8888, fill: 0xFF11_2233)
        #expect(r.directFrame([SceneItem(x: 0, y: 0, source: s), SceneItem(x: 3, y: 3, source: popup)]) == nil)
        // Buffer scale 2 (a 32×16 buffer shown at 16×8) and output scale 2: resampled, not 1:1.
        #expect(r.directFrame([SceneItem(x: 0, y: 0, source: pattern(width: 32, height: 16), bufferScale: 2)]) == nil)
        let scaled = Renderer(width: 16, height: 8, scale: 2, background: bg)
        #expect(scaled.directFrame([SceneItem(x: 0, y: 0, source: pattern(width: 8, height: 4))]) == nil)
        #expect(scaled.directFrame([SceneItem(x: 0, y: 0, source: s, bufferScale: 2)]) == nil)
        // A viewport, even an identity one.
        var viewed = SceneItem(x: 0, y: 0, source: s)
        viewed.viewport = ScaledCrop(crop: Crop(x: 0, y: 0, width: 16 * 256, height: 8 * 256), width: 16, height: 8)
        #expect(r.directFrame([viewed]) == nil)
    }

    /// The image after `show` (copied in when read) equals a composed one, and so does a partial repaint
    /// on top of a direct frame (which needs the direct frame's pixels under what it does not repaint).
    @Test(arguments: [PixelFormat.xrgb8888, .argb8888])
    func aDirectFrameReadsBackAsTheComposedOne(format: PixelFormat) {
        let s = pattern(format)
        let item = SceneItem(x: 0, y: 0, source: s, opaqueRegion: format == .argb8888 ? whole : Region())
        let composed = Renderer(width: 16, height: 8, background: bg)
        composed.render([item], damage: whole)
        let direct = Renderer(width: 16, height: 8, background: bg)
        let frame = direct.directFrame([item])
        #expect(frame != nil)
        if let frame { direct.show(frame) }
        #expect(direct.direct != nil, "showing a direct frame composed it")
        #expect(Self.pixels(direct.image) == Self.pixels(composed.image))
        #expect(direct.direct == nil)

        // Direct again, then a small window on top repainted with its damage alone.
        let again = Renderer(width: 16, height: 8, background: bg)
        if let frame { again.show(frame) }
        let window = TestSource(width: 3, height: 2, format: .xrgb8888, fill: 0xFF44_5566)
        let damage = Region(Rect(x: 5, y: 3, width: 3, height: 2))
        again.render([item, SceneItem(x: 5, y: 3, source: window)], damage: damage)
        composed.render([item, SceneItem(x: 5, y: 3, source: window)], damage: damage)
        #expect(again.direct == nil)
        #expect(Self.pixels(again.image) == Self.pixels(composed.image))
        #expect(again.image.pixel(x: 0, y: 0) == s.words[0] | 0xFF00_0000)
    }

    /// Damage covering the whole output repaints every pixel: the direct frame's pixels are not needed, and
    /// the source is not read for them (it may be unavailable by then without a trace in the image).
    @Test func fullDamageAfterADirectFrameDoesNotReadIt() {
        let s = pattern()
        let r = Renderer(width: 16, height: 8, background: bg)
        if let frame = r.directFrame([SceneItem(x: 0, y: 0, source: s)]) { r.show(frame) }
        s.available = false
        let other = pattern()
        other.set(x: 0, y: 0, 0xFF99_8877)
        r.render([SceneItem(x: 0, y: 0, source: other)], damage: whole)
        #expect(r.image.pixel(x: 0, y: 0) == 0xFF99_8877)
        #expect(r.image.pixel(x: 15, y: 7) == other.words[7 * 16 + 15] | 0xFF00_0000)
    }

    static func pixels(_ image: OutputImage) -> [UInt32] {
        (0..<image.height).flatMap { y in (0..<image.width).map { x in image.pixel(x: x, y: y) } }
    }
}
