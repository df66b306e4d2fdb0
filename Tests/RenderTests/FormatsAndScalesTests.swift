import Compositor
import Render
import Testing

/// Direct frames and the one-pass background blend read the client's memory as the output's own 32-bit
/// ARGB layout, 1:1. Other wl_shm formats and fractional output scales must take the composing path.
@Suite struct FormatsAndScalesTests {
    let bg: UInt32 = 0xFF20_2830

    @Test(arguments: [PixelFormat.xbgr8888, .abgr8888, .rgb565, .xrgb2101010, .argb2101010, .rgb888])
    func otherFormatsCoveringTheOutputAreComposed(format: PixelFormat) {
        let r = Renderer(width: 16, height: 8, background: bg)
        let s = TestSource(width: 16, height: 8, format: format, fill: 0xFF11_2233)
        let opaque = Region(Rect(x: 0, y: 0, width: 16, height: 8))
        #expect(r.directFrame([SceneItem(x: 0, y: 0, source: s, opaqueRegion: opaque)]) == nil)
    }

    @Test func aFractionalOutputScaleIsNeverDirect() throws {
        let scale = try #require(OutputScale(numerator: 180))
        let r = Renderer(width: 24, height: 12, outputScale: scale, background: bg)
        let s = TestSource(width: 24, height: 12, format: .xrgb8888, fill: 0xFF11_2233)
        #expect(r.directFrame([SceneItem(x: 0, y: 0, source: s)]) == nil)
    }

    /// Renders `item` over the bare background, and over an opaque item of the background's colour (so
    /// nothing is blended onto the background directly: fill + pixman OVER). Both must give the same image.
    func expectSameOverBackgroundAndOverOpaque(_ item: SceneItem, renderer: () -> Renderer, _ label: String) {
        let bare = renderer(), layered = renderer()
        let width = bare.image.width, height = bare.image.height
        let whole = Region(Rect(x: 0, y: 0, width: Int64(width), height: Int64(height)))
        bare.render([item], damage: whole)
        let below = TestSource(width: width, height: height, format: .xrgb8888, fill: bg)
        layered.render([SceneItem(x: 0, y: 0, source: below), item], damage: whole)
        var differing = 0
        for y in 0..<height { for x in 0..<width where bare.image.pixel(x: x, y: y) != layered.image.pixel(x: x, y: y) { differing += 1 } }
        #expect(differing == 0, "\(label): \(differing) pixels differ")
    }

    @Test func aTranslucentABGRWindowIsBlendedInItsOwnLayout() {
        let s = TestSource(width: 9, height: 5, format: .abgr8888, fill: 0x8000_0040)   // A 0x80, blue 0, red 0x40
        s.set(x: 3, y: 2, 0x4010_2030)
        expectSameOverBackgroundAndOverOpaque(SceneItem(x: 2, y: 1, source: s),
                                               renderer: { Renderer(width: 16, height: 8, background: bg) }, "abgr8888")
        // And the colour is the one the bytes say: red 0x40 at alpha 0x80 over the background.
        let r = Renderer(width: 16, height: 8, background: bg)
        r.render([SceneItem(x: 2, y: 1, source: s)], damage: Region(Rect(x: 0, y: 0, width: 16, height: 8)))
        #expect(r.image.pixel(x: 2, y: 1) == over(0x8040_0000, onto: bg))
    }

    @Test func aBufferScale2WindowAtScale1Point5IsResampledNotCopied() throws {
        let scale = try #require(OutputScale(numerator: 180))
        let s = TestSource(width: 12, height: 8, format: .argb8888, fill: 0)
        for y in 0..<8 { for x in 0..<12 { s.set(x: x, y: y, UInt32(0x40 + x * 8) << 24 | UInt32(x * 8) << 16 | UInt32(y * 8)) } }
        expectSameOverBackgroundAndOverOpaque(SceneItem(x: 1, y: 1, source: s, bufferScale: 2),
                                               renderer: { Renderer(width: 24, height: 12, outputScale: scale, background: bg) },
                                               "buffer scale 2 at 1.5")
    }

    /// A client can put an item 1.5 billion pixels left of the output and stretch it 2 billion wide with a
    /// viewport (a layer surface's margin, a single-pixel buffer): at 1.5 its device offset is past 32 bits.
    /// The renderer crashed converting it for pixman; a repeated single pixel is drawn, a stretched buffer
    /// is left out (what is below shows).
    @Test func anItemWhoseDeviceOffsetExceeds32BitsDoesNotCrashTheRenderer() throws {
        let scale = try #require(OutputScale(numerator: 180))
        let whole = Region(Rect(x: 0, y: 0, width: 24, height: 12))
        let pixel = TestSource(width: 1, height: 1, format: .xrgb8888, fill: 0xFF11_2233)
        var solid = SceneItem(x: -1_500_000_000, y: 0, source: pixel)
        solid.viewport = ScaledCrop(crop: Crop(x: 0, y: 0, width: 256, height: 256), width: 2_000_000_000, height: 4)
        let r = Renderer(width: 24, height: 12, outputScale: scale, background: bg)
        r.render([solid], damage: whole)
        #expect(r.image.pixel(x: 3, y: 2) == 0xFF11_2233)
        #expect(r.image.pixel(x: 3, y: 9) == bg)

        let picture = TestSource(width: 2, height: 2, format: .xrgb8888, fill: 0xFF44_5566)
        var stretched = SceneItem(x: -1_500_000_000, y: 0, source: picture)
        stretched.viewport = ScaledCrop(crop: Crop(x: 0, y: 0, width: 512, height: 512), width: 2_000_000_000, height: 4)
        let below = TestSource(width: 24, height: 12, format: .xrgb8888, fill: 0xFF77_8899)
        let t = Renderer(width: 24, height: 12, outputScale: scale, background: bg)
        t.render([SceneItem(x: 0, y: 0, source: below), stretched], damage: whole)
        #expect(t.image.pixel(x: 3, y: 2) == 0xFF77_8899)
    }
}
