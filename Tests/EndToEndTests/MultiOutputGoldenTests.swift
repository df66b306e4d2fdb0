import Compositor
import Control
import DemoClientKit
import Glibc
import Scanout
import SeawallTestSupport
import Testing
import WaylandServer

/// A window straddling two outputs, end to end: a real seawall-demo client, each output's frame file
/// (last.ppm of its own FileScanout, as `--output-dir` and `--output-dir/SEAWALL-2` get them) and the layout
/// screenshot `seawall ctl screenshot` takes without `--output`, compared with goldens, and the pixels on both
/// sides of the outputs' boundary checked against the demo's pattern (so the test means something even if the
/// goldens were re-recorded).
@Suite(.serialized)
struct MultiOutputGoldenTests {
    /// The demo window: a 200x150 gradient, holding its third frame (pattern frame 2).
    static let windowWidth = 200, windowHeight = 150, heldFrame = 2

    /// What the demo's gradient, holding its third frame, draws at window pixel (x, y) of a window of `width`
    /// by `height` (this suite's 200x150 by default), as (r, g, b).
    static func pattern(_ x: Int, _ y: Int, width: Int = windowWidth, height: Int = windowHeight) -> (r: UInt8, g: UInt8, b: UInt8) {
        let value = PatternRenderer.pixel(.gradient, frame: heldFrame, x: x, y: y, width: width, height: height, color: 0)
        return (UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF))
    }

    static let background: (r: UInt8, g: UInt8, b: UInt8) = (0x20, 0x28, 0x30)

    static func same(_ a: (r: UInt8, g: UInt8, b: UInt8), _ b: (r: UInt8, g: UInt8, b: UInt8)) -> Bool {
        a.r == b.r && a.g == b.g && a.b == b.b
    }

    /// Runs the demo on `outputs`, places its window at (x, y) in the layout, and returns each output's frame
    /// file (last.ppm, written by `Server.finish`) and the layout screenshot.
    func straddle(_ outputs: [OutputSpec], x: Int64, y: Int64) throws -> (frames: [RGBImage], layout: RGBImage, outputsOfWindow: [String]) {
        let directory = try TestFiles.makeRuntimeDirectory(prefix: "seawall-outputs-golden")
        defer { try? TestFiles.remove(directory) }
        let first = try FileScanout(outputDirectory: directory, dumpEvery: 0)
        let others = try outputs.indices.dropFirst().map { index in
            try FileScanout(outputDirectory: directory + "/" + OutputArea.name(ofIndex: index), dumpEvery: 0) as ScanoutTarget
        }
        let harness = try Harness(scanout: first, otherScanouts: others) { $0.outputs = outputs }
        let client = try harness.demo(["gradient", "--size", "\(Self.windowWidth)x\(Self.windowHeight)", "--frames", "3", "--hold"])
        try harness.run { client.stdout.contains("seawall-demo: 3 frames shown") }
        let window = try #require(harness.window(appID: "seawall-demo.gradient"))
        harness.server.placeWindow(window.surface, x: x, y: y)
        harness.repaint()
        let layout = try Screenshot.layout(of: harness.server)
        let placed = try #require(harness.window(appID: "seawall-demo.gradient"))
        let names = harness.server.compositor.outputs(ofWindow: placed.window).map(\.name)
        let written = try harness.server.finish()
        var frames: [RGBImage] = []
        for index in outputs.indices {
            let path = index == 0 ? directory + "/last.ppm" : directory + "/\(OutputArea.name(ofIndex: index))/last.ppm"
            #expect(written.contains(path), "\(path) was not written: \(written)")
            frames.append(try RGBImage(contentsOfPPM: path))
        }
        return (frames, layout, names)
    }

    @Test("two scale-1 outputs side by side, a window half on each: each output's frame file and the layout screenshot")
    func sideBySide() throws {
        // SEAWALL-1 at 0,0 and SEAWALL-2 right of it at 640,0; the window from x 540 to 740, y 100 to 250.
        let shot = try straddle([OutputSpec(width: 640, height: 480), OutputSpec(width: 640, height: 480)], x: 540, y: 100)
        #expect(shot.outputsOfWindow == ["SEAWALL-1", "SEAWALL-2"])
        let left = shot.frames[0], right = shot.frames[1]
        #expect(left.width == 640 && left.height == 480 && right.width == 640 && right.height == 480)
        // Either side of the boundary: the window's last column on SEAWALL-1 and the next on SEAWALL-2.
        for row in [0, 75, 149] {
            #expect(Self.same(left.pixel(x: 639, y: 100 + row), Self.pattern(99, row)), "SEAWALL-1 at 639,\(100 + row)")
            #expect(Self.same(right.pixel(x: 0, y: 100 + row), Self.pattern(100, row)), "SEAWALL-2 at 0,\(100 + row)")
            #expect(Self.same(left.pixel(x: 540, y: 100 + row), Self.pattern(0, row)), "the window's left edge on SEAWALL-1")
            #expect(Self.same(right.pixel(x: 99, y: 100 + row), Self.pattern(199, row)), "the window's right edge on SEAWALL-2")
            #expect(Self.same(left.pixel(x: 539, y: 100 + row), Self.background) && Self.same(right.pixel(x: 100, y: 100 + row), Self.background))
        }
        #expect(Self.same(left.pixel(x: 600, y: 99), Self.background) && Self.same(right.pixel(x: 50, y: 250), Self.background))
        // The layout is the two frames side by side.
        #expect(shot.layout.width == 1280 && shot.layout.height == 480)
        #expect(try Screenshot.crop(shot.layout, to: Rect(x: 0, y: 0, width: 640, height: 480)) == left)
        #expect(try Screenshot.crop(shot.layout, to: Rect(x: 640, y: 0, width: 640, height: 480)) == right)
        expectGolden(left, "outputs-side-by-side-SEAWALL-1")
        expectGolden(right, "outputs-side-by-side-SEAWALL-2")
        expectGolden(shot.layout, "outputs-side-by-side-layout")
    }

    @Test("a scale-1 and a scale-2 output: the part of the window on the scale-2 output is drawn at 2x, in the frame files and the layout")
    func mixedScales() throws {
        // SEAWALL-2 is 640x480 pixels at scale 2: 320x240 logical, at 640,0. The window from x 540 to 740
        // (logical), y 50 to 200: its right half is 200x300 pixels on SEAWALL-2, from 0,100.
        let outputs = [OutputSpec(width: 640, height: 480), OutputSpec(width: 640, height: 480, scale: OutputScale(integer: 2))]
        let shot = try straddle(outputs, x: 540, y: 50)
        #expect(shot.outputsOfWindow == ["SEAWALL-1", "SEAWALL-2"])
        let low = shot.frames[0], high = shot.frames[1]
        #expect(low.width == 640 && low.height == 480 && high.width == 640 && high.height == 480)
        for row in [0, 75, 149] {
            #expect(Self.same(low.pixel(x: 639, y: 50 + row), Self.pattern(99, row)), "SEAWALL-1 at 639,\(50 + row)")
            // Each window pixel is a 2x2 block on SEAWALL-2.
            for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                #expect(Self.same(high.pixel(x: dx, y: 100 + 2 * row + dy), Self.pattern(100, row)), "SEAWALL-2 at \(dx),\(100 + 2 * row + dy)")
                #expect(Self.same(high.pixel(x: 198 + dx, y: 100 + 2 * row + dy), Self.pattern(199, row)))
            }
            #expect(Self.same(high.pixel(x: 200, y: 100 + 2 * row), Self.background), "the window ends at 200 on SEAWALL-2")
        }
        #expect(Self.same(high.pixel(x: 10, y: 99), Self.background) && Self.same(high.pixel(x: 10, y: 400), Self.background))
        #expect(HiDPITests.blocksAreUniform(high, Rect(x: 0, y: 100, width: 200, height: 300)))
        // The layout at scale 2: 1920x960, SEAWALL-1 enlarged to 2x2 blocks at the left, SEAWALL-2 as it is at
        // the right, the background below SEAWALL-2 (no output there).
        #expect(shot.layout.width == 1920 && shot.layout.height == 960)
        #expect(try Screenshot.crop(shot.layout, to: Rect(x: 1280, y: 0, width: 640, height: 480)) == high)
        for (x, y) in [(0, 0), (639, 479), (540, 50), (600, 120)] {
            for (dx, dy) in [(0, 0), (1, 1)] {
                #expect(Self.same(shot.layout.pixel(x: 2 * x + dx, y: 2 * y + dy), low.pixel(x: x, y: y)), "SEAWALL-1's \(x),\(y) in the layout")
            }
        }
        #expect(Self.same(shot.layout.pixel(x: 1279, y: 100), Self.pattern(99, 0)) && Self.same(shot.layout.pixel(x: 1280, y: 100), Self.pattern(100, 0)))
        #expect(Self.same(shot.layout.pixel(x: 1500, y: 480), Self.background) && Self.same(shot.layout.pixel(x: 1919, y: 959), Self.background))
        expectGolden(low, "outputs-scale1-scale2-SEAWALL-1")
        expectGolden(high, "outputs-scale1-scale2-SEAWALL-2")
        expectGolden(shot.layout, "outputs-scale1-scale2-layout")
    }
}
