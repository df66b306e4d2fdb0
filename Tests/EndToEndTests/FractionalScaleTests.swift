import Compositor
import DemoClientKit
import Scanout
import SeawallTestSupport
import Testing
import WaylandServer

/// End to end at `--scale 1.5`: seawall-demo drawing through wp_fractional_scale_v1 + wp_viewport (drawn
/// 1:1, no resampling) and at buffer scale 2 (downscaled bilinearly to 1.5).
@Suite(.serialized)
struct FractionalScaleTests {
    static let background: [UInt8] = [0x20, 0x28, 0x30]

    static func pixel(_ image: RGBImage, _ x: Int, _ y: Int) -> [UInt8] {
        let p = image.pixel(x: x, y: y)
        return [p.r, p.g, p.b]
    }

    @Test("a fractional-scale client's 150x120 buffer for a 100x80 window is shown pixel for pixel at 1.5")
    func fractionalClientIsDrawnOneToOne() throws {
        let harness = try Harness(width: 480, height: 360) { if let scale = OutputScale(numerator: 180) { $0.outputScale = scale } }
        let client = try harness.demo(["gradient", "--size", "100x80", "--fractional", "--frames", "3", "--hold"])
        try harness.run { client.stdout.contains("seawall-demo: 3 frames shown") || !client.isRunning }
        #expect(client.stdout.contains("seawall-demo: preferred scale 180/120"), Comment(rawValue: client.transcript))

        let window = try #require(harness.window(appID: "seawall-demo.gradient"))
        #expect(window.x == 32 && window.y == 32, "placed in logical coordinates")
        #expect(window.surface.width == 100 && window.surface.height == 80, "the viewport's destination is the logical size")
        let image = harness.capture()
        #expect(image.width == 480 && image.height == 360)
        // Logical (32, 32) is device (48, 48); the 150x120 buffer covers device 48..<198 × 48..<168 exactly.
        #expect(Self.pixel(image, 47, 100) == Self.background && Self.pixel(image, 48, 100) != Self.background)
        #expect(Self.pixel(image, 197, 100) != Self.background && Self.pixel(image, 198, 100) == Self.background)
        #expect(Self.pixel(image, 100, 167) != Self.background && Self.pixel(image, 100, 168) == Self.background)
        // No resampling: every device pixel is one buffer pixel of some frame of the pattern, exactly.
        let matching = (0..<8).first { frame in
            (0..<120).allSatisfy { y in
                (0..<150).allSatisfy { x in
                    let argb = PatternRenderer.pixel(.gradient, frame: frame, x: x, y: y, width: 150, height: 120, color: 0)
                    return Self.pixel(image, 48 + x, 48 + y) == [UInt8(argb >> 16 & 0xFF), UInt8(argb >> 8 & 0xFF), UInt8(argb & 0xFF)]
                }
            }
        }
        #expect(matching != nil, "the window's pixels are the 150x120 buffer's, unresampled")
        expectGolden(image, "scale1.5-fractional-viewport")
    }

    @Test("a buffer-scale-2 client at --scale 1.5 is downscaled to 1.5 device pixels per unit")
    func bufferScaleTwoIsDownscaled() throws {
        let harness = try Harness(width: 480, height: 360) { if let scale = OutputScale(numerator: 180) { $0.outputScale = scale } }
        let client = try harness.demo(["gradient", "--size", "100x80", "--scale", "2", "--frames", "3", "--hold"])
        try harness.run { client.stdout.contains("seawall-demo: 3 frames shown") || !client.isRunning }
        let window = try #require(harness.window(appID: "seawall-demo.gradient"))
        #expect(window.surface.width == 100 && window.surface.height == 80, "a 200x160 buffer at scale 2")
        let image = harness.capture()
        #expect(Self.pixel(image, 47, 100) == Self.background && Self.pixel(image, 48, 100) != Self.background)
        #expect(Self.pixel(image, 197, 100) != Self.background && Self.pixel(image, 198, 100) == Self.background)
        #expect(Self.pixel(image, 100, 167) != Self.background && Self.pixel(image, 100, 168) == Self.background)
        expectGolden(image, "scale1.5-buffer-scale2-downscaled")
    }
}
