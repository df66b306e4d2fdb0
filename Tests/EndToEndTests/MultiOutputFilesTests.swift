import Compositor
import Glibc
@testable import Scanout
import SeawallTestSupport
import Testing
import WaylandServer

/// Frame files of several outputs: the first output's in --output-dir, each other's in --output-dir/SEAWALL-N.
/// Every output presents every frame (damaged or not), so with --dump-every both directories get the same
/// frame numbers; and the frame writer's queue is one for all of them: when any output's writer is behind,
/// the next frame waits for it (Server.scanoutsHaveRoom), so no output skips a frame another one dumps.
@Suite(.serialized)
struct MultiOutputFilesTests {
    /// The frame-NNNNNN.ppm names in `directory`, sorted.
    static func frameFiles(_ directory: String) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasPrefix("frame-") && name.hasSuffix(".ppm") { names.append(name) }
        }
        return names.sorted()
    }

    /// A pipe the second output's writer thread reads one byte from before each frame it writes.
    final class Gate: @unchecked Sendable {
        let read: Int32, write: Int32
        init() {
            var fds: [Int32] = [0, 0]
            precondition(pipe(&fds) == 0)
            (read, write) = (fds[0], fds[1])
        }
        func wait() { var byte: UInt8 = 0; _ = Glibc.read(read, &byte, 1) }
        func release(_ count: Int) { for _ in 0..<count { var byte: UInt8 = 1; _ = Glibc.write(write, &byte, 1) } }
        deinit { close(read); close(write) }
    }

    @Test("a second output whose frame writer is held back holds every frame back: the first output does not run ahead, and both directories get frames 1 to N")
    func slowSecondOutputHoldsFramesBack() throws {
        let directory = try TestFiles.makeRuntimeDirectory(prefix: "seawall-outputs-files")
        defer { try? TestFiles.remove(directory) }
        let gate = Gate()
        let first = try FileScanout(outputDirectory: directory, dumpEvery: 1)
        let second = try FileScanout(outputDirectory: directory + "/SEAWALL-2", dumpEvery: 1, recording: nil,
                                     beforeWrite: { _ in gate.wait() })
        // --refresh 0: a frame as soon as a commit waits, unless a writer has no room (then when it has).
        let harness = try Harness(scanout: first, otherScanouts: [second]) {
            $0.outputs = [OutputSpec(width: 160, height: 120), OutputSpec(width: 160, height: 120)]
            $0.refresh = .onCommit
        }
        // The box moves every frame, paced by its frame callbacks: a commit waits after every frame.
        let client = try harness.demo(["box", "--size", "100x60", "--frames", "16"])
        try harness.run(seconds: 30) { harness.server.framesDelayedByScanout > 0 || !client.isRunning }
        #expect(client.isRunning, Comment(rawValue: client.transcript))
        // The second output's queue is full (small frames: FrameWriter.maxSlots slots), the first's is empty.
        let held = harness.server.frameCount
        #expect(held == UInt64(FrameWriter.maxSlots), "frames composed while the second writer wrote nothing: \(held)")
        #expect(second.framesInFlight == FrameWriter.maxSlots)
        #expect(!second.hasRoom(forFrame: held + 1))
        // Nothing frees a slot while the gate is shut: however long the loop runs, no frame is composed.
        for _ in 0..<50 { harness.server.display.dispatch(timeoutMilliseconds: 2) }
        #expect(harness.server.frameCount == held, "a frame was composed while the second output's writer had no room")
        #expect(Self.frameFiles(directory + "/SEAWALL-2").isEmpty)

        gate.release(1000)
        try harness.run(seconds: 30) { client.stdout.contains("seawall-demo: 16 frames shown") || !client.isRunning }
        #expect(client.exitStatus == nil || client.exitStatus == 0, Comment(rawValue: client.transcript))
        let frames = harness.server.frameCount
        _ = try harness.server.finish()
        let expected = (1...frames).map { first.path(forFrame: $0).split(separator: "/").last.map(String.init) ?? "" }
        #expect(Self.frameFiles(directory) == expected)
        #expect(Self.frameFiles(directory + "/SEAWALL-2") == expected)
        #expect(frames >= 16, "the client's 16 frames were all composed: \(frames)")
    }

    @Test("seawall --output twice --dump-every 2: --output-dir and --output-dir/SEAWALL-2 get the same frame numbers, and each its last.ppm and last.png")
    func dumpEveryAcrossOutputs() throws {
        let runtime = try SeawallProcessTests.runtimeDirectory()
        defer { try? TestFiles.remove(runtime) }
        let output = runtime + "/frames"
        let server = try SeawallProcessTests.start(runtime, socket: "s", [
            "--output", "320x240", "--output", "200x100@2+320,40", "--refresh", "0",
            "--output-dir", output, "--dump-every", "2"])
        #expect(server.stdout.contains("SEAWALL-1 320x240 at 0,0, SEAWALL-2 200x100@2 at 320,40"), Comment(rawValue: server.transcript))
        let client = try SeawallProcessTests.demo(runtime, socket: "s", ["box", "--size", "100x60", "--frames", "12", "--hold"])
        #expect(client.wait(seconds: 30) { $0.stdout.contains("12 frames shown") }, Comment(rawValue: client.transcript))
        kill(server.pid, SIGTERM)
        #expect(server.wait(seconds: 20) && server.exitStatus == 0, Comment(rawValue: server.transcript))
        let firstFiles = Self.frameFiles(output), secondFiles = Self.frameFiles(output + "/SEAWALL-2")
        #expect(firstFiles.count >= 6, "12 frames at --dump-every 2: \(firstFiles)")
        #expect(firstFiles == secondFiles)
        #expect(firstFiles.allSatisfy { name in Int(name.dropFirst(6).prefix(6)).map { $0 % 2 == 0 } ?? false }, "\(firstFiles)")
        for directory in [output, output + "/SEAWALL-2"] {
            #expect(server.stdout.contains("wrote \(directory)/last.ppm") && server.stdout.contains("wrote \(directory)/last.png"),
                    Comment(rawValue: server.transcript))
        }
        // Each directory holds its own output's frames: SEAWALL-2's are 200x100 pixels.
        let last = try RGBImage(contentsOfPPM: output + "/SEAWALL-2/last.ppm")
        let dumped = try RGBImage(contentsOfPPM: output + "/SEAWALL-2/" + (secondFiles.last ?? ""))
        #expect(last.width == 200 && last.height == 100 && dumped.width == 200 && dumped.height == 100)
        #expect(try RGBImage(contentsOfPPM: output + "/last.ppm").width == 320)
    }
}
