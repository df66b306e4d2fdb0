import Glibc
import Scanout
import SeawallTestSupport
import Testing

/// `--record FILE` and `--dump-every 1` through the real `seawall run`, with the frame writer thread: the video
/// is decoded by Debian's ffprobe/ffmpeg and checked against the frame files of the same run.
@Suite(.serialized)
struct RecordTests {
    static let ffmpeg = "/usr/bin/ffmpeg"
    static let ffprobe = "/usr/bin/ffprobe"

    /// `ffprobe`'s decoded frame count and size of `path`'s video stream ("W,H,N").
    static func probe(_ path: String) throws -> (width: Int, height: Int, frames: Int)? {
        let child = try ChildProcess(executable: ffprobe, arguments: [
            "-v", "error", "-count_frames", "-select_streams", "v:0",
            "-show_entries", "stream=width,height,nb_read_frames", "-of", "csv=p=0", path])
        #expect(child.wait(seconds: 60), Comment(rawValue: child.transcript))
        let fields = child.stdout.split(whereSeparator: { $0 == "," || $0 == "\n" }).compactMap { Int($0) }
        guard child.exitStatus == 0, fields.count == 3 else { return nil }
        return (fields[0], fields[1], fields[2])
    }

    /// `n` zero-padded to six digits, as frame file names have it.
    static func sixDigits(_ n: Int) -> String {
        let digits = String(n)
        return String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// The number of frame files DIR/frame-000001.ppm, frame-000002.ppm, … without a gap.
    static func consecutiveFrames(in directory: String) -> Int {
        var count = 0
        while access(directory + "/frame-" + sixDigits(count + 1) + ".ppm", F_OK) == 0 { count += 1 }
        return count
    }

    @Test("under the virtual clock, video frame N is composed frame N: as many frames as frame files, and frame 10 decodes to its PPM dump")
    func videoMatchesFrameFiles() throws {
        let directory = try TestFiles.makeRuntimeDirectory(prefix: "seawall-record-test")
        defer { try? TestFiles.remove(directory) }
        let video = directory + "/run.mkv", frames = directory + "/frames"
        let child = try RunTests.run(["--size", "320x240", "--clock", "virtual", "--record", video,
                                      "--dump-every", "1", "--output-dir", frames, "--",
                                      RunTests.demo, "gradient", "--size", "200x150", "--frames", "20"])
        #expect(child.exitStatus == 0, Comment(rawValue: child.transcript))
        let written = Self.consecutiveFrames(in: frames)
        #expect(written >= 20, "only \(written) frame files")
        let probed = try #require(try Self.probe(video), "ffprobe could not read \(video)")
        #expect(probed.width == 320 && probed.height == 240)
        #expect(probed.frames == written, "the video has \(probed.frames) frames, the run wrote \(written) frame files")

        // Frame 10 (index 9) out of the video, as RGB, against frame-000010.ppm: equal but for the video
        // encoding's small losses (4:2:0 chroma at the window's edges).
        let decoded = directory + "/decoded-10.ppm"
        let extract = try ChildProcess(executable: Self.ffmpeg, arguments: [
            "-v", "error", "-i", video, "-vf", "select=eq(n\\,9)", "-frames:v", "1", "-pix_fmt", "rgb24", "-c:v", "ppm", "-y", decoded])
        #expect(extract.wait(seconds: 60) && extract.exitStatus == 0, Comment(rawValue: extract.transcript))
        let fromVideo = try RGBImage(contentsOfPPM: decoded)
        let fromFile = try RGBImage(contentsOfPPM: frames + "/frame-000010.ppm")
        let other = try RGBImage(contentsOfPPM: frames + "/frame-000015.ppm")
        #expect(fromVideo.width == fromFile.width && fromVideo.height == fromFile.height)
        let close = Self.difference(fromVideo, fromFile), far = Self.difference(fromVideo, other)
        #expect(close.mean < 2.0 && close.outliers < 0.01,
                "video frame 10 vs frame-000010.ppm: mean channel difference \(close.mean), \(close.outliers * 100) % of pixels off by more than 32")
        // The check can tell frames apart: the gradient slides 4 levels a frame, so frame 15 is further away.
        #expect(far.mean > close.mean + 1.0, "frame 15 (\(far.mean)) is not told apart from frame 10 (\(close.mean))")
    }

