import Compositor
import Render

/// Where finished frames go.
public protocol ScanoutTarget: AnyObject {
    /// Short name for logs and options: "ppm", "null", "drm".
    var name: String { get }
    /// Shows a finished frame. `damage` = what changed since the previous present; `frame` counts from 1.
    func present(_ image: OutputImage, damage: Region, frame: UInt64) throws(ScanoutError)
    /// Called once at shutdown with the last image; returns the paths it wrote (may be empty).
    func finish(_ image: OutputImage) throws(ScanoutError) -> [String]
}

/// A target that shows frames on a display and learns later when each is on screen (DRM page flips).
///
/// The server then paces itself by the display: after `present`, it does not repaint until the frame
/// completes, and the frame callbacks of the commits in that frame fire with its presentation time.
public protocol PacedScanoutTarget: ScanoutTarget {
    /// The file descriptor to poll for completion events (the DRM card fd).
    var eventFileDescriptor: Int32 { get }
    /// Whether a presented frame has not completed yet (the server must not present another).
    var isBusy: Bool { get }
    /// The display's refresh rate in mHz (wl_output's mode), or nil if unknown.
    var refreshMillihertz: Int32? { get }
    /// Reads the pending events (`drmHandleEvent`) and calls `completed(frame, nanoseconds)` for each frame
    /// now on screen, with its presentation time on CLOCK_MONOTONIC.
    func dispatchEvents(_ completed: (_ frame: UInt64, _ nanoseconds: UInt64) -> Void) throws(ScanoutError)
}

/// A target that finishes frames on a thread of its own (frame files written by a writer thread): the server
/// asks before composing a frame whether the target can take it without waiting, and when it cannot, waits
/// for `completionFileDescriptor` to become readable instead of blocking the event loop. Frames come late
/// then; none is dropped.
public protocol QueuedScanoutTarget: ScanoutTarget {
    /// Readable when the target finished a frame (an eventfd).
    var completionFileDescriptor: Int32 { get }
    /// Whether frame `frame` can be presented now without waiting.
    func hasRoom(forFrame frame: UInt64) -> Bool
    /// Reads the completions (resetting the descriptor); throws a failure of the writer (a full disk, say).
    func collectCompleted() throws(ScanoutError)
    /// Frames handed over and not yet finished.
    var framesInFlight: Int { get }
}

/// Discards frames. For benchmarks and for tests that only look at protocol behaviour.
public final class NullScanout: ScanoutTarget {
    public let name = "null"
    public init() {}
    public func present(_ image: OutputImage, damage: Region, frame: UInt64) throws(ScanoutError) {}
    public func finish(_ image: OutputImage) throws(ScanoutError) -> [String] { [] }
}

/// Writes frames as files: every `dumpEvery`-th frame as DIR/frame-NNNNNN.ppm while running, and the last
/// frame as DIR/last.ppm and DIR/last.png at shutdown. Every file appears atomically (temporary + rename).
/// Per-frame files are converted and written by a `FrameWriter` thread, off the event loop; `finish` waits
/// for every one of them before writing the last frame.
public final class FileScanout: QueuedScanoutTarget {
    public let name = "ppm"
    public let outputDirectory: String
    /// 0: no per-frame dumps.
    public let dumpEvery: Int
    /// Per-frame dumps handed to the writer so far (last.ppm/last.png are not counted).
    public private(set) var framesWritten = 0
    /// The writer thread; nil without per-frame dumps.
    private let writer: FrameWriter?

    /// Creates `outputDirectory` and its parents if missing (`mkdir -p`), and the writer thread if frames are
    /// dumped.
    public convenience init(outputDirectory: String, dumpEvery: Int) throws(ScanoutError) {
        try self.init(outputDirectory: outputDirectory, dumpEvery: dumpEvery, beforeWrite: nil)
    }

    /// `beforeWrite` runs on the writer thread before each frame file is written (tests hold it back).
    init(outputDirectory: String, dumpEvery: Int, beforeWrite: (@Sendable (UInt64) -> Void)?) throws(ScanoutError) {
        if dumpEvery < 0 { throw ScanoutError("dump interval \(dumpEvery) must be 0 (off) or positive") }
        try FileIO.makeDirectories(outputDirectory)
        self.outputDirectory = outputDirectory
        self.dumpEvery = dumpEvery
        writer = dumpEvery > 0 ? try FrameWriter(beforeWrite: beforeWrite) : nil
    }

    deinit {
        try? writer?.stop()
    }

    /// The path of frame `frame`'s dump: DIR/frame-%06d.ppm.
    public func path(forFrame frame: UInt64) -> String {
        let digits = String(frame)
        return outputDirectory + "/frame-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits + ".ppm"
    }

    private func dumps(_ frame: UInt64) -> Bool { dumpEvery > 0 && frame % UInt64(dumpEvery) == 0 }

    public func present(_ image: OutputImage, damage: Region, frame: UInt64) throws(ScanoutError) {
        guard dumps(frame), let writer else { return }
        try writer.submit(image, frame: frame, path: path(forFrame: frame))
        framesWritten += 1
    }

    public var completionFileDescriptor: Int32 { writer?.completion.rawValue ?? -1 }

    public func hasRoom(forFrame frame: UInt64) -> Bool { !dumps(frame) || writer?.hasFreeSlot != false }

    public func collectCompleted() throws(ScanoutError) { _ = try writer?.collect() }

    public var framesInFlight: Int { writer?.framesInFlight ?? 0 }

    /// Waits for the writer to write every frame handed over, then writes last.ppm and last.png.
    public func finish(_ image: OutputImage) throws(ScanoutError) -> [String] {
        try writer?.stop()
        let ppm = outputDirectory + "/last.ppm", png = outputDirectory + "/last.png"
        let rgb = RGBImage(image)
        try rgb.writePPM(to: ppm)
        try rgb.writePNG(to: png)
        return [ppm, png]
    }
}
