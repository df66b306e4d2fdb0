import CWaylandClient
import Compositor
import Glibc
import Render
import Scanout
import SeawallTestSupport
import Testing
import WaylandServer

/// The paced display of these tests: 62.5 Hz, frame N on screen at 1000 s + 16 ms × N.
extension SteppedDisplay {
    static func milliseconds(ofFrame frame: UInt64) -> UInt32 { UInt32(1_000_000 + 16 * frame) }

    convenience init() throws {
        try self.init(refreshMillihertz: 62_500) { UInt64(SteppedDisplay.milliseconds(ofFrame: $0)) * 1_000_000 }
    }
}


extension ProtocolTests {
    /// wl_surface.frame: answered by the repaint that shows the commit, with its time.
    @Suite struct FrameCallbacks {
        static func monotonicMilliseconds() -> UInt32 {
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            return UInt32(truncatingIfNeeded: (Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000))
        }

        /// Stepped by hand: nothing before the repaint; then the time of the repaint on CLOCK_MONOTONIC in
        /// milliseconds, never decreasing. A frame asked for without a commit waits for the commit.
        @Test func aFrameCallbackFiresAtTheRepaintThatShowsTheCommit() throws {
            let session = try Session()
            let client = try session.connect()
            let (window, _, _) = try session.showWindow(client, appID: "frames", color: 0x80_8080)
            var times: [UInt32] = []
            for round in 0..<3 {
                let frame = try client.frame(window.surface)
                wl_surface_commit(window.surface)
                try #require(client.link.roundtrip())
                #expect(!frame.done, "round \(round): the callback fired before the repaint")
                #expect(session.server.needsRepaint, "round \(round): a waiting callback needs a frame")
                let before = Self.monotonicMilliseconds()
                session.repaint()
                let after = Self.monotonicMilliseconds()
                let time = try #require(frame.times.first, "round \(round): no done after the repaint")
                #expect(frame.times.count == 1)
                #expect(before <= time && time <= after, "round \(round): \(time) outside \(before)...\(after)")
                times.append(time)
            }
            #expect(times == times.sorted(), "times go backwards: \(times)")

            let uncommitted = try client.frame(window.surface)
            try #require(client.link.roundtrip())
            session.repaint()
            #expect(!uncommitted.done, "a frame request takes effect with the next commit")
            wl_surface_commit(window.surface)
            try #require(client.link.roundtrip())
            session.repaint()
            #expect(uncommitted.done)
        }

        /// A commit that changes nothing on the output (no buffer, no damage, no frame callback) has nothing to
        /// present: when Seawall repaints on commit (`.display`, `.onCommit`) it starts no frame for it, so on a
        /// paced display a window's next buffer does not wait behind an empty flip. (The output's very first
        /// frame, the background, comes with the first commit.)
        @Test func aCommitWithNothingToShowStartsNoFrame() throws {
            let display = try SteppedDisplay()
            let session = try Session(scanout: display) { $0.refresh = .display }
            let client = try session.connect()
            let window = try Toplevel(client, appID: "idle")
            wl_surface_commit(window.surface)
            try #require(client.link.roundtrip())
            #expect(window.serials.count == 1)
            while display.isBusy {
                display.completeFrame()
                client.link.exchange()
            }
            #expect(!session.server.needsRepaint, "nothing waits for a frame")
            let frames = session.server.frameCount
            #expect(frames <= 1, "at most the background's first frame")
            wl_surface_commit(window.surface)   // still no buffer: nothing changes on the output
            try #require(client.link.roundtrip())
            #expect(session.server.frameCount == frames)
            #expect(!display.isBusy)
        }

        /// With a paced display, a callback waits for its frame to be on screen and carries that frame's
        /// presentation time: frames 16 ms apart give times 16 ms apart.
        @Test func withAPacedDisplayCallbacksCarryThePresentationTime() throws {
            let display = try SteppedDisplay()
            let session = try Session(scanout: display) { $0.refresh = .display }
            let client = try session.connect()
            let (window, _, _) = try session.showWindow(client, appID: "paced", color: 0x40_4040)
            // The server repaints by itself in this mode: let every frame it started so far complete.
            func flipAll() {
                while display.isBusy {
                    display.completeFrame()
                    client.link.exchange()
                }
            }
            flipAll()

            var times: [UInt32] = []
            for round in 0..<3 {
                let frame = try client.frame(window.surface)
                wl_surface_damage_buffer(window.surface, 0, 0, 1, 1)
                wl_surface_commit(window.surface)
                try #require(client.link.roundtrip())
                #expect(display.isBusy, "round \(round): the commit was not presented")
                #expect(!frame.done, "round \(round): the callback fired before its frame was on screen")
                let shownIn = session.server.frameCount
                display.completeFrame()
                client.link.exchange()
                let time = try #require(frame.times.first, "round \(round): no done after the flip")
                #expect(time == SteppedDisplay.milliseconds(ofFrame: shownIn))
                #expect(!display.isBusy, "round \(round): a frame was started with nothing to show")
                times.append(time)
            }
            #expect(zip(times, times.dropFirst()).allSatisfy { $1 == $0 + 16 }, "\(times)")
        }
    }
}
