import Compositor
import Glibc
import Render
import Scanout
import SeawallTestSupport
import Testing
import WaylandServer

/// A display that completes a frame only when the test says so, through a pipe the server polls — the
/// shape of DRM page flips, without a device.
final class ManualDisplay: PacedScanoutTarget {
    let name = "manual-display"
    private var pipeFDs: [Int32] = [-1, -1]
    private(set) var presented: [UInt64] = []
    private var inFlight: UInt64?
    private(set) var completed: UInt64 = 0
    var eventFileDescriptor: Int32 { pipeFDs[0] }
    var isBusy: Bool { inFlight != nil }
    let refreshMillihertz: Int32? = 50_000

    init() {
        _ = pipe(&pipeFDs)
        _ = fcntl(pipeFDs[0], F_SETFL, O_NONBLOCK)
    }
    deinit { close(pipeFDs[0]); close(pipeFDs[1]) }

    func present(_ image: OutputImage, damage: Region, frame: UInt64) throws(ScanoutError) {
        precondition(inFlight == nil, "the server presented while a frame was in flight")
        inFlight = frame
        presented.append(frame)
    }

    /// The "flip" of the frame in flight completes.
    func completeFrame() {
        var byte: UInt8 = 1
        _ = write(pipeFDs[1], &byte, 1)
    }

    func dispatchEvents(_ done: (UInt64, UInt64) -> Void) throws(ScanoutError) {
        var byte: UInt8 = 0
        while read(pipeFDs[0], &byte, 1) == 1 {
            guard let frame = inFlight else { continue }
            inFlight = nil
            completed = frame
            done(frame, 1_000_000 * 1000 + frame * 20_000_000)   // presentation time: 1000 s + 20 ms per frame
        }
    }

    func finish(_ image: OutputImage) throws(ScanoutError) -> [String] { [] }
}

@Suite(.serialized)
struct PacedClockTests {
    @Test("with a paced display, frames wait for the previous flip and callbacks fire at presentation")
    func framesFollowFlips() throws {
        let display = ManualDisplay()
        let harness = try Harness(scanout: display) { $0.refresh = .display }
        let client = try harness.demo(["gradient", "--size", "320x240", "--frames", "3", "--hold"])

        // The first commit is presented at once; nothing more until the test completes that frame.
        try harness.run { display.presented.count == 1 }
        _ = try? harness.run(seconds: 0.3) { false }
        #expect(display.presented.count == 1, "no new frame while one is in flight")
        #expect(!client.stdout.contains("frames shown"), "no frame callback before its frame is on screen")

        // Complete each frame once it is presented (ManualDisplay.present traps on a present in flight).
        var flips = 0
        try harness.run {
            if client.stdout.contains("seawall-demo: 3 frames shown") { return true }
            if display.isBusy && display.presented.count == flips + 1 {
                display.completeFrame()
                flips += 1
            }
            return false
        }
        #expect(display.presented == (1...UInt64(flips)).map { $0 })
        // The initial commit's frame, then one per client frame: 3 shown needs the 4th flip.
        #expect(flips == 4)
        #expect(harness.server.presentedFrames == 4)
        expectGolden(harness.capture(), "opaque-gradient")
    }
}
