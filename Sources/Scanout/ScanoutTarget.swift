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

/// Discards frames. For benchmarks and for tests that only look at protocol behaviour.
public final class NullScanout: ScanoutTarget {
    public let name = "null"
    public init() {}
    public func present(_ image: OutputImage, damage: Region, frame: UInt64) throws(ScanoutError) {}
    public func finish(_ image: OutputImage) throws(ScanoutError) -> [String] { [] }
}

/// Writes frames as files: every `dumpEvery`-th frame as DIR/frame-NNNNNN.ppm while running, and the last
/// frame as DIR/last.ppm and DIR/last.png at shutdown. Every file appears atomically (temporary + rename).
public final class FileScanout: ScanoutTarget {
    public let name = "ppm"
    public let outputDirectory: String
    /// 0: no per-frame dumps.
    public let dumpEvery: Int
    /// Per-frame dumps written so far (last.ppm/last.png are not counted).
    public private(set) var framesWritten = 0

    /// PPM header followed by the RGB pixels, reused from frame to frame (one allocation per output size).
    private var buffer: UnsafeMutableRawBufferPointer?
    private var bufferHeaderSize = 0
    private var bufferSize: (width: Int, height: Int) = (0, 0)

    /// Creates `outputDirectory` and its parents if missing (`mkdir -p`).
    public init(outputDirectory: String, dumpEvery: Int) throws(ScanoutError) {
        if dumpEvery < 0 { throw ScanoutError("dump interval \(dumpEvery) must be 0 (off) or positive") }
        try FileIO.makeDirectories(outputDirectory)
        self.outputDirectory = outputDirectory
        self.dumpEvery = dumpEvery
    }

    deinit {
        buffer?.deallocate()
    }

    /// The path of frame `frame`'s dump: DIR/frame-%06d.ppm.
    public func path(forFrame frame: UInt64) -> String {
        let digits = String(frame)
        return outputDirectory + "/frame-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits + ".ppm"
    }

    public func present(_ image: OutputImage, damage: Region, frame: UInt64) throws(ScanoutError) {
        guard dumpEvery > 0, frame % UInt64(dumpEvery) == 0 else { return }
        try writePPM(image, to: path(forFrame: frame))
        framesWritten += 1
    }

    public func finish(_ image: OutputImage) throws(ScanoutError) -> [String] {
        let ppm = outputDirectory + "/last.ppm", png = outputDirectory + "/last.png"
        try writePPM(image, to: ppm)
        try RGBImage(image).writePNG(to: png)
        return [ppm, png]
    }

    /// Header and converted pixels go into one reused buffer, written with one `write` sequence.
    private func writePPM(_ image: OutputImage, to path: String) throws(ScanoutError) {
        let file = frameBuffer(for: image)
        convertXRGBToRGB(image, into: UnsafeMutableRawBufferPointer(rebasing: file[bufferHeaderSize...]))
        try FileIO.writeAtomically(path, [UnsafeRawBufferPointer(file)])
    }

    private func frameBuffer(for image: OutputImage) -> UnsafeMutableRawBufferPointer {
        if let buffer, bufferSize == (image.width, image.height) { return buffer }
        buffer?.deallocate()
        let header = RGBImage.ppmHeader(width: image.width, height: image.height)
        let fresh = UnsafeMutableRawBufferPointer.allocate(byteCount: header.count + image.width * image.height * 3,
                                                           alignment: 64)
        fresh.copyBytes(from: header)
        buffer = fresh
        bufferHeaderSize = header.count
        bufferSize = (image.width, image.height)
        return fresh
    }
}
