import Glibc
import Scanout
import SeawallTestSupport
import Testing

/// The `seawall` executable as a person runs it: a real process, a listening socket in a private
/// XDG_RUNTIME_DIR, real clients, signals, files, and its messages for things that go wrong.
@Suite(.serialized)
struct SeawallProcessTests {
    static let seawall = Harness.binaryDirectory + "/seawall"
    static let demo = Harness.binaryDirectory + "/seawall-demo"

    /// A fresh private runtime directory (mode 0700, like /run/user/UID).
    static func runtimeDirectory() throws -> String { try TestFiles.makeRuntimeDirectory(prefix: "seawall-test") }

    /// Starts seawall on `socket` and waits until it says it listens (after the socket exists).
    static func start(_ runtime: String, socket: String, _ arguments: [String] = []) throws -> ChildProcess {
        let child = try ChildProcess(executable: seawall, arguments: ["--socket", socket] + arguments,
                                     environment: ["XDG_RUNTIME_DIR": runtime])
        guard child.wait(seconds: 20, until: { $0.stdout.contains("seawall: listening on \(socket) ") }) else {
            throw ChildProcess.SpawnError(description: "seawall did not start\n" + child.transcript)
        }
        return child
    }

    static func demo(_ runtime: String, socket: String, _ arguments: [String]) throws -> ChildProcess {
        try ChildProcess(executable: demo, arguments: arguments,
                         environment: ["XDG_RUNTIME_DIR": runtime, "WAYLAND_DISPLAY": socket])
    }

