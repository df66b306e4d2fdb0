/// The stats line logged every `--stats` interval at info: frames, frame rate, clients, windows.
final class StatsLog {
    private unowned(unsafe) let server: Server   // part of the server
    private var timer: Display.Timer?
    private var frames: UInt64 = 0
    private var start: UInt64
    /// `Server.framesDelayedByScanout` at the last line.
    private var delayedBefore: UInt64 = 0

    /// Starts the periodic line (none for an interval of 0 s).
    init(server: Server, intervalSeconds: Int) {
        self.server = server
        start = Clock.nanoseconds()
        let intervalMs = Int32(clamping: intervalSeconds * 1000)
        guard intervalMs > 0 else { return }
        let timer = server.display.addTimer { [unowned self] in
            self.logLine()
            self.timer?.arm(milliseconds: intervalMs)
        }
        self.timer = timer
        timer.arm(milliseconds: intervalMs)
    }

    /// A frame was composed.
    func frameShown() { frames += 1 }

    private func logLine() {
        let now = Clock.nanoseconds()
        let seconds = Double(now - start) / 1e9
        let fps = seconds > 0 ? Double(frames) / seconds : 0
        let tenths = Int((fps * 10).rounded())
        let delayed = server.framesDelayedByScanout - delayedBefore
        delayedBefore = server.framesDelayedByScanout
        let late = delayed == 0 ? "" : ", \(delayed) frame(s) late: the frame writer was behind (the disk is slower than the refresh rate)"
        server.log.info("stats: frame \(server.frameCount), \(tenths / 10).\(tenths % 10) fps, \(server.clientCount) client(s), \(server.scene.mappedViews.count) window(s)\(late)")
        frames = 0
        start = now
    }
}
