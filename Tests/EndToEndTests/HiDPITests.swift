import Compositor
import Scanout
import SeawallTestSupport
import Testing
import WaylandServer

/// End to end at `--scale 2`: seawall-demo drawing at buffer scale 2 (pixel-exact) and at buffer scale 1
/// (upscaled nearest-neighbour), compared with goldens.
@Suite(.serialized)
struct HiDPITests {
    static func shown(_ child: ChildProcess, _ frames: Int) -> Bool {
        child.stdout.contains("seawall-demo: \(frames) frames shown")
    }

    /// Whether every 2×2 block of device pixels inside `rect` (device coordinates, even origin) is one colour.
    static func blocksAreUniform(_ image: RGBImage, _ rect: Rect) -> Bool {
        func pixel(_ x: Int, _ y: Int) -> [UInt8] { Array(image.bytes[(y * image.width + x) * 3..<(y * image.width + x) * 3 + 3]) }
        for y in stride(from: Int(rect.y), to: Int(rect.maxY), by: 2) {
            for x in stride(from: Int(rect.x), to: Int(rect.maxX), by: 2) {
                let p = pixel(x, y)
                if pixel(x + 1, y) != p || pixel(x, y + 1) != p || pixel(x + 1, y + 1) != p { return false }
            }
        }
        return true
    }

    @Test("a buffer-scale-2 client on a scale-2 output is composed pixel for pixel")
    func bufferScaleTwo() throws {
        let harness = try Harness(width: 640, height: 480) { $0.scale = 2 }
        let client = try harness.demo(["gradient", "--size", "160x120", "--scale", "2", "--frames", "3", "--hold"])
        try harness.run { Self.shown(client, 3) }

        let window = try #require(harness.window(appID: "seawall-demo.gradient"))
        #expect(window.x == 32 && window.y == 32, "placed in logical coordinates")
        #expect(window.surface.width == 160 && window.surface.height == 120, "a 320x240 buffer at scale 2 is 160x120 logical")
        #expect(window.surface.bufferScale == 2)
        let image = harness.capture()
        #expect(image.width == 640 && image.height == 480, "the image stays in device pixels")
        // The gradient was drawn at device resolution: neighbouring device pixels differ (no 2x2 blocks).
        #expect(!Self.blocksAreUniform(image, Rect(x: 64, y: 64, width: 320, height: 240)))
        expectGolden(image, "scale2-buffer-scale2-gradient")
    }

    @Test("a client that ignores the scale is upscaled nearest-neighbour on a scale-2 output")
    func bufferScaleOneUpscaled() throws {
        let harness = try Harness(width: 640, height: 480) { $0.scale = 2 }
        let client = try harness.demo(["gradient", "--size", "160x120", "--frames", "3", "--hold"])
        try harness.run { Self.shown(client, 3) }

        let window = try #require(harness.window(appID: "seawall-demo.gradient"))
        #expect(window.surface.width == 160 && window.surface.height == 120)
        let image = harness.capture()
        // Each buffer pixel is a 2x2 block at device (64, 64)…(384, 304), and the frame's edge is sharp.
        #expect(Self.blocksAreUniform(image, Rect(x: 64, y: 64, width: 320, height: 240)))
        let background: [UInt8] = [0x20, 0x28, 0x30]
        func pixel(_ x: Int, _ y: Int) -> [UInt8] { Array(image.bytes[(y * image.width + x) * 3..<(y * image.width + x) * 3 + 3]) }
        #expect(pixel(63, 100) == background && pixel(64, 100) != background)
        #expect(pixel(384, 100) == background && pixel(383, 100) != background)
        expectGolden(image, "scale2-buffer-scale1-upscaled")
    }
}
