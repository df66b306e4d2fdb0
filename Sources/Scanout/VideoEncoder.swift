import CPixelConvert
import Glibc
import SystemCalls

/// `--record FILE`: what to record and with which ffmpeg. Made (and checked) at start-up, so that a wrong
/// name or a missing ffmpeg is said before any client connects.
public struct VideoRecording: Sendable {
    /// The video file (.mkv, .mp4 or .webm).
    public let path: String
    /// Video frames per second: the output's refresh rate.
    public let framesPerSecond: Int
    /// Whether a frame is repeated on each refresh tick that composed nothing, so that the video runs in real
    /// time (monotonic clock). Off under the virtual clock: video frame N is then composed frame N.
    public let repeatsIdleTicks: Bool
    /// The ffmpeg executable found on PATH.
    let ffmpeg: String

    /// The containers and the encoder each gets: H.264 (fast, plays everywhere) or VP9 for WebM.
    static let containers: [String: [String]] = [
        "mkv": ["-c:v", "libx264", "-preset", "ultrafast", "-crf", "18"],
        "mp4": ["-c:v", "libx264", "-preset", "ultrafast", "-crf", "18", "-movflags", "+faststart"],
        "webm": ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-row-mt", "1", "-crf", "30", "-b:v", "0"],
    ]

    public init(path: String, framesPerSecond: Int, repeatsIdleTicks: Bool, searchPath: String? = nil) throws(ScanoutError) {
        let suffix = path.split(separator: ".").last.map { $0.lowercased() } ?? ""
        guard path.contains("."), Self.containers[suffix] != nil else {
            throw ScanoutError("--record \(path): the name must end in .mkv, .mp4 or .webm (the container ffmpeg writes)")
        }
        guard (1...1000).contains(framesPerSecond) else {
            throw ScanoutError("--record needs a refresh rate of 1 to 1000 Hz for the video, not \(framesPerSecond)")
        }
        let directories = (searchPath ?? getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin").split(separator: ":")
        guard let ffmpeg = directories.map({ String($0) + "/ffmpeg" }).first(where: { access($0, X_OK) == 0 }) else {
            throw ScanoutError("--record needs ffmpeg, which is not on PATH (Debian: apt-get install ffmpeg)")
        }
        self.path = path
        self.framesPerSecond = framesPerSecond
        self.repeatsIdleTicks = repeatsIdleTicks
        self.ffmpeg = ffmpeg
    }
}

/// An ffmpeg process turning frames written to its stdin into `VideoRecording.path`. Used by the frame writer
/// thread only.
///
/// Seawall converts each XRGB8888 frame to I420 itself (`sw_xrgb_to_i420`: BT.601 limited range, vector kernels)
/// and sends ffmpeg raw `yuv420p`, which the encoders take as it is: no swscale pass in ffmpeg, and 1.5 bytes a
/// pixel through the socket instead of 4. 4:2:0 needs even sizes: an odd width or height gets one black column
/// or row (the video is the output's size rounded up to even). The stream is tagged with what the pixels are
/// (BT.601 matrix, limited range; sRGB's BT.709 primaries and transfer), so that players need not guess.
///
/// Its stdin is one end of a Unix socket pair, not a pipe: Seawall writes with `send(MSG_NOSIGNAL)`, so an
/// ffmpeg that dies gives an EPIPE error and not a SIGPIPE that would kill the compositor. ffmpeg runs in a
/// process group of its own (`Spawn`: a Ctrl-C in the terminal stops Seawall, which then closes the video
/// properly, instead of killing ffmpeg mid-file).
final class VideoEncoder {
    let recording: VideoRecording
    /// The output's size, and the video's (rounded up to even).
    let width: Int, height: Int
    let videoWidth: Int, videoHeight: Int
    /// The last frame converted: Y plane, then U, then V, each tight (strides `videoWidth` and `videoWidth / 2`).
    private let planes: UnsafeMutableRawBufferPointer
    private var converted = false
    private var socket: OwnedFD?
    private var pid: pid_t = 0
    private(set) var framesSent = 0

