import Compositor
import Render

/// Where finished frames go.
public protocol ScanoutTarget: AnyObject {
    /// Short name for logs and options: "ppm", "null", "drm".
    var name: String { get }
    /// Shows a finished frame. `damage` = what changed since the previous present; `frame` counts from 1.
    func present(_ image: OutputImage, damage: Region, frame: UInt64) throws(ScanoutError)
    /// Shows a direct frame (`DirectFrame`: one client buffer is the whole output), reading the buffer
    /// itself. The buffer is lent for this call only: a target that needs the pixels later copies them now.
    /// `image` gives the output image with the frame copied in, for targets that only know images (the
    /// default implementation presents that).
    func present(direct: DirectFrame, image: () -> OutputImage, damage: Region, frame: UInt64) throws(ScanoutError)
    /// Called once at shutdown with the last image; returns the paths it wrote (may be empty).
    func finish(_ image: OutputImage) throws(ScanoutError) -> [String]
}

extension ScanoutTarget {
    /// Presents the output image with the frame copied in (one copy: what composing would have cost).
    public func present(direct: DirectFrame, image: () -> OutputImage, damage: Region, frame: UInt64) throws(ScanoutError) {
        try present(image(), damage: damage, frame: frame)
    }
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
    /// A refresh tick passed that composed no frame (a video repeats its last frame, to run in real time).
    func refreshWithoutFrame() throws(ScanoutError)
    /// Whether `refreshWithoutFrame` does something: the frame clock then keeps ticking while nothing changes.
    var needsIdleTicks: Bool { get }
}

/// Discards frames. For benchmarks and for tests that only look at protocol behaviour.
public final class NullScanout: ScanoutTarget {
    public let name = "null"
    public init() {}
    public func present(_ image: OutputImage, damage: Region, frame: UInt64) throws(ScanoutError) {}
    /// Nothing to read: a direct frame costs no copy at all.
    public func present(direct: DirectFrame, image: () -> OutputImage, damage: Region, frame: UInt64) throws(ScanoutError) {}
    public func finish(_ image: OutputImage) throws(ScanoutError) -> [String] { [] }
}

/// Writes frames as files and video: every `dumpEvery`-th frame as DIR/frame-NNNNNN.ppm while running, every
/// frame to the video of `--record` (through ffmpeg), and the last frame as DIR/last.ppm and DIR/last.png at
/// shutdown. Every file appears atomically (temporary + rename). Frame files and video are written by a
/// `FrameWriter` thread, off the event loop; `finish` waits for all of it before writing the last frame.
public final class FileScanout: QueuedScanoutTarget {
    public var name: String { outputDirectory == nil ? "video" : "ppm" }
    /// Where frame files and last.ppm/last.png go; nil: none (only the video).
    public let outputDirectory: String?
    /// 0: no per-frame dumps.
    public let dumpEvery: Int
    /// The video, if recording.
    public let recording: VideoRecording?
    /// Per-frame dumps handed to the writer so far (last.ppm/last.png are not counted).
    public private(set) var framesWritten = 0
    /// The writer thread; nil with neither per-frame dumps nor a video.
    private let writer: FrameWriter?

    /// Creates `outputDirectory` and its parents if missing (`mkdir -p`), and the writer thread if frames are
    /// dumped or recorded.
    public convenience init(outputDirectory: String?, dumpEvery: Int, recording: VideoRecording? = nil) throws(ScanoutError) {
        try self.init(outputDirectory: outputDirectory, dumpEvery: dumpEvery, recording: recording, beforeWrite: nil)
    }

    /// `beforeWrite` runs on the writer thread before each frame is written (tests hold it back).
    init(outputDirectory: String?, dumpEvery: Int, recording: VideoRecording?, beforeWrite: (@Sendable (UInt64) -> Void)?) throws(ScanoutError) {
        if dumpEvery < 0 { throw ScanoutError("dump interval \(dumpEvery) must be 0 (off) or positive") }
        if outputDirectory == nil && dumpEvery > 0 { throw ScanoutError("frame dumps need an output directory") }
        if let outputDirectory { try FileIO.makeDirectories(outputDirectory) }
        self.outputDirectory = outputDirectory
        self.dumpEvery = dumpEvery
        self.recording = recording
        writer = dumpEvery > 0 || recording != nil ? try FrameWriter(recording: recording, beforeWrite: beforeWrite) : nil
    }

    deinit {
        try? writer?.stop()
    }

    /// The path of frame `frame`'s dump: DIR/frame-%06d.ppm.
    public func path(forFrame frame: UInt64) -> String {
        let digits = String(frame)
        return (outputDirectory ?? ".") + "/frame-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits + ".ppm"
    }

    private func dumps(_ frame: UInt64) -> Bool { dumpEvery > 0 && frame % UInt64(dumpEvery) == 0 }

    /// Whether frame `frame` goes to the writer: dumped to a file, or recorded.
    private func writes(_ frame: UInt64) -> Bool { dumps(frame) || recording != nil }

    public func present(_ image: OutputImage, damage: Region, frame: UInt64) throws(ScanoutError) {
        let dumped = dumps(frame)
        guard writes(frame), let writer else { return }
        try writer.submit(image, frame: frame, path: dumped ? path(forFrame: frame) : nil, video: recording != nil)
        if dumped { framesWritten += 1 }
    }

    /// The writer's snapshot is copied from the client's buffer itself (one copy instead of composing into
    /// the output image and copying that). The writer never sees the client's memory: the buffer can be
    /// released, and its pool remapped, as soon as this returns.
    public func present(direct: DirectFrame, image: () -> OutputImage, damage: Region, frame: UInt64) throws(ScanoutError) {
        let dumped = dumps(frame)
        guard writes(frame), let writer else { return }
        var failure: ScanoutError?
        let submitted: Void? = direct.withPixels { pixels in
            do throws(ScanoutError) {
                try writer.submit(rows: pixels, width: direct.width, height: direct.height, stride: direct.stride,
                                  frame: frame, path: dumped ? path(forFrame: frame) : nil, video: recording != nil)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        // Pixels unavailable (never for a locked buffer): the image, as any other frame.
        if submitted == nil {
            try writer.submit(image(), frame: frame, path: dumped ? path(forFrame: frame) : nil, video: recording != nil)
        }
        if dumped { framesWritten += 1 }
    }

    public var completionFileDescriptor: Int32 { writer?.completion.rawValue ?? -1 }

    public func hasRoom(forFrame frame: UInt64) -> Bool {
        !writes(frame) || writer?.hasFreeSlot != false
    }

    public func collectCompleted() throws(ScanoutError) { try writer?.collect() }

    public var framesInFlight: Int { writer?.framesInFlight ?? 0 }

    public func refreshWithoutFrame() throws(ScanoutError) {
        if recording?.repeatsIdleTicks == true { try writer?.repeatVideoFrame() }
    }

    /// A video in real time repeats its last frame at every tick that composes nothing.
    public var needsIdleTicks: Bool { recording?.repeatsIdleTicks == true }

    /// Waits for the writer to write every frame handed over and close the video, then writes last.ppm and
    /// last.png. Returns the paths written at the end (the video's included).
    public func finish(_ image: OutputImage) throws(ScanoutError) -> [String] {
        try writer?.stop()
        var paths: [String] = []
        if let outputDirectory {
            let ppm = outputDirectory + "/last.ppm", png = outputDirectory + "/last.png"
            let rgb = RGBImage(image)
            try rgb.writePPM(to: ppm)
            try rgb.writePNG(to: png)
            paths += [ppm, png]
        }
        if let recording { paths.append(recording.path) }
        return paths
    }
}
