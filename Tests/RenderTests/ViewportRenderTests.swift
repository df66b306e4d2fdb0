import Compositor
import Render
import Testing

/// wp_viewport in the renderer: 1:1 crops are pixel-exact offsets, stretched crops are bilinear with
/// padded edges, a 1×1 source fills its destination.
struct ViewportRenderTests {
    let bg: UInt32 = 0xFF10_2030

    func numbered(_ width: Int, _ height: Int) -> TestSource {
        let s = TestSource(width: width, height: height, format: .xrgb8888, fill: 0)
        for y in 0..<height { for x in 0..<width { s.set(x: x, y: y, 0x0040_0000 | UInt32(x) << 8 | UInt32(y)) } }
        return s
    }

    func item(_ x: Int64, _ y: Int64, _ source: TestSource, crop: Crop, _ w: Int64, _ h: Int64, bufferScale: Int64 = 1) -> SceneItem {
        var item = SceneItem(x: x, y: y, source: source, bufferScale: bufferScale)
        item.viewport = ScaledCrop(crop: crop, width: w, height: h)
        return item
    }

    func crop(_ x: Int64, _ y: Int64, _ w: Int64, _ h: Int64) -> Crop { Crop(x: x * 256, y: y * 256, width: w * 256, height: h * 256) }

    @Test func oneToOneCropIsPixelExact() {
        let r = Renderer(width: 12, height: 10, background: bg)
        r.render([item(3, 2, numbered(8, 6), crop: crop(2, 1, 4, 3), 4, 3)], damage: Region(Rect(x: 0, y: 0, width: 12, height: 10)))
        for y in 0..<10 {
            for x in 0..<12 {
                let inside = x >= 3 && x < 7 && y >= 2 && y < 5
                let expected = inside ? 0xFF40_0000 | UInt32(x - 3 + 2) << 8 | UInt32(y - 2 + 1) : bg
                #expect(r.image.pixel(x: x, y: y) == expected, "pixel (\(x), \(y))")
            }
        }
    }

    @Test func cropAtOutputScaleTwoFromABufferAtScaleTwoIsExact() {
        let r = Renderer(width: 8, height: 8, scale: 2, background: bg)
        // 2x2 logical from buffer pixels (2, 2)–(6, 6): 4x4 device pixels, 1:1.
        r.render([item(1, 1, numbered(8, 8), crop: crop(2, 2, 4, 4), 2, 2, bufferScale: 2)], damage: Region(Rect(x: 0, y: 0, width: 4, height: 4)))
        for y in 2..<6 { for x in 2..<6 {
            #expect(r.image.pixel(x: x, y: y) == 0xFF40_0000 | UInt32(x) << 8 | UInt32(y))
        } }
        #expect(r.image.pixel(x: 1, y: 1) == bg)
    }

    @Test func upscaleIsBilinearWithPaddedEdges() {
        let s = TestSource(width: 2, height: 1, format: .xrgb8888, fill: 0)
        s.set(x: 0, y: 0, 0x0000_0000); s.set(x: 1, y: 0, 0x0080_0000)
        let r = Renderer(width: 4, height: 1, background: bg)
        r.render([item(0, 0, s, crop: crop(0, 0, 2, 1), 4, 1)], damage: Region(Rect(x: 0, y: 0, width: 4, height: 1)))
        let reds = (0..<4).map { Int((r.image.pixel(x: $0, y: 0) >> 16) & 0xFF) }
        for (got, want) in zip(reds, [0x00, 0x20, 0x60, 0x80]) { #expect(abs(got - want) <= 1, "reds \(reds)") }
    }

    @Test func fractionalCropOfAUniformAreaStaysUniform() {
        let s = TestSource(width: 10, height: 10, format: .xrgb8888, fill: 0x0011_2233)
        let r = Renderer(width: 10, height: 10, background: bg)
        let fractional = Crop(x: 128, y: 64, width: 5 * 256 + 77, height: 3 * 256)
        r.render([item(1, 1, s, crop: fractional, 7, 5)], damage: Region(Rect(x: 0, y: 0, width: 10, height: 10)))
        for y in 0..<10 { for x in 0..<10 {
            let inside = x >= 1 && x < 8 && y >= 1 && y < 6
            #expect(r.image.pixel(x: x, y: y) == (inside ? 0xFF11_2233 : bg), "pixel (\(x), \(y))")
        } }
    }

    @Test func downscaleTakesTheCropOnly() {
        // Left half red, right half blue; the crop is the right half shrunk 4x: all blue.
        let s = TestSource(width: 16, height: 8, format: .xrgb8888, fill: 0x00FF_0000)
        for y in 0..<8 { for x in 8..<16 { s.set(x: x, y: y, 0x0000_00FF) } }
        let r = Renderer(width: 4, height: 4, background: bg)
        r.render([item(0, 0, s, crop: crop(8, 0, 8, 8), 2, 2)], damage: Region(Rect(x: 0, y: 0, width: 4, height: 4)))
        for y in 0..<2 { for x in 0..<2 { #expect(r.image.pixel(x: x, y: y) == 0xFF00_00FF) } }
        #expect(r.image.pixel(x: 2, y: 0) == bg)
    }

    @Test func onePixelSourceFillsItsDestination() {
        let s = TestSource(width: 1, height: 1, format: .argb8888, fill: 0x8040_0000)   // premultiplied half red
        let r = Renderer(width: 40, height: 30, background: 0xFF00_0000)
        r.render([item(5, 4, s, crop: crop(0, 0, 1, 1), 30, 20)], damage: Region(Rect(x: 0, y: 0, width: 40, height: 30)))
        for y in 0..<30 { for x in 0..<40 {
            let inside = x >= 5 && x < 35 && y >= 4 && y < 24
            #expect(r.image.pixel(x: x, y: y) == (inside ? over(0x8040_0000, onto: 0xFF00_0000) : 0xFF00_0000), "pixel (\(x), \(y))")
        } }
    }

    @Test func anUndrawableViewportIsLeftOut() {
        let r = Renderer(width: 4, height: 4, background: bg)
        r.render([item(0, 0, numbered(4, 4), crop: crop(0, 0, 4, 4), 0, 3)], damage: Region(Rect(x: 0, y: 0, width: 4, height: 4)))
        #expect(r.image.pixel(x: 0, y: 0) == bg)
    }
}