    init(_ recording: VideoRecording, width: Int, height: Int) throws(ScanoutError) {
        self.recording = recording
        self.width = width
        self.height = height
        (videoWidth, videoHeight) = ((width + 1) / 2 * 2, (height + 1) / 2 * 2)
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
            throw ScanoutError("--record: socketpair: \(String(cString: strerror(errno)))")
        }
        let ours = OwnedFD(taking: pair[0]), theirs = OwnedFD(taking: pair[1])
        let suffix = String(recording.path.split(separator: ".").last ?? "").lowercased()
        let arguments = ["-hide_banner", "-loglevel", "error", "-nostdin", "-y",
                         "-f", "rawvideo", "-pixel_format", "yuv420p", "-video_size", "\(videoWidth)x\(videoHeight)",
                         "-framerate", "\(recording.framesPerSecond)", "-i", "pipe:0"]
            + VideoEncoder.colourTags + (VideoRecording.containers[suffix] ?? []) + [recording.path]
        do {
            pid = try Spawn.start(recording.ffmpeg, arguments: arguments,
                                  descriptors: [(theirs.rawValue, 0)], ownProcessGroup: true)
        } catch {
            throw ScanoutError("--record: cannot start \(recording.ffmpeg): \(error.reason)")
        }
        socket = consume ours
        _ = consume theirs   // closed here: only ffmpeg holds that end now
        planes = UnsafeMutableRawBufferPointer.allocate(byteCount: videoWidth * videoHeight * 3 / 2, alignment: 64)
    }

    deinit {
        if socket != nil { _ = try? finish() }
        planes.deallocate()
    }

    /// What the pixels are, for the encoder's stream headers (output options): the matrix and range of
    /// `sw_xrgb_to_i420`, and sRGB's primaries and transfer curve (the clients' pixels are sRGB).
    static let colourTags = ["-colorspace", "smpte170m", "-color_range", "tv",
                             "-color_primaries", "bt709", "-color_trc", "iec61966-2-1"]

    /// Converts and sends one frame: `height` rows of `width` XRGB pixels, `stride` bytes apart.
    func send(_ pixels: UnsafeRawPointer, stride: Int) throws(ScanoutError) {
        let base = planes.baseAddress!, luma = videoWidth * videoHeight
        sw_xrgb_to_i420(pixels, stride, width, height, base, videoWidth, base + luma, videoWidth / 2,
                        base + luma + luma / 4, videoWidth / 2)
        converted = true
        try sendPlanes()
    }

    /// Sends the last frame again (a refresh tick that composed nothing); nothing before the first frame.
    func repeatLastFrame() throws(ScanoutError) {
        if converted { try sendPlanes() }
    }

    private func sendPlanes() throws(ScanoutError) {
        guard let fd = socket?.rawValue else { throw ScanoutError("--record \(recording.path): the video is already closed") }
        try sendAll(fd, UnsafeRawPointer(planes.baseAddress!), planes.count)
        framesSent += 1
    }

    private func sendAll(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) throws(ScanoutError) {
        var done = 0
        while done < count {
            let n = Glibc.send(fd, bytes + done, count - done, Int32(MSG_NOSIGNAL))
            if n < 0 {
                if errno == EINTR { continue }
                throw ScanoutError("--record \(recording.path): ffmpeg stopped taking frames (\(String(cString: strerror(errno)))); its messages are above")
            }
            done += n
        }
    }

    /// Closes ffmpeg's input (it then writes the file's index and exits) and waits for it. Throws if it
    /// failed.
    func finish() throws(ScanoutError) {
        guard let fd = socket.take() else { return }
        _ = consume fd
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = status & 0x7f == 0
        let code = (status >> 8) & 0xff
        if !exited || code != 0 {
            throw ScanoutError("--record \(recording.path): ffmpeg " + (exited ? "exited with status \(code)" : "was killed by signal \(status & 0x7f)") + "; its messages are above")
        }
    }
}
