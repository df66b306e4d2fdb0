import Glibc
import Scanout
import SeawallTestSupport
import Testing

/// `seawall run -- COMMAND`: the real executable runs real commands under a private Seawall; what the
/// commands see (environment, fd limit, signals) they print, and the tests read it back.
@Suite(.serialized)
struct RunTests {
    static let seawall = Harness.binaryDirectory + "/seawall"
    static let demo = Harness.binaryDirectory + "/seawall-demo"

    /// `seawall run ARGUMENTS`, waited for (up to `seconds`).
    static func run(_ arguments: [String], environment: [String: String?] = [:], seconds: Double = 60) throws -> ChildProcess {
        let child = try ChildProcess(executable: seawall, arguments: ["run"] + arguments, environment: environment)
        #expect(child.wait(seconds: seconds), Comment(rawValue: "seawall run did not finish\n" + child.transcript))
        return child
    }

    /// `sh -c SCRIPT [$0 ...]` under `seawall run` with `options`.
    static func shell(_ script: String, _ options: [String] = [], arguments: [String] = []) throws -> ChildProcess {
        try run(options + ["--", "/bin/sh", "-c", script] + arguments)
    }

    /// The `NAME=value` lines a command printed, as a dictionary.
    static func values(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts.count == 2 { result[String(parts[0])] = String(parts[1]) }
        }
        return result
    }

    static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    @Test("COMMAND's exit status is seawall run's", arguments: [0, 1, 42])
    func exitStatusPassedThrough(status: Int32) throws {
        let child = try Self.shell("exit \(status)")
        #expect(child.exitStatus == status, Comment(rawValue: child.transcript))
        #expect(child.stderr.isEmpty, "a quiet wrapper: nothing on stderr\n\(child.transcript)")
    }

    @Test("a COMMAND killed by signal N gives 128+N, as shells report it", arguments: [(SIGKILL, "KILL"), (SIGTERM, "TERM")])
    func signalDeath(signal: Int32, name: String) throws {
        let child = try Self.shell("kill -\(name) $$")
        #expect(child.exitStatus == 128 + signal, Comment(rawValue: child.transcript))
    }

    @Test("a COMMAND that does not exist: 127 and one line; one that cannot be executed: 126")
    func commandNotFound() throws {
        let missing = try Self.run(["--", "seawall-no-such-command", "--flag"])
        #expect(missing.exitStatus == 127, Comment(rawValue: missing.transcript))
        #expect(missing.stderr == "seawall run: seawall-no-such-command: command not found\n", Comment(rawValue: missing.transcript))

        let directory = try TestFiles.makeRuntimeDirectory(prefix: "seawall-run-test")
        defer { unlink(directory + "/script"); rmdir(directory) }
        let fd = open(directory + "/script", O_WRONLY | O_CREAT, 0o644)   // not executable
        close(fd)
        let refused = try Self.run(["--", directory + "/script"])
        #expect(refused.exitStatus == 126, Comment(rawValue: refused.transcript))
        #expect(refused.stderr == "seawall run: \(directory)/script: cannot execute: Permission denied\n",
                Comment(rawValue: refused.transcript))
    }

    @Test("no COMMAND after -- is a usage error (64)")
    func noCommand() throws {
        let child = try Self.run(["--size", "320x200"])
        #expect(child.exitStatus == 64, Comment(rawValue: child.transcript))
        #expect(child.stderr.contains("after --"), Comment(rawValue: child.transcript))
    }

    @Test("COMMAND gets WAYLAND_DISPLAY, SEAWALL_CTL and a private XDG_RUNTIME_DIR, removed afterwards; not the caller's DISPLAY")
    func environment() throws {
        let child = try ChildProcess(
            executable: Self.seawall,
            arguments: ["run", "--", "/bin/sh", "-c", """
                echo WAYLAND_DISPLAY=$WAYLAND_DISPLAY; echo XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR
                echo SEAWALL_CTL=$SEAWALL_CTL; echo DISPLAY=${DISPLAY-unset}; echo WAYLAND_SOCKET=${WAYLAND_SOCKET-unset}
                echo KEPT=$SEAWALL_RUN_TEST_KEPT; echo MODE=$(stat -c %a "$XDG_RUNTIME_DIR")
                test -S "$XDG_RUNTIME_DIR/$WAYLAND_DISPLAY" && echo SOCKET=yes
                """],
            environment: ["XDG_RUNTIME_DIR": "/nonexistent-caller-dir", "DISPLAY": ":99", "WAYLAND_DISPLAY": "caller-0",
                          "WAYLAND_SOCKET": "7", "SEAWALL_RUN_TEST_KEPT": "kept"])
        #expect(child.wait(seconds: 60))
        #expect(child.exitStatus == 0, Comment(rawValue: child.transcript))
        let seen = Self.values(child.stdout)
        let runtime = try #require(seen["XDG_RUNTIME_DIR"])
        #expect(runtime.hasPrefix("/tmp/seawall-run."), Comment(rawValue: child.transcript))
        let socket = try #require(seen["WAYLAND_DISPLAY"])
        #expect(socket.hasPrefix("wayland-"), Comment(rawValue: child.transcript))
        #expect(seen["SEAWALL_CTL"] == "\(runtime)/\(socket).ctl")
        #expect(seen["DISPLAY"] == "unset" && seen["WAYLAND_SOCKET"] == "unset", Comment(rawValue: child.transcript))
        #expect(seen["KEPT"] == "kept", "the rest of the caller's environment is passed on")
        #expect(seen["MODE"] == "700" && seen["SOCKET"] == "yes", Comment(rawValue: child.transcript))
        #expect(!Self.exists(runtime), "the private runtime directory \(runtime) is removed at the end")
    }

    @Test("a Wayland client runs under seawall run: seawall-demo gradient --frames 3 exits 0")
    func demoClient() throws {
        let child = try Self.run(["--", Self.demo, "gradient", "--size", "160x120", "--frames", "3"])
        #expect(child.exitStatus == 0, Comment(rawValue: child.transcript))
        #expect(child.stdout.contains("3 frames shown"), Comment(rawValue: child.transcript))
    }

    @Test("COMMAND reaches Seawall's control socket through SEAWALL_CTL: seawall ctl waits for its window and lists it")
    func controlSocketUnderRun() throws {
        let script = "\"$0\" gradient --size 160x120 --frames 3 --hold & \"$1\" ctl wait window seawall-demo.gradient --timeout 20 && \"$1\" ctl windows; status=$?; kill $!; exit $status"
        let child = try Self.shell(script, arguments: [Self.demo, Self.seawall])
        #expect(child.exitStatus == 0, Comment(rawValue: child.transcript))
        #expect(child.stdout.contains("seawall-demo.gradient"), Comment(rawValue: child.transcript))
        #expect(child.stdout.contains("160"), "the window's width is listed")
    }

    @Test("COMMAND gets the caller's soft RLIMIT_NOFILE, not the one Seawall raised for itself")
    func fileLimit() throws {
        var limit = rlimit()
        try #require(getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0)
        try #require(limit.rlim_max > 256, "the hard limit must allow a lowered soft limit")
        // The shell lowers its soft limit, then becomes seawall run, which raises its own to the hard limit.
        let lowered = try ChildProcess(executable: "/bin/sh", arguments: [
            "-c", "ulimit -Sn 256 && exec \"$0\" run -- /bin/sh -c 'echo NOFILE=$(ulimit -n)'", Self.seawall])
        #expect(lowered.wait(seconds: 60))
        #expect(lowered.exitStatus == 0, Comment(rawValue: lowered.transcript))
        #expect(Self.values(lowered.stdout)["NOFILE"] == "256", Comment(rawValue: lowered.transcript))

        let inherited = try Self.shell("echo NOFILE=$(ulimit -n)")
        #expect(Self.values(inherited.stdout)["NOFILE"] == "\(limit.rlim_cur)", Comment(rawValue: inherited.transcript))
    }

    /// SigBlk and SigIgn of `sh`, as it prints them.
    static let signalScript = "grep -E 'SigBlk|SigIgn' /proc/self/status | tr -d '\\t' | tr ':' '='"

    /// What `sh -c SCRIPT` sees when the test starts it directly, without Seawall (the test runner's process
    /// may itself ignore glibc's internal signals 32 and 33, which children inherit and nobody can change).
    static func withoutSeawall(_ script: String) throws -> [String: String] {
        let child = try ChildProcess(executable: "/bin/sh", arguments: ["-c", script])
        #expect(child.wait(seconds: 30) && child.exitStatus == 0, Comment(rawValue: child.transcript))
        return values(child.stdout)
    }

    @Test("COMMAND's signal mask and ignored signals are what they are without Seawall (Seawall blocks SIGINT, SIGTERM, SIGCHLD for itself)")
    func signals() throws {
        let baseline = try Self.withoutSeawall(Self.signalScript)
        let child = try Self.shell(Self.signalScript)
        #expect(child.exitStatus == 0, Comment(rawValue: child.transcript))
        let seen = Self.values(child.stdout)
        #expect(seen["SigBlk"] == "0000000000000000", Comment(rawValue: child.transcript))
        #expect(seen["SigIgn"] == baseline["SigIgn"], Comment(rawValue: child.transcript))
        let ignored = try #require(UInt64(seen["SigIgn"] ?? "", radix: 16))
        for signal in [SIGINT, SIGTERM, SIGCHLD, SIGBUS, SIGPIPE, SIGHUP] {
            #expect(ignored & (UInt64(1) << UInt64(signal - 1)) == 0, "signal \(signal) is ignored in COMMAND")
        }
    }

    @Test("a signal the caller ignores stays ignored for COMMAND (as without Seawall)")
    func callerIgnoredSignal() throws {
        let baseline = try Self.withoutSeawall("trap '' USR1 && " + Self.signalScript)
        let child = try ChildProcess(executable: "/bin/sh", arguments: [
            "-c", "trap '' USR1 && exec \"$0\" run -- /bin/sh -c \"$1\"", Self.seawall, Self.signalScript])
        #expect(child.wait(seconds: 60))
        #expect(child.exitStatus == 0, Comment(rawValue: child.transcript))
        let seen = Self.values(child.stdout)
        #expect(seen["SigIgn"] == baseline["SigIgn"], Comment(rawValue: child.transcript))
        let ignored = UInt64(seen["SigIgn"] ?? "", radix: 16) ?? 0
        #expect(ignored & (UInt64(1) << UInt64(SIGUSR1 - 1)) != 0, Comment(rawValue: child.transcript))
    }

    @Test("SIGTERM to seawall run goes to COMMAND's process group; COMMAND's status is passed through")
    func signalForwarded() throws {
        let child = try ChildProcess(executable: Self.seawall, arguments: [
            "run", "--", "/bin/sh", "-c", "trap 'echo got-term; exit 7' TERM; echo ready; while :; do sleep 0.05; done"])
        #expect(child.wait(seconds: 60) { $0.stdout.contains("ready") }, Comment(rawValue: child.transcript))
        kill(child.pid, SIGTERM)
        #expect(child.wait(seconds: 30))
        #expect(child.exitStatus == 7 && child.stdout.contains("got-term"), Comment(rawValue: child.transcript))
    }

    @Test("Seawall that cannot start: status 200 and one line (an output directory that cannot be made)")
    func seawallDidNotStart() throws {
        let child = try Self.run(["--output-dir", "/proc/seawall-cannot-be-here", "--", "/bin/true"])
        #expect(child.exitStatus == 200, Comment(rawValue: child.transcript))
        #expect(child.stderr.hasPrefix("seawall run: error: cannot use --output-dir"), Comment(rawValue: child.transcript))
        #expect(child.stderr.split(separator: "\n").count == 1, Comment(rawValue: child.transcript))
    }

    @Test("Seawall failing while COMMAND runs: status 202, and COMMAND's whole process group is killed")
    func seawallFailsCommandKilled() throws {
        let directory = try TestFiles.makeRuntimeDirectory(prefix: "seawall-run-test")
        let frames = directory + "/frames"
        defer { _ = try? ChildProcess(executable: "/bin/rm", arguments: ["-rf", directory]).wait(seconds: 30) }
        // COMMAND removes the frame directory, so the next frame cannot be written: scanout fails.
        let start = monotonicSeconds()
        let child = try Self.run(["--output-dir", frames, "--dump-every", "1", "--", "/bin/sh", "-c",
                                  "sleep 300 & echo background=$!; rm -rf \"$1\"; \"$0\" solid --frames 5; sleep 300",
                                  Self.demo, frames])
        #expect(child.exitStatus == 202, Comment(rawValue: child.transcript))
        #expect(monotonicSeconds() - start < 60, "COMMAND did not have to end by itself")
        #expect(child.stderr.contains("seawall run: error: Seawall stopped: scanout failed"), Comment(rawValue: child.transcript))
        let background = try #require(Self.values(child.stdout)["background"].flatMap { pid_t($0) })
        #expect(Self.gone(background), "COMMAND's background process \(background) was killed with its group")
    }

    /// Whether `pid` no longer runs (no such process, or a zombie nobody reaped yet).
    static func gone(_ pid: pid_t) -> Bool {
        for _ in 0..<200 {
            guard let file = fopen("/proc/\(pid)/stat", "r") else { return true }
            var line = [CChar](repeating: 0, count: 512)
            _ = fgets(&line, 512, file)
            fclose(file)
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if let close = text.lastIndex(of: ")"), text[close...].dropFirst().trimmingPrefix(" ").first == "Z" { return true }
            usleep(10_000)
        }
        return false
    }

    @Test("--screenshot when COMMAND exits: the demo client's last frame, pixel for pixel")
    func screenshotAtExit() throws {
        let directory = try TestFiles.makeRuntimeDirectory(prefix: "seawall-run-test")
        let path = directory + "/shot.ppm"
        defer { unlink(path); rmdir(directory) }
        let child = try Self.run(["--size", "640x480", "--screenshot", path, "--",
                                  Self.demo, "gradient", "--size", "320x240", "--frames", "3"])
        #expect(child.exitStatus == 0, Comment(rawValue: child.transcript))
        expectGolden(try RGBImage(contentsOfPPM: path), "opaque-gradient")
    }

    @Test("--screenshot once the output has settled, while COMMAND still runs; PNG by extension")
    func screenshotSettled() throws {
        let directory = try TestFiles.makeRuntimeDirectory(prefix: "seawall-run-test")
        let ppm = directory + "/shot.ppm", png = directory + "/shot.png"
        defer { unlink(ppm); unlink(png); rmdir(directory) }
        // The demo holds its third frame; 3 s later the command replaces it with another colour and exits.
        // The screenshot must be the held frame (settled after 300 ms), not what came later.
        let script = "\"$0\" gradient --size 320x240 --frames 3 --hold & sleep 3; kill $!; wait; " +
                     "\"$0\" solid --color ff0000 --size 320x240 --frames 2"
        for path in [ppm, png] {
            let child = try Self.run(["--size", "640x480", "--settle-ms", "300", "--verbose", "--screenshot", path, "--",
                                      "/bin/sh", "-c", script, Self.demo])
            #expect(child.exitStatus == 0, Comment(rawValue: child.transcript))
            #expect(child.stderr.contains("output settled: screenshot \(path)"), Comment(rawValue: child.transcript))
        }
        expectGolden(try RGBImage(contentsOfPPM: ppm), "opaque-gradient")
        var signature = [UInt8](repeating: 0, count: 8)
        if let file = fopen(png, "r") { _ = fread(&signature, 1, 8, file); fclose(file) }
        #expect(signature == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "FILE.png is a PNG")
    }

    @Test("a refused pool: the hint names the policy that would accept it, once per client", arguments: [
        ("sealable", "autoseal"), ("unsealable", "copy"),
    ])
    func refusalHint(memfd: String, policy: String) throws {
        let script = "\"$0\" solid --memfd \(memfd); \"$0\" solid --memfd \(memfd); echo second=$?"
        let child = try Self.shell(script, arguments: [Self.demo])
        #expect(child.exitStatus == 0, Comment(rawValue: child.transcript))
        #expect(child.stdout.contains("second=3"), "the refused demo exits 3\n\(child.transcript)")
        let hints = child.stderr.split(separator: "\n").filter { $0.hasPrefix("seawall run: ") && $0.contains("pool refused") }
        #expect(hints.count == 2, "one line per refused client\n\(child.transcript)")
        #expect(hints.allSatisfy { $0.hasSuffix("run with --shm-policy \(policy) to accept it") }, Comment(rawValue: child.transcript))
        #expect(hints.allSatisfy { $0.contains("(seawall-demo)") }, Comment(rawValue: child.transcript))

        let accepted = try Self.run(["--shm-policy", policy, "--", Self.demo, "solid", "--memfd", memfd, "--frames", "2"])
        #expect(accepted.exitStatus == 0 && !accepted.stderr.contains("pool refused"), Comment(rawValue: accepted.transcript))
    }

    /// Xwayland and xclock, which the --xwayland tests run (tools/test installs them as root).
    static func requireXwayland() throws {
        for program in ["/usr/bin/Xwayland", "/usr/bin/xclock"] {
            try #require(access(program, X_OK) == 0,
                         "\(program) is missing: install Debian's xwayland and x11-apps (tools/test does this as root)")
        }
    }

    @Test("--xwayland: xclock on a rootful Xwayland, screenshotted once settled")
    func xwaylandClock() throws {
        try Self.requireXwayland()
        let directory = try TestFiles.makeRuntimeDirectory(prefix: "seawall-run-test")
        let path = directory + "/clock.ppm"
        defer { unlink(path); rmdir(directory) }
        // xclock runs until killed; the screenshot is taken when the output settles, well before.
        let child = try Self.run(["--size", "640x480", "--xwayland", "--verbose", "--screenshot", path, "--",
                                  "/bin/sh", "-c", "echo DISPLAY=$DISPLAY; xclock -geometry 200x200+20+20 & sleep 4; kill $!"])
        #expect(child.exitStatus == 0, Comment(rawValue: child.transcript))
        #expect(child.stderr.contains("output settled"), Comment(rawValue: child.transcript))
        #expect(Self.values(child.stdout)["DISPLAY"]?.hasPrefix(":") == true, Comment(rawValue: child.transcript))
        #expect(!child.stderr.contains("pool refused"), "Xwayland seals its pools\n\(child.transcript)")
        let image = try RGBImage(contentsOfPPM: path)
        #expect(image.width == 640 && image.height == 480)
        // The root window is black; xclock's face is white with black ticks and hands, inside its 200x200 window.
        var white = 0, whiteOutside = 0
        for y in 0..<image.height {
            for x in 0..<image.width {
                let p = image.pixel(x: x, y: y)
                guard p.r > 200 && p.g > 200 && p.b > 200 else { continue }
                if (10..<240).contains(x) && (10..<240).contains(y) { white += 1 } else { whiteOutside += 1 }
            }
        }
        #expect(white > 20_000, "xclock's face is on the screenshot (\(white) white pixels)")
        #expect(whiteOutside == 0, "nothing white outside xclock's window (\(whiteOutside) pixels)")
    }

    @Test("--xwayland with two outputs: the root window spans the layout, so an X window drawn across the boundary shows on both outputs")
    func xwaylandAcrossOutputs() throws {
        try Self.requireXwayland()
        let directory = try TestFiles.makeRuntimeDirectory(prefix: "seawall-run-test")
        let path = directory + "/clock.ppm"
        defer { unlink(path); rmdir(directory) }
        // Output 2 is 320x240 right of output 1, and lower: the layout is 640x280, with a gap under output 1.
        let child = try Self.run(["--output", "320x240", "--output", "320x240+320,40", "--xwayland", "--screenshot", path, "--",
                                  "/bin/sh", "-c", "xclock -geometry 560x200+40+60 & sleep 4; kill $!"])
        #expect(child.exitStatus == 0, Comment(rawValue: child.transcript))
        let image = try RGBImage(contentsOfPPM: path)
        #expect(image.width == 640 && image.height == 280, "the layout screenshot is \(image.width)x\(image.height)")
        // xclock's face is white: it must show on both sides of x = 320, within its window (40..600, 60..260).
        var left = 0, right = 0, outside = 0
        for y in 0..<image.height {
            for x in 0..<image.width {
                let p = image.pixel(x: x, y: y)
                guard p.r > 200 && p.g > 200 && p.b > 200 else { continue }
                if !(35..<605).contains(x) || !(55..<265).contains(y) { outside += 1 } else if x < 320 { left += 1 } else { right += 1 }
            }
        }
        #expect(left > 10_000 && right > 10_000, "xclock's face on output 1: \(left) white pixels, on output 2: \(right)")
        #expect(outside == 0, "nothing white outside xclock's window (\(outside) pixels)")
    }

    @Test("--xwayland: only holders of the private cookie may connect to the X display")
    func xwaylandAuthority() throws {
        try Self.requireXwayland()
        let child = try Self.shell("XAUTHORITY=/dev/null xclock -geometry 10x10 & sleep 2; kill $! 2>/dev/null && echo connected; wait",
                                   ["--xwayland"])
        #expect(child.exitStatus != 0 || !child.stdout.contains("connected"), Comment(rawValue: child.transcript))
        #expect(child.stderr.contains("Can't open display") || child.stderr.contains("Authorization"),
                Comment(rawValue: child.transcript))
    }
}
