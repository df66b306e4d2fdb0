import Compositor
import DemoClientKit
import Scanout
import SeawallTestSupport
import Testing
import WaylandServer

/// End to end: seawall-demo draws the same gradient in every wl_shm format Seawall advertises
/// (`--format`), each composed into the output and compared with its own golden — and with the XRGB8888
/// frame, which every format must reproduce down to its precision (exactly for 8- and 10-bit channels,
/// within the rounding of 5 and 6 bits for RGB565).
@Suite(.serialized)
struct ShmFormatTests {
    /// 129x97: an odd width, so 16- and 24-bit rows (258 and 387 bytes) need padding to a multiple of 4.
    static let window = (x: 32, y: 32, width: 129, height: 97)

    /// The output with seawall-demo's gradient in `format`; with `copied`, under `--shm-policy copy` from an
    /// unsealable memfd (Seawall's own row copy: bytes per pixel, rows padded to 4 bytes).
    static func capture(_ format: ShmFormat, copied: Bool = false) throws -> RGBImage {
        let harness = try Harness(width: 200, height: 160) { if copied { $0.shmPolicy = .copy } }
        let client = try harness.demo(["gradient", "--size", "\(window.width)x\(window.height)", "--format", format.rawValue,
                                       "--frames", "3", "--hold"] + (copied ? ["--memfd", "unsealable"] : []))
        try harness.run { client.stdout.contains("seawall-demo: 3 frames shown") || !client.isRunning }
        #expect(client.isRunning, Comment(rawValue: "seawall-demo --format \(format.rawValue) stopped\n" + client.transcript))
        let shown = try #require(harness.window(appID: "seawall-demo.gradient"))
        #expect(shown.surface.width == Int64(window.width) && shown.surface.height == Int64(window.height))
        return harness.capture()
    }

    /// The largest difference of any channel of any pixel, or nil if the sizes differ.
    static func maxChannelDifference(_ a: RGBImage, _ b: RGBImage) -> Int? {
        guard a.width == b.width, a.height == b.height else { return nil }
        return zip(a.bytes, b.bytes).map { abs(Int($0) - Int($1)) }.max() ?? 0
    }

    @Test("every advertised format shows the same gradient, each matching its golden")
    func everyFormat() throws {
        // The client's list and the compositor's are written separately; they must name the same codes.
        #expect(Set(ShmFormat.allCases.map(\.code)) == Set(PixelFormat.allCases.map(\.shmCode)))
        let reference = try Self.capture(.xrgb8888)
        let background: [UInt8] = [0x20, 0x28, 0x30]
        // The gradient is there at all: inside the window the pixels vary, outside is the background.
        let inside = reference.pixel(x: 32 + 100, y: 32 + 80), corner = reference.pixel(x: 32, y: 32)
        #expect([inside.r, inside.g, inside.b] != [corner.r, corner.g, corner.b])
        #expect([corner.r, corner.g, corner.b] != background)
        let after = reference.pixel(x: 32 + Self.window.width, y: 40)
        #expect([after.r, after.g, after.b] == background, "the window ends at its width")
        expectGolden(reference, "format-xrgb8888")
        for format in ShmFormat.allCases where format != .xrgb8888 {
            let image = try Self.capture(format)
            let difference = Self.maxChannelDifference(image, reference)
            let allowed = format == .rgb565 ? 4 : 0
            #expect(difference.map { $0 <= allowed } == true,
                    "\(format.rawValue): largest channel difference from XRGB8888 is \(difference.map(String.init) ?? "a size mismatch"), allowed \(allowed)")
            if format == .rgb565 { #expect(difference.map { $0 > 0 } == true, "RGB565 loses precision somewhere") }
            expectGolden(image, "format-\(format.rawValue)")
        }
    }

    @Test("under --shm-policy copy, 16- and 24-bit buffers are copied row by row with their own pixel size")
    func copiedFormats() throws {
        let reference = try Self.capture(.xrgb8888)
        for format in [ShmFormat.rgb565, .rgb888, .bgr888, .abgr2101010] {
            let image = try Self.capture(format, copied: true)
            let difference = Self.maxChannelDifference(image, reference)
            let allowed = format == .rgb565 ? 4 : 0
            #expect(difference.map { $0 <= allowed } == true,
                    "\(format.rawValue) copied: largest channel difference from XRGB8888 is \(difference.map(String.init) ?? "a size mismatch")")
        }
    }
}