    /// The signal masks of a process from /proc/PID/status (SigCgt: caught, SigIgn: ignored).
    static func signalMask(_ pid: pid_t, _ field: String) -> UInt64? {
        guard let file = fopen("/proc/\(pid)/status", "r") else { return nil }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 512)
        while fgets(&line, 512, file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.hasPrefix(field + ":") {
                let hex = text.dropFirst(field.count + 1).filter { !$0.isWhitespace }
                return UInt64(hex, radix: 16)
            }
        }
        return nil
    }

    @Test("no SIGBUS handler in the seawall process, after serving clients that grow their pools")
    func sigbusDisposition() throws {
        let runtime = try Self.runtimeDirectory()
        let server = try Self.start(runtime, socket: "s", ["--backend", "null", "--refresh", "0"])
        let client = try Self.demo(runtime, socket: "s", ["checkerboard", "--size", "64x64", "--grow-to", "128x96",
                                                          "--grow-after", "2", "--frames", "5"])
        #expect(client.wait(seconds: 30), "the client finished")
        #expect(client.exitStatus == 0, Comment(rawValue: client.transcript))
        #expect(server.isRunning)
        let bus = UInt64(1) << UInt64(SIGBUS - 1)
        let caught = try #require(Self.signalMask(server.pid, "SigCgt"))
        let ignored = try #require(Self.signalMask(server.pid, "SigIgn"))
        #expect(caught & bus == 0, "SIGBUS has a handler in seawall (SigCgt \(String(caught, radix: 16)))")
        #expect(ignored & bus == 0, "SIGBUS is ignored in seawall")
        server.terminate()
        #expect(server.exitStatus == 0, Comment(rawValue: server.transcript))
    }

    /// The main thread's voluntary context switches (/proc/PID/status): how often the event loop went to sleep.
    static func voluntarySwitches(_ pid: pid_t) -> Int? {
        guard let file = fopen("/proc/\(pid)/status", "r") else { return nil }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 512)
        while fgets(&line, 512, file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.hasPrefix("voluntary_ctxt_switches:") { return Int(text.dropFirst(24).filter { !$0.isWhitespace }) }
        }
        return nil
    }

    @Test("--refresh 60 with nothing to draw: the frame clock stops (the event loop sleeps instead of waking 60 times a second) and starts again for the next client's frames")
    func idleFrameClockStops() throws {
        let runtime = try Self.runtimeDirectory()
        let server = try Self.start(runtime, socket: "s", ["--backend", "null", "--refresh", "60"])
        let first = try Self.demo(runtime, socket: "s", ["solid", "--size", "64x64", "--frames", "3", "--hold"])
        #expect(first.wait(seconds: 30) { $0.stdout.contains("3 frames shown") }, Comment(rawValue: first.transcript))
        usleep(300_000)   // the first tick with nothing to do stops the clock
        let before = try #require(Self.voluntarySwitches(server.pid))
        usleep(1_000_000)
        let after = try #require(Self.voluntarySwitches(server.pid))
        // A running 60 Hz clock wakes the loop about 60 times in that second.
        #expect(after - before < 15, "the idle event loop woke \(after - before) times in a second")
        // A new client's frames are still shown and answered: the clock starts again.
        let second = try Self.demo(runtime, socket: "s", ["gradient", "--size", "64x64", "--frames", "10"])
        #expect(second.wait(seconds: 30), "the second client's 10 frames never all came")
        #expect(second.exitStatus == 0, Comment(rawValue: second.transcript))
        first.terminate()
        server.terminate()
        #expect(server.exitStatus == 0, Comment(rawValue: server.transcript))
    }

    @Test("SIGTERM writes last.ppm and last.png of the frame on screen, and exits 0")
    func sigtermWritesLastFrame() throws {
        let runtime = try Self.runtimeDirectory()
        let output = runtime + "/frames"
        let server = try Self.start(runtime, socket: "s", ["--size", "640x480", "--output-dir", output,
                                                           "--dump-every", "1"])
        #expect(server.stdout.contains("listening on s"), Comment(rawValue: server.transcript))
        let client = try Self.demo(runtime, socket: "s", ["gradient", "--size", "320x240", "--frames", "3", "--hold"])
        #expect(client.wait(seconds: 30) { $0.stdout.contains("3 frames shown") }, Comment(rawValue: client.transcript))

        kill(server.pid, SIGTERM)
        #expect(server.wait(seconds: 20))
        #expect(server.exitStatus == 0, Comment(rawValue: server.transcript))
        #expect(server.stdout.contains("wrote \(output)/last.ppm") && server.stdout.contains("wrote \(output)/last.png"),
                Comment(rawValue: server.transcript))
        // The client held its third frame, so that is what is on screen: the same as the in-process golden.
        expectGolden(try RGBImage(contentsOfPPM: output + "/last.ppm"), "opaque-gradient")
        var signature = [UInt8](repeating: 0, count: 8)
        if let file = fopen(output + "/last.png", "r") { _ = fread(&signature, 1, 8, file); fclose(file) }
        #expect(signature == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "last.png is a PNG")
        var st = stat()
        #expect(stat(output + "/frame-000001.ppm", &st) == 0, "--dump-every 1 wrote the first frame")
        // The held client sees the compositor go away and exits cleanly.
        #expect(client.wait(seconds: 10) && client.exitStatus == 0, Comment(rawValue: client.transcript))
    }

    @Test("a client with an unsealed memfd is refused by seawall with the reason")
    func unsealedRefused() throws {
        let runtime = try Self.runtimeDirectory()
        let server = try Self.start(runtime, socket: "s", ["--backend", "null"])
        let client = try Self.demo(runtime, socket: "s", ["solid", "--unsealed"])
        #expect(client.wait(seconds: 20))
        #expect(client.exitStatus == 3, Comment(rawValue: client.transcript))
        #expect(client.stderr.contains("seawall-demo: the compositor refused this client: wl_shm@"),
                Comment(rawValue: client.transcript))
        #expect(client.stderr.contains("pool fd is not sealed with F_SEAL_SHRINK"), Comment(rawValue: client.transcript))
        #expect(server.isRunning, "seawall keeps running")
        server.terminate()
        #expect(server.stderr.contains("refused a pool"), "seawall logs the refusal")
    }

    @Test("a socket that is in use is reported, with exit status 1")
    func socketInUse() throws {
        let runtime = try Self.runtimeDirectory()
        let first = try Self.start(runtime, socket: "busy", ["--backend", "null"])
        let second = try ChildProcess(executable: Self.seawall, arguments: ["--socket", "busy", "--backend", "null"],
                                      environment: ["XDG_RUNTIME_DIR": runtime])
        #expect(second.wait(seconds: 20))
        #expect(second.exitStatus == 1, Comment(rawValue: second.transcript))
        #expect(second.stderr.contains("seawall: error:") && second.stderr.contains("busy") && second.stderr.contains("in use"),
                Comment(rawValue: second.transcript))
        #expect(first.isRunning)
        first.terminate()
    }

    @Test("no XDG_RUNTIME_DIR is reported, with exit status 1")
    func missingRuntimeDirectory() throws {
        let child = try ChildProcess(executable: Self.seawall, arguments: ["--backend", "null"],
                                     environment: ["XDG_RUNTIME_DIR": nil])
        #expect(child.wait(seconds: 20))
        #expect(child.exitStatus == 1, Comment(rawValue: child.transcript))
        #expect(child.stderr.contains("XDG_RUNTIME_DIR"), Comment(rawValue: child.transcript))
    }

    @Test("bad flags are explained, with exit status 64", arguments: [
        (["--size", "0x480"], "--size"),
        (["--refresh", "-1"], "--refresh"),
        (["--backend", "vulkan"], "--backend"),
        (["--socket", "a/b"], "--socket"),
        (["--xdg-wm-base-version", "6"], "--xdg-wm-base-version"),
        (["--max-copy-mib", "0"], "--max-copy-mib"),
        (["--max-pool-mib", "2199023255553"], "--max-pool-mib"),
        (["--max-buffer-size", "16385"], "--max-buffer-size must be at most 16384"),
        // Several outputs (--output WxH[@SCALE][+X,Y], repeated).
        (["--output", "big"], "--output big: expected WxH[@SCALE][+X,Y], e.g. 1280x720"),
        (["--output", "640x480x2"], "--output 640x480x2: expected WxH[@SCALE][+X,Y]"),
        (["--output=-640x480"], "--output -640x480: expected WxH[@SCALE][+X,Y]"),
        (["--output", "640x480+-5,0"], "--output 640x480+-5,0: expected WxH[@SCALE][+X,Y]"),
        (["--output", "640x480+10"], "--output 640x480+10: expected WxH[@SCALE][+X,Y]"),
        (["--output", "0x0"], "--output 0x0: each side must be 1 to 16384 pixels"),
        (["--output", "16385x10"], "--output 16385x10: each side must be 1 to 16384 pixels"),
        (["--output", "640x480@5"], "--output 640x480@5: scale 5 is outside 1 to 4"),
        (["--output", "640x480@1.33"], "--output 640x480@1.33: scale 1.33 is not a multiple of 1/120"),
        (["--output", "640x480+70000,0"], "--output 640x480+70000,0: a position is at most 65536,65536"),
        (["--output", "640x480", "--output", "640x480+100,0"],
         "output 2 (640x480+100,0, logically 640x480 at 100,0) overlaps output 1 (640x480 at 0,0); give positions with +X,Y"),
        (["--output", "800x600@2+0,0", "--output", "10x10+399,299"], "output 2 (10x10+399,299, logically 10x10 at 399,299) overlaps output 1 (400x300 at 0,0)"),
        (Array(repeating: ["--output", "10x10"], count: 9).flatMap { $0 }, "--output was given 9 times; Seawall drives at most 8 outputs"),
        (["--output", "640x480", "--size", "800x600"], "--output gives each output's size and scale (WxH@SCALE): use it instead of --size and --scale"),
        (["--output", "640x480", "--scale", "2"], "--output gives each output's size and scale (WxH@SCALE): use it instead of --size and --scale"),
        (["--output", "640x480", "--backend", "drm"], "--output goes with the ppm or null backend: a DRM display is one output"),
    ])
    func badFlags(arguments: [String], flag: String) throws {
        let child = try ChildProcess(executable: Self.seawall, arguments: arguments)
        #expect(child.wait(seconds: 20))
        #expect(child.exitStatus == 64, Comment(rawValue: child.transcript))
        #expect(child.stderr.contains(flag), Comment(rawValue: child.transcript))
    }

    @Test("seawall run refuses a bad --output the same way, with 64, before starting anything")
    func runBadOutput() throws {
        let child = try ChildProcess(executable: Self.seawall, arguments: ["run", "--output", "640x480", "--output", "640x480+1,1", "--", "/bin/true"])
        #expect(child.wait(seconds: 20))
        #expect(child.exitStatus == 64, Comment(rawValue: child.transcript))
        #expect(child.stderr.contains("output 2 (640x480+1,1, logically 640x480 at 1,1) overlaps output 1"), Comment(rawValue: child.transcript))
        #expect(child.stdout.isEmpty, Comment(rawValue: child.transcript))
    }
}

