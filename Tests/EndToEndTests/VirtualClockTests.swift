import Glibc
import SeawallTestSupport
import Testing

/// `--clock virtual`: frame callback and presentation times advance exactly one period per frame, so an app
/// that animates from them draws the same frame N on every run. Two runs of the real seawall, repainting on
/// every commit and dumping every frame, must write byte-identical frames, the second one on a machine kept
/// busy by CPU hogs.
@Suite(.serialized)
struct VirtualClockTests {
    /// Runs `client` (with WAYLAND_DISPLAY set) under `seawall --refresh 0 --clock virtual --dump-every 1`
    /// until it has written `frames` frames (or the client exits), and returns the frame files' bytes in order.
    static func frames(of client: [String], count frames: Int, clock: String = "virtual",
                       hogs: Int = 0) throws -> [[UInt8]] {
        let runtime = try TestFiles.makeRuntimeDirectory(prefix: "seawall-vclock")
        let output = runtime + "/frames"
        defer { _ = try? TestFiles.remove(runtime) }
        let busy = try (0..<hogs).map { _ in
            try ChildProcess(executable: "/bin/sh", arguments: ["-c", "while :; do :; done"])
        }
        defer { busy.forEach { $0.terminate() } }
        let server = try SeawallProcessTests.start(runtime, socket: "vc", [
            "--size", "320x240", "--refresh", "0", "--clock", clock, "--backend", "ppm",
            "--output-dir", output, "--dump-every", "1", "--log-level", "warning",
        ])
        defer { server.terminate() }
        let app = try ChildProcess(executable: client[0], arguments: Array(client.dropFirst()),
                                   environment: ["XDG_RUNTIME_DIR": runtime, "WAYLAND_DISPLAY": "vc"])
        defer { app.terminate() }
        // Frame N is complete once frame N + 1 exists (files are written whole, frame by frame).
        let next = output + "/" + frameName(frames + 1)
        _ = app.wait(seconds: 60) { _ in access(next, F_OK) == 0 }
        app.terminate()
        server.terminate()
        return try (1...frames).map { n in
            let path = output + "/" + frameName(n)
            guard let bytes = TestFiles.read(path) else {
                throw ChildProcess.SpawnError(description: "no \(path)\n\(app.transcript)\n\(server.transcript)")
            }
            return bytes
        }
    }

    static func frameName(_ n: Int) -> String {
        let digits = String(n)
        return "frame-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits + ".ppm"
    }

    @Test("weston-simple-shm, which animates from its frame callbacks' times: 120 frames identical in two runs, one under load")
    func westonSimpleShmIsDeterministic() throws {
        let first = try Self.frames(of: ["/usr/bin/weston-simple-shm"], count: 120)
        let second = try Self.frames(of: ["/usr/bin/weston-simple-shm"], count: 120, hogs: 2)
        let differing = zip(first, second).enumerated().filter { $0.element.0 != $0.element.1 }.map { $0.offset + 1 }
        #expect(differing.isEmpty, "frames that differ: \(differing.prefix(10))")
        #expect(Set(first).count > 60, "the client animates: most frames differ from each other")
    }

    @Test("the real clock gives weston-simple-shm different frames on each run (what --clock virtual fixes)")
    func theRealClockDoesNot() throws {
        let first = try Self.frames(of: ["/usr/bin/weston-simple-shm"], count: 30, clock: "monotonic")
        let second = try Self.frames(of: ["/usr/bin/weston-simple-shm"], count: 30, clock: "monotonic")
        #expect(zip(first, second).contains { $0 != $1 })
    }

    @Test("seawall-demo box: 60 frames identical in two runs, one under load")
    func demoBoxIsDeterministic() throws {
        let demo = [SeawallProcessTests.demo, "box", "--size", "200x150", "--frames", "80"]
        let first = try Self.frames(of: demo, count: 60)
        let second = try Self.frames(of: demo, count: 60, hogs: 2)
        #expect(first == second)
        #expect(Set(first).count > 30)
    }
}
