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

/// An ffmpeg process turning raw frames (XRGB8888 rows as they are in memory: ffmpeg's `bgr0`) written to
/// its stdin into `VideoRecording.path`. Used by the frame writer thread only.
///
/// Its stdin is one end of a Unix socket pair, not a pipe: Seawall writes with `send(MSG_NOSIGNAL)`, so an
/// ffmpeg that dies gives an EPIPE error and not a SIGPIPE that would kill the compositor. ffmpeg runs in a
/// process group of its own (`Spawn`: a Ctrl-C in the terminal stops Seawall, which then closes the video
/// properly, instead of killing ffmpeg mid-file).
final class VideoEncoder {
    let recording: VideoRecording
    let width: Int, height: Int
    private var socket: OwnedFD?
    private var pid: pid_t = 0
    private(set) var framesSent = 0

    init(_ recording: VideoRecording, width: Int, height: Int) throws(ScanoutError) {
        self.recording = recording
        self.width = width
        self.height = height
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
            throw ScanoutError("--record: socketpair: \(String(cString: strerror(errno)))")
        }
        let ours = OwnedFD(taking: pair[0]), theirs = OwnedFD(taking: pair[1])
        let suffix = String(recording.path.split(separator: ".").last ?? "").lowercased()
        let arguments = ["-hide_banner", "-loglevel", "error", "-nostdin", "-y",
                         "-f", "rawvideo", "-pixel_format", "bgr0", "-video_size", "\(width)x\(height)",
                         "-framerate", "\(recording.framesPerSecond)", "-i", "pipe:0",
                         // 4:2:0 needs even sizes: an odd edge gets one black row or column.
                         "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-pix_fmt", "yuv420p"]
            + (VideoRecording.containers[suffix] ?? []) + [recording.path]
        do {
            pid = try Spawn.start(recording.ffmpeg, arguments: arguments,
                                  descriptors: [(theirs.rawValue, 0)], ownProcessGroup: true)
        } catch {
            throw ScanoutError("--record: cannot start \(recording.ffmpeg): \(error.reason)")
        }
        socket = consume ours
        _ = consume theirs   // closed here: only ffmpeg holds that end now
    }

    deinit {
        if socket != nil { _ = try? finish() }
    }

    /// Sends one frame: `height` rows of `width` pixels, `stride` bytes apart.
    func send(_ pixels: UnsafeRawPointer, stride: Int) throws(ScanoutError) {
        guard let fd = socket?.rawValue else { throw ScanoutError("--record \(recording.path): the video is already closed") }
        let row = width * 4
        if stride == row {
            try sendAll(fd, pixels, row * height)
        } else {
            for y in 0..<height { try sendAll(fd, pixels + y * stride, row) }
        }
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