/// Which xdg_wm_base version seawall offers, as a real client (wayland-info) sees it.
@Suite(.serialized)
struct XdgWmBaseVersionTests {
    @Test("xdg_wm_base is offered at version 3 by default and up to --xdg-wm-base-version", arguments: [
        ([], 3), (["--xdg-wm-base-version", "5"], 5), (["--xdg-wm-base-version", "1"], 1),
    ])
    func offeredVersion(arguments: [String], expected: Int) throws {
        let tool = "/usr/bin/wayland-info"
        try #require(access(tool, X_OK) == 0, "\(tool) is missing: install Debian's wayland-utils")
        let runtime = try SeawallProcessTests.runtimeDirectory()
        let server = try SeawallProcessTests.start(runtime, socket: "v", ["--backend", "null"] + arguments)
        defer { server.terminate() }
        let info = try ChildProcess(executable: tool, arguments: [],
                                    environment: ["XDG_RUNTIME_DIR": runtime, "WAYLAND_DISPLAY": "v"])
        #expect(info.wait(seconds: 20))
        // wayland-info: "interface: 'xdg_wm_base',  version:  5, name: 7"
        let line = info.stdout.split(separator: "\n").first { $0.contains("'xdg_wm_base'") }
        let words = line.map { $0.split(whereSeparator: { " ,:".contains($0) }) } ?? []
        let version = words.firstIndex(of: "version").flatMap { $0 + 1 < words.count ? Int(words[$0 + 1]) : nil }
        #expect(version == expected, Comment(rawValue: info.transcript))
    }
}

