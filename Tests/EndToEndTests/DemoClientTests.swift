import Compositor
import Glibc
import Scanout
import Testing
import SeawallTestSupport
import WaylandServer

/// End to end: real seawall-demo processes draw into sealed memfds, Seawall composes them, and the output
/// is compared with golden images. Serialized: each test owns the process's children and one server.
@Suite(.serialized)
struct DemoClientTests {
    /// A client that has shown `frames` frames and holds its last one (seawall-demo --frames N --hold).
    static func shown(_ child: ChildProcess, _ frames: Int) -> Bool {
        child.stdout.contains("seawall-demo: \(frames) frames shown")
    }

    @Test("one opaque client, placed by the cascade policy")
    func opaqueClient() throws {
        let harness = try Harness(width: 640, height: 480)
        let client = try harness.demo(["gradient", "--size", "320x240", "--frames", "3", "--hold"])
        try harness.run { Self.shown(client, 3) }

        let window = try #require(harness.window(appID: "seawall-demo.gradient"))
        #expect(window.mapped)
        #expect(window.x == 32 && window.y == 32, "the first toplevel goes to (32, 32)")
        #expect(window.surface.width == 320 && window.surface.height == 240)
        expectGolden(harness.capture(), "opaque-gradient")
    }

    @Test("two overlapping clients, the top one semi-transparent (ARGB8888, OVER)")
    func overlappingWithAlpha() throws {
        let harness = try Harness(width: 640, height: 480)
        let checker = try harness.demo(["checkerboard", "--size", "320x240", "--frames", "4", "--hold"])
        let box = try harness.demo(["box", "--size", "240x180", "--frames", "5", "--hold"])
        try harness.run { Self.shown(checker, 4) && Self.shown(box, 5) }

        // Which client mapped first is up to the scheduler, so the test places and stacks them itself.
        let below = try #require(harness.window(appID: "seawall-demo.checkerboard"))
        let above = try #require(harness.window(appID: "seawall-demo.box"))
        harness.server.place(below.surface, x: 40, y: 40)
        harness.server.place(above.surface, x: 240, y: 180)
        harness.server.raise(above.surface)
        harness.repaint()
        expectGolden(harness.capture(), "overlap-alpha")
    }

    @Test("a client grows its sealed pool like a window resize: a frame before and one after")
    func growingPool() throws {
        let harness = try Harness(width: 640, height: 480)
        var before: RGBImage?
        harness.afterRepaint = { h in
            if let w = h.window(appID: "seawall-demo.gradient"), w.mapped, w.surface.width == 200 { before = h.capture() }
        }
        let client = try harness.demo(["gradient", "--size", "200x150", "--grow-to", "360x270", "--grow-after", "2",
                                       "--frames", "4", "--hold"])
        try harness.run { Self.shown(client, 4) }

        #expect(client.stdout.contains("seawall-demo: grew to 360x270"))
        let window = try #require(harness.window(appID: "seawall-demo.gradient"))
        #expect(window.surface.width == 360 && window.surface.height == 270)
        let beforeImage = try #require(before, "no frame was shown at the original size")
        expectGolden(beforeImage, "grow-before")
        expectGolden(harness.capture(), "grow-after")
    }

    @Test("a client whose memfd lacks F_SEAL_SHRINK is refused with the reason; the other client is unaffected")
    func unsealedClientRefused() throws {
        let harness = try Harness(width: 640, height: 480)
        let good = try harness.demo(["gradient", "--size", "320x240", "--frames", "3", "--hold"])
        let bad = try harness.demo(["solid", "--unsealed", "--frames", "3"])
        try harness.run { !bad.isRunning && Self.shown(good, 3) }

        #expect(bad.exitStatus == 3, Comment(rawValue: "seawall-demo --unsealed exits 3 when refused\n" + bad.transcript))
        #expect(bad.stderr.contains("the compositor refused this client"), Comment(rawValue: bad.transcript))
        #expect(bad.stderr.contains("pool fd is not sealed with F_SEAL_SHRINK"), Comment(rawValue: bad.transcript))
        #expect(bad.stderr.contains("wl_shm"), Comment(rawValue: "the error names the interface\n" + bad.transcript))
        #expect(harness.window(appID: "seawall-demo.solid")?.mapped != true)
        // The same picture as the single opaque client: the refused one left no trace.
        expectGolden(harness.capture(), "opaque-gradient")
    }
}
