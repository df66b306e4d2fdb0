import Compositor
import DRMScanout
import Glibc
import Render
import Scanout
import SeawallTestSupport
import SystemCalls
import Testing
import WaylandServer

/// The DRM backend without a device: start-up choices and their error messages, the two-buffer damage
/// copies, flips as the frame clock, and the restore on exit, against `SimulatedCard`. tools/test-drm runs
/// the same backend on real kernel drivers in QEMU.
@Suite
struct DRMSetupTests {
    static func open(_ card: SimulatedCard) throws(ScanoutError) -> any KMSDevice {
        try DisplaySetup.openCard(card.path, cards: [card.path]) { _ throws(SystemError) in card }
    }

    /// What `body` threw, as a person would read it ("no error" if nothing).
    static func message(_ body: () throws -> Void) -> String {
        do { try body(); return "no error" } catch { return String(describing: error) }
    }

    @Test("no such device, permission denied, not a DRM device: the open step says which")
    func openErrors() {
        for (code, expected) in [(ENOENT, "no such DRM device: cannot open /dev/dri/card3"),
                                 (EACCES, "permission denied: cannot open /dev/dri/card3")] {
            let text = Self.message {
                _ = try DisplaySetup.openCard("/dev/dri/card3", cards: []) { _ throws(SystemError) in
                    throw SystemError("open", errno: code)
                }
            }
            #expect(text.contains(expected), Comment(rawValue: text))
        }
        let none = Self.message { _ = try DisplaySetup.openCard(nil, cards: []) { _ throws(SystemError) in SimulatedCard() } }
        #expect(none.contains("no DRM device"), Comment(rawValue: none))
        let card = SimulatedCard()
        card.capabilityError = ENOTTY
        let notDRM = Self.message { _ = try Self.open(card) }
        #expect(notDRM.contains("is not a DRM device"), Comment(rawValue: notDRM))
        card.capabilityError = nil
        card.dumbBuffers = false
        #expect(Self.message { _ = try Self.open(card) }.contains("does not offer dumb buffers"))
    }

    @Test("another master holds the card: not DRM master, and who that usually is")
    func notMaster() {
        let card = SimulatedCard()
        card.masterError = EBUSY
        let text = Self.message { _ = try Self.open(card) }
        #expect(text.contains("not DRM master") && text.contains("another program holds it"), Comment(rawValue: text))
    }

    @Test("no connected connector, an unknown connector, a disconnected one")
    func connectors() {
        let card = SimulatedCard(connectors: [SimulatedCard.virtual1(connected: false)])
        let none = Self.message { _ = try DRMScanout(device: card, connector: nil, mode: nil) }
        #expect(none.contains("no connected connector on /dev/dri/card0") && none.contains("Virtual-1 (not connected)"),
                Comment(rawValue: none))
        let named = Self.message { _ = try DRMScanout(device: card, connector: "Virtual-1", mode: nil) }
        #expect(named.contains("Virtual-1 on /dev/dri/card0 is not connected"), Comment(rawValue: named))
        let unknown = Self.message { _ = try DRMScanout(device: SimulatedCard(), connector: "HDMI-A-1", mode: nil) }
        #expect(unknown.contains("no connector named HDMI-A-1"), Comment(rawValue: unknown))
    }

    @Test("a mode the connector lacks is refused with the modes it has; the preferred or fastest is picked")
    func modes() throws {
        let text = Self.message { _ = try DRMScanout(device: SimulatedCard(), connector: nil, mode: ModeRequest(parsing: "800x601")) }
        #expect(text.contains("mode 800x601 is not available on Virtual-1") && text.contains("1024x768@60 (preferred)"),
                Comment(rawValue: text))
        #expect(try DRMScanout(device: SimulatedCard(), connector: nil, mode: nil).choice.mode.description == "1024x768@60")
        #expect(try DRMScanout(device: SimulatedCard(), connector: nil, mode: ModeRequest(width: 640, height: 480)).choice.mode.hertz == 75)
        #expect(try DRMScanout(device: SimulatedCard(), connector: nil, mode: ModeRequest(parsing: "640x480@60")).choice.mode.hertz == 60)
        #expect(ModeRequest(parsing: "640x480@") == nil && ModeRequest(parsing: "0x480") == nil)
        #expect(KMSMode(width: 640, height: 480, hertz: 75).refreshMillihertz.map { abs(Int($0) - 75_000) < 100 } == true)
    }

    @Test("the CRTC comes from possible_crtcs when the encoder drives none")
    func crtcThroughPossibleCRTCs() throws {
        let card = SimulatedCard()
        card.resourcesValue = KMSResources(crtcIDs: [40, 41], connectors: [SimulatedCard.virtual1()],
                                           encoders: [KMSEncoder(id: 30, crtcID: 0, possibleCRTCs: 0b10)])
        #expect(try DRMScanout(device: card, connector: nil, mode: nil).choice.crtcID == 41)
    }
}