/// Debian's weston-presentation-shm against the real seawall at 60 Hz: wp_presentation feedback arrives
/// for every frame, one refresh apart.
@Suite(.serialized)
struct PresentationTests {
    @Test("weston-presentation-shm sees one frame per 60 Hz refresh, in sequence")
    func presentationShm() throws {
        let client = "/usr/bin/weston-presentation-shm"
        try #require(access(client, X_OK) == 0, "\(client) is missing: install Debian's weston package")
        let runtime = try SeawallProcessTests.runtimeDirectory()
        let server = try SeawallProcessTests.start(runtime, socket: "s", ["--backend", "null", "--refresh", "60"])
        let child = try ChildProcess(executable: client, arguments: [],
                                     environment: ["XDG_RUNTIME_DIR": runtime, "WAYLAND_DISPLAY": "s"])
        // At least 45 frames' lines (it prints one per presented frame; stdio hands a pipe whole blocks of
        // about 45), then stop it the way a person would.
        func presented(_ child: ChildProcess) -> Int { child.stdout.split(separator: "\n").filter { $0.contains(" p2p ") }.count }
        #expect(child.wait(seconds: 30) { presented($0) >= 45 }, Comment(rawValue: "too few presented frames\n" + child.transcript))
        kill(child.pid, SIGINT)
        #expect(child.wait(seconds: 10))
        // Lines look like: "   42: f2c  0 ms, c2p 17 ms, f2p 17 ms, p2p 16228 us, t2p  16183, [____], seq 43"
        var p2p: [Int] = [], seqs: [Int] = []
        for line in child.stdout.split(separator: "\n") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
            if let i = words.firstIndex(of: "p2p"), i + 1 < words.count, let v = Int(words[i + 1]) { p2p.append(v) }
            if let i = words.firstIndex(of: "seq"), i + 1 < words.count, let v = Int(words[i + 1]) { seqs.append(v) }
        }
        #expect(p2p.count >= 40, Comment(rawValue: "too few presented frames\n" + child.transcript))
        let steady = p2p.dropFirst(2).sorted()
        let median = steady.isEmpty ? 0 : steady[steady.count / 2]
        #expect((16_400...16_950).contains(median), "median presentation interval \(median) us is not ~16.7 ms")
        #expect(zip(seqs, seqs.dropFirst()).allSatisfy { $1 == $0 + 1 }, "presentation sequence numbers advance by one")
        #expect(!child.stderr.contains("error"), Comment(rawValue: child.transcript))
        #expect(server.isRunning)
        server.terminate()
    }
}
