import Compositor
import Glibc
import Render
import Scanout
import SeawallTestSupport
import Testing
import WaylandServer

@Suite(.serialized)
struct PacedClockTests {
    @Test("with a paced display, frames wait for the previous flip and callbacks fire at presentation")
    func framesFollowFlips() throws {
        // 50 Hz; frame N on screen at 1000 s + 20 ms × N.
        let display = try SteppedDisplay(refreshMillihertz: 50_000) { 1_000_000 * 1000 + $0 * 20_000_000 }
        let harness = try Harness(scanout: display) { $0.refresh = .display }
        let client = try harness.demo(["gradient", "--size", "320x240", "--frames", "3", "--hold"])

        // The first commit is presented at once; nothing more until the test completes that frame.
        try harness.run { display.presented.count == 1 }
        _ = try? harness.run(seconds: 0.3) { false }
        #expect(display.presented.count == 1, "no new frame while one is in flight")
        #expect(!client.stdout.contains("frames shown"), "no frame callback before its frame is on screen")

        // Complete each frame once it is presented (SteppedDisplay.present traps on a present in flight).
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