@Suite
struct DRMScanoutTests {
    static func image(_ color: UInt32, width: Int = 640, height: Int = 480) -> OutputImage {
        let image = OutputImage(width: width, height: height)
        image.fill(color)
        return image
    }

    @Test("first frame: mode set on buffer A, flip to B; later frames copy only what each buffer missed")
    func bufferAge() throws {
        let card = SimulatedCard()
        let scanout = try DRMScanout(device: card, connector: nil, mode: ModeRequest(width: 640, height: 480))
        #expect(!scanout.hasVblankCounter)
        let image = Self.image(0x102030)
        try scanout.present(image, damage: Region(Rect(x: 0, y: 0, width: 640, height: 480)), frame: 1)
        let ids = card.framebuffers.keys.sorted()
        #expect(card.calls.prefix(4) == ["dirty fb=\(ids[0]) 1", "setCrtc fb=\(ids[0]) mode=640x480@75",
                                         "dirty fb=\(ids[1]) 1", "flip fb=\(ids[1])"])
        #expect(scanout.isBusy)
        var completed: [UInt64] = []
        try scanout.dispatchEvents { frame, _ in completed.append(frame) }
        #expect(completed.isEmpty, "nothing completes before the flip does")
        card.completeFlip()
        try scanout.dispatchEvents { frame, ns in completed.append(frame); #expect(ns == 5_000_000_000) }
        #expect(completed == [1] && !scanout.isBusy)

        // Frame 2 changes a square; it goes into A (B is on screen). Frame 3 changes another; B gets both.
        image.withMutablePixels { $0.storeBytes(of: UInt32(0xFF0000), toByteOffset: 10 * image.stride + 10 * 4, as: UInt32.self) }
        try scanout.present(image, damage: Region(Rect(x: 10, y: 10, width: 1, height: 1)), frame: 2)
        card.completeFlip()
        try scanout.dispatchEvents { _, _ in }
        #expect(card.onScreen == ids[0] && card.pixel(ids[0], x: 10, y: 10) == 0xFF0000)
        image.withMutablePixels { $0.storeBytes(of: UInt32(0x00FF00), toByteOffset: 20 * image.stride + 30 * 4, as: UInt32.self) }
        try scanout.present(image, damage: Region(Rect(x: 30, y: 20, width: 1, height: 1)), frame: 3)
        #expect(card.dirtyRects.last.map(Region.init(rects:)) == Region(rects: [Rect(x: 10, y: 10, width: 1, height: 1), Rect(x: 30, y: 20, width: 1, height: 1)]))
        #expect(card.pixel(ids[1], x: 10, y: 10) == 0xFF0000 && card.pixel(ids[1], x: 30, y: 20) == 0x00FF00)
        #expect(card.pixel(ids[1], x: 639, y: 479) == 0x102030, "the pitch the card returned is used")
        #expect(scanout.statistics.pixelsCopied == 2 * 640 * 480 + 1 + 2)
    }

    /// A client buffer for direct frames: XRGB rows `stride` bytes apart (wider than the row, unlike the pitch).
    final class ClientPixels: PixelSource {
        let width: Int32 = 640, height: Int32 = 480, stride: Int32 = 640 * 4 + 16
        let format = PixelFormat.xrgb8888
        var bytes: [UInt8]
        init(_ color: UInt32) {
            bytes = [UInt8](repeating: 0, count: Int(stride) * 480)
            for y in 0..<480 { for x in 0..<640 { set(x: x, y: y, color) } }
        }
        func set(x: Int, y: Int, _ color: UInt32) {
            bytes.withUnsafeMutableBytes { $0.storeBytes(of: color, toByteOffset: y * Int(stride) + x * 4, as: UInt32.self) }
        }
        func withPixels<R>(_ body: (UnsafeRawPointer) throws -> R) rethrows -> R? {
            try bytes.withUnsafeBytes { try body($0.baseAddress!) }
        }
    }

    @Test("a direct frame: the damaged rows go from the client's buffer (its own stride) into the dumb buffer, never through the output image")
    func directFrame() throws {
        let card = SimulatedCard()
        let scanout = try DRMScanout(device: card, connector: nil, mode: ModeRequest(width: 640, height: 480))
        let client = ClientPixels(0x405060)
        client.set(x: 639, y: 479, 0x0A0B0C)
        let renderer = Renderer(width: 640, height: 480)
        let frame = try #require(renderer.directFrame([SceneItem(x: 0, y: 0, source: client)]))
        var composed = 0
        try scanout.present(direct: frame, image: { composed += 1; return renderer.image },
                            damage: Region(Rect(x: 0, y: 0, width: 640, height: 480)), frame: 1)
        let ids = card.framebuffers.keys.sorted()
        for id in ids {
            #expect(card.pixel(id, x: 0, y: 0) == 0x405060 && card.pixel(id, x: 639, y: 479) == 0x0A0B0C)
        }
        card.completeFlip()
        try scanout.dispatchEvents { _, _ in }
        client.set(x: 10, y: 10, 0xFF0000)
        try scanout.present(direct: frame, image: { composed += 1; return renderer.image },
                            damage: Region(Rect(x: 10, y: 10, width: 1, height: 1)), frame: 2)
        #expect(card.pixel(ids[0], x: 10, y: 10) == 0xFF0000 && card.pixel(ids[0], x: 11, y: 10) == 0x405060)
        #expect(composed == 0, "the output image was composed for a direct frame")
        #expect(renderer.direct == nil, "nothing was shown on the renderer")
        #expect(scanout.statistics.pixelsCopied == 2 * 640 * 480 + 1)
        #expect(scanout.statistics.directFrames == 2)
        #expect(scanout.summary.contains("(2 direct frames from a client's buffer)"), Comment(rawValue: scanout.summary))
    }

    @Test("DirtyFB: ENOSYS (bochs) is fine and not asked again; another error stops the scanout")
    func dirtyErrors() throws {
        let card = SimulatedCard()
        card.dirtyError = ENOSYS
        card.autoComplete = true
        let scanout = try DRMScanout(device: card, connector: nil, mode: nil)
        try scanout.present(Self.image(0, width: 1024, height: 768), damage: Region(Rect(x: 0, y: 0, width: 5, height: 5)), frame: 1)
        #expect(!scanout.dirtySupported)
        let failing = SimulatedCard()
        failing.dirtyError = EIO
        let broken = try DRMScanout(device: failing, connector: nil, mode: nil)
        let text = DRMSetupTests.message { try broken.present(Self.image(0, width: 1024, height: 768), damage: Region(), frame: 1) }
        #expect(text.contains("drmModeDirtyFB"), Comment(rawValue: text))
    }

    @Test("on exit the saved CRTC comes back first, then the framebuffers go")
    func restore() throws {
        let card = SimulatedCard()
        let scanout = try DRMScanout(device: card, connector: nil, mode: ModeRequest(width: 640, height: 480))
        try scanout.present(Self.image(0), damage: Region(), frame: 1)
        card.completeFlip()
        _ = try scanout.finish(Self.image(0))
        let tail = Array(card.calls.suffix(3))
        #expect(tail.first == "setCrtc fb=7 mode=1024x768@60", Comment(rawValue: card.calls.joined(separator: "\n")))
        #expect(tail.dropFirst().allSatisfy { $0.hasPrefix("rmfb") } && card.framebuffers.isEmpty)
        #expect(card.onScreen == 7)
        _ = try scanout.finish(Self.image(0))   // once only
        #expect(card.calls.suffix(3) == tail[...])
    }

    @Test("a real client through the server paced by flips: the buffer on screen equals the golden")
    func pacedServerGolden() throws {
        let card = SimulatedCard()
        card.autoComplete = true
        let scanout = try DRMScanout(device: card, connector: nil, mode: ModeRequest(width: 640, height: 480))
        let harness = try Harness(width: 640, height: 480, scanout: scanout) { $0.refresh = .display }
        let client = try harness.demo(["gradient", "--size", "320x240", "--frames", "3", "--hold"])
        try harness.run { client.stdout.contains("seawall-demo: 3 frames shown") }
        #expect(scanout.statistics.flipsRequested == scanout.statistics.flipsCompleted)
        let screen = OutputImage(width: 640, height: 480)
        let front = card.onScreen
        screen.withMutablePixels { target in
            for y in 0..<480 { for x in 0..<640 {
                target.storeBytes(of: card.pixel(front, x: x, y: y), toByteOffset: y * screen.stride + x * 4, as: UInt32.self)
            } }
        }
        expectGolden(RGBImage(screen), "opaque-gradient")
    }
}