    @Test("an odd output size in MP4: the video is one black column and row larger, and frame 10 decodes to its PPM dump inside")
    func oddSizeIsPaddedBlack() throws {
        let directory = try TestFiles.makeRuntimeDirectory(prefix: "seawall-record-test")
        defer { try? TestFiles.remove(directory) }
        let video = directory + "/odd.mp4", frames = directory + "/frames"
        let (width, height) = (321, 241)
        let child = try RunTests.run(["--size", "\(width)x\(height)", "--clock", "virtual", "--record", video,
                                      "--dump-every", "1", "--output-dir", frames, "--",
                                      RunTests.demo, "gradient", "--size", "200x150", "--frames", "12"])
        #expect(child.exitStatus == 0, Comment(rawValue: child.transcript))
        let written = Self.consecutiveFrames(in: frames)
        let probed = try #require(try Self.probe(video), "ffprobe could not read \(video)")
        #expect(probed.width == width + 1 && probed.height == height + 1, "the video is \(probed.width)x\(probed.height)")
        #expect(written >= 12 && probed.frames == written, "the video has \(probed.frames) frames, the run wrote \(written) frame files")

        // Frame 10 as RGB, cropped to the output's size, against its PPM dump (as in videoMatchesFrameFiles).
        let decoded = directory + "/decoded-10.ppm"
        let extract = try ChildProcess(executable: Self.ffmpeg, arguments: [
            "-v", "error", "-i", video, "-vf", "select=eq(n\\,9),format=rgb24,crop=\(width):\(height):0:0", "-frames:v", "1",
            "-pix_fmt", "rgb24", "-c:v", "ppm", "-y", decoded])
        #expect(extract.wait(seconds: 60) && extract.exitStatus == 0, Comment(rawValue: extract.transcript))
        let fromVideo = try RGBImage(contentsOfPPM: decoded)
        let fromFile = try RGBImage(contentsOfPPM: frames + "/frame-000010.ppm")
        #expect(fromVideo.width == width && fromVideo.height == height)
        let close = Self.difference(fromVideo, fromFile)
        #expect(close.mean < 2.0 && close.outliers < 0.01,
                "video frame 10 vs frame-000010.ppm: mean channel difference \(close.mean), \(close.outliers * 100) % of pixels off by more than 32")

        // The extra column and row are black: luma 16 (give or take the encoding), where a copy of the edge
        // (the background, 0x202830) would be about 49. Read from frame 10's Y plane as the decoder gives it.
        let planes = directory + "/decoded-10.yuv"
        let raw = try ChildProcess(executable: Self.ffmpeg, arguments: [
            "-v", "error", "-i", video, "-vf", "select=eq(n\\,9)", "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-y", planes])
        #expect(raw.wait(seconds: 60) && raw.exitStatus == 0, Comment(rawValue: raw.transcript))
        let luma = try #require(Self.contents(of: planes).map { Array($0.prefix((width + 1) * (height + 1))) })
        try #require(luma.count == (width + 1) * (height + 1), "\(luma.count) bytes of Y plane")
        let padding = (0...height).map { luma[$0 * (width + 1) + width] } + (0..<width).map { luma[height * (width + 1) + $0] }
        #expect(padding.allSatisfy { (12...22).contains($0) }, "the padding's luma ranges \(padding.min() ?? 0)-\(padding.max() ?? 0)")
    }

    /// The bytes of the file at `path`, or nil.
    static func contents(of path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = [], chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&chunk, 1, chunk.count, file)
            if n <= 0 { break }
            bytes += chunk[0..<n]
        }
        return bytes
    }

    /// Mean absolute channel difference, and the share of pixels with a channel more than 32 off.
    static func difference(_ a: RGBImage, _ b: RGBImage) -> (mean: Double, outliers: Double) {
        guard a.bytes.count == b.bytes.count, !a.bytes.isEmpty else { return (255, 1) }
        var sum = 0, outliers = 0
        for pixel in stride(from: 0, to: a.bytes.count, by: 3) {
            var worst = 0
            for channel in 0..<3 {
                let d = abs(Int(a.bytes[pixel + channel]) - Int(b.bytes[pixel + channel]))
                sum += d
                worst = max(worst, d)
            }
            if worst > 32 { outliers += 1 }
        }
        return (Double(sum) / Double(a.bytes.count), Double(outliers) / Double(a.bytes.count / 3))
    }

    @Test("on the real clock the video runs in real time: a still screen for about a second still gives about 60 frames")
    func realTimeVideo() throws {
        let directory = try TestFiles.makeRuntimeDirectory(prefix: "seawall-record-test")
        defer { try? TestFiles.remove(directory) }
        let video = directory + "/still.webm"
        let started = monotonicSeconds()
        let child = try RunTests.run(["--size", "160x120", "--record", video, "--", "/bin/sh", "-c",
                                      "\"$0\" solid --size 64x64 --frames 2 --hold & sleep 1; kill $!; wait", RunTests.demo])
        let elapsed = monotonicSeconds() - started
        #expect(child.exitStatus == 0, Comment(rawValue: child.transcript))
        let probed = try #require(try Self.probe(video), "ffprobe could not read \(video)")
        // Two frames were composed; every other refresh tick of the ~1 s repeats the last one. Loose bounds:
        // the machine may be loaded, but a video of 2 frames (no repeats) or of more ticks than time allows fails.
        #expect(probed.frames >= 30, "\(probed.frames) frames in about a second at 60 Hz")
        #expect(Double(probed.frames) <= (elapsed + 0.1) * 60, "\(probed.frames) frames in \(elapsed) s at 60 Hz")
    }

    @Test("a name ffmpeg cannot tell the container of, or no ffmpeg on PATH: seawall does not start, and says why")
    func refusals() throws {
        let bad = try RunTests.run(["--record", "/tmp/out.avi", "--", "/bin/true"])
        #expect(bad.exitStatus != 0)
        #expect(bad.stderr.contains("must end in .mkv, .mp4 or .webm"), Comment(rawValue: bad.transcript))
        let missing = try RunTests.run(["--record", "/tmp/seawall-never.mkv", "--", "/bin/true"], environment: ["PATH": "/nonexistent"])
        #expect(missing.exitStatus != 0)
        #expect(missing.stderr.contains("needs ffmpeg") && missing.stderr.contains("apt-get install ffmpeg"), Comment(rawValue: missing.transcript))
        #expect(access("/tmp/seawall-never.mkv", F_OK) != 0)
    }
}

