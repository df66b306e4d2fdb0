import Control
import Glibc
import Scanout
import SeawallTestSupport
import Testing

/// The real `seawall` binary with its control socket, driven by the real `seawall ctl`, with seawall-demo
/// processes as clients; and another user knocking.
@Suite(.serialized)
struct CtlProcessTests {
    static let seawall = Harness.binaryDirectory + "/seawall"
    static let demo = Harness.binaryDirectory + "/seawall-demo"

    /// A running seawall on socket "s" in a fresh runtime directory, and its control socket's path.
    static func start(_ arguments: [String] = [], runtimeMode: mode_t = 0o700) throws -> (ChildProcess, runtime: String, ctl: String) {
        let runtime = try TestFiles.makeRuntimeDirectory(prefix: "seawall-ctl")
        chmod(runtime, runtimeMode)
        let child = try ChildProcess(executable: seawall, arguments: ["--socket", "s", "--backend", "null"] + arguments,
                                     environment: ["XDG_RUNTIME_DIR": runtime])
        let ctl = runtime + "/s.ctl"
        guard child.wait(seconds: 20, until: { $0.stdout.contains("seawall: control socket \(ctl) ") }) else {
            throw ChildProcess.SpawnError(description: "seawall did not start\n" + child.transcript)
        }
        return (child, runtime, ctl)
    }

    /// Runs `seawall ctl ARGUMENTS` to the end (WAYLAND_DISPLAY=s in `runtime`, so no --socket needed).
    static func ctl(_ runtime: String, _ arguments: [String], seconds: Double = 30, prefix: [String] = []) throws -> ChildProcess {
        let executable = prefix.first ?? seawall
        let child = try ChildProcess(executable: executable, arguments: Array(prefix.dropFirst()) + (prefix.isEmpty ? [] : [seawall]) + ["ctl"] + arguments,
                                     environment: ["XDG_RUNTIME_DIR": runtime, "WAYLAND_DISPLAY": "s", "SEAWALL_CTL": nil])
        #expect(child.wait(seconds: seconds), "seawall ctl \(arguments) did not finish")
        return child
    }

    static func demo(_ runtime: String, _ arguments: [String]) throws -> ChildProcess {
        try ChildProcess(executable: demo, arguments: arguments, environment: ["XDG_RUNTIME_DIR": runtime, "WAYLAND_DISPLAY": "s"])
    }

    @Test("seawall ctl: wait window, windows, wait settled and a screenshot against a real seawall and seawall-demo")
    func waitAndScreenshot() throws {
        let (server, runtime, _) = try Self.start()
        defer { server.terminate() }
        // The wait starts before the client does.
        let waiter = try ChildProcess(executable: Self.seawall, arguments: ["ctl", "wait", "window", "seawall-demo.box", "--timeout", "30"],
                                      environment: ["XDG_RUNTIME_DIR": runtime, "WAYLAND_DISPLAY": "s"])
        usleep(200_000)
        #expect(waiter.isRunning, "wait window answered before the window existed\n\(waiter.transcript)")
        let box = try Self.demo(runtime, ["box", "--size", "90x90", "--frames", "40", "--hold"])
        defer { box.terminate() }
        #expect(waiter.wait(seconds: 30) && waiter.exitStatus == 0, Comment(rawValue: waiter.transcript))
        #expect(waiter.stdout.contains("app_id: seawall-demo.box"), Comment(rawValue: waiter.transcript))

        // While the box moves, the output is not settled; once it holds its last frame, it is.
        let moving = try Self.ctl(runtime, ["wait", "settled", "--ms", "500", "--timeout", "0.3"])
        #expect(moving.exitStatus == 1 && moving.stderr.contains("timed out"), Comment(rawValue: moving.transcript))
        #expect(box.wait(seconds: 30) { $0.stdout.contains("40 frames shown") }, Comment(rawValue: box.transcript))
        let settled = try Self.ctl(runtime, ["wait", "settled", "--ms", "300", "--window", "seawall-demo.box"])
        #expect(settled.exitStatus == 0 && settled.stdout.contains("quiet: "), Comment(rawValue: settled.transcript))

        let windows = try Self.ctl(runtime, ["windows"])
        #expect(windows.exitStatus == 0, Comment(rawValue: windows.transcript))
        #expect(windows.stdout.contains("seawall-demo.box") && windows.stdout.contains("90x90+") && windows.stdout.contains("\(box.pid)"),
                Comment(rawValue: windows.transcript))
        let json = try Self.ctl(runtime, ["--json", "windows"])
        let parsed = try JSON.parse(json.stdout.trimmingNewline)
        #expect(parsed["windows"]?.array?.first?["pid"] == .number(Double(box.pid)), Comment(rawValue: json.transcript))

        // Two screenshots after settling are the same picture; a relative name is the caller's directory's.
        let first = runtime + "/a.ppm", second = runtime + "/b.ppm"
        for file in [first, second] {
            let shot = try Self.ctl(runtime, ["screenshot", file, "--window", "seawall-demo box"])
            #expect(shot.exitStatus == 0 && shot.stdout.contains("width: 90"), Comment(rawValue: shot.transcript))
        }
        let a = try RGBImage(contentsOfPPM: first), b = try RGBImage(contentsOfPPM: second)
        #expect(a == b && a.width == 90 && a.height == 90)
        let output = try Self.ctl(runtime, ["output"])
        #expect(output.stdout.contains("width: 1280") && output.stdout.contains("refresh: 60"), Comment(rawValue: output.transcript))
    }

    @Test("the real seawall's default seat, driven by seawall ctl: pointer move, click, scroll and key reach seawall-demo; --no-pointer refuses")
    func input() throws {
        let (server, runtime, _) = try Self.start(["--clock", "virtual"])
        defer { server.terminate() }
        let demo = try Self.demo(runtime, ["solid", "--size", "100x80", "--frames", "2", "--hold", "--print-input"])
        defer { demo.terminate() }
        #expect(try Self.ctl(runtime, ["wait", "window", "seawall-demo.solid"]).exitStatus == 0)
        let move = try Self.ctl(runtime, ["pointer", "move", "--window", "seawall-demo.solid", "10", "20"])
        #expect(move.exitStatus == 0 && move.stdout == "pointer at 42,52: seawall-demo.solid / seawall-demo solid at 10,20\n",
                Comment(rawValue: move.transcript))
        let click = try Self.ctl(runtime, ["click", "middle"])
        #expect(click.stdout.hasPrefix("button middle, clicks 1; pointer at 42,52: seawall-demo.solid"), Comment(rawValue: click.transcript))
        #expect(try Self.ctl(runtime, ["scroll", "-1"]).exitStatus == 0)
        let key = try Self.ctl(runtime, ["key", "shift+Tab"])
        #expect(key.stdout == "typed Shift_L+Tab to seawall-demo.solid / seawall-demo solid\n", Comment(rawValue: key.transcript))
        let unknown = try Self.ctl(runtime, ["key", "Hyper_Q"])
        #expect(unknown.exitStatus == 1 && unknown.stderr.contains("unknown keysym"), Comment(rawValue: unknown.transcript))
        let offOutput = try Self.ctl(runtime, ["pointer", "move", "5000", "1"])
        #expect(offOutput.exitStatus == 1 && offOutput.stderr.contains("outside the output"), Comment(rawValue: offOutput.transcript))
        let expected = ["pointer enter 10.0 20.0", "pointer button 274 pressed", "pointer button 274 released",
                        "pointer axis_source 0", "pointer axis_discrete 0 -1", "pointer axis 0 -15.0",
                        "keyboard key 42 pressed", "keyboard modifiers 1 0 0 0", "keyboard key 15 pressed",
                        "keyboard key 15 released", "keyboard key 42 released", "keyboard modifiers 0 0 0 0"]
        let events = { (child: ChildProcess) in
            child.stdout.split(separator: "\n").map(String.init).filter { $0.hasPrefix("pointer ") || $0.hasPrefix("keyboard key") || $0.hasPrefix("keyboard modifiers") }
        }
        #expect(demo.wait(seconds: 20) { events($0).count >= expected.count + 1 }, Comment(rawValue: demo.transcript))
        #expect(Array(events(demo).dropFirst()) == expected, Comment(rawValue: demo.transcript))   // after the enter's modifiers

        let (pointerless, runtime2, _) = try Self.start(["--no-pointer"])
        defer { pointerless.terminate() }
        let refused = try Self.ctl(runtime2, ["click"])
        #expect(refused.exitStatus == 1 && refused.stderr.contains("the seat has no pointer"), Comment(rawValue: refused.transcript))
    }

    @Test("--refresh manual: frames happen only through seawall ctl frame")
    func manualFrames() throws {
        let (server, runtime, _) = try Self.start(["--refresh", "manual"])
        defer { server.terminate() }
        let before = try Self.ctl(runtime, ["--json", "output"])
        let frames = try JSON.parse(before.stdout.trimmingNewline)["frames"]?.integer ?? -1
        let step = try Self.ctl(runtime, ["frame", "3"])
        #expect(step.exitStatus == 0, Comment(rawValue: step.transcript))
        let after = try Self.ctl(runtime, ["--json", "output"])
        let parsed = try JSON.parse(after.stdout.trimmingNewline)
        #expect(parsed["frames"]?.integer == frames + 3 && parsed["refresh"] == .string("manual"), Comment(rawValue: after.transcript))
    }

    @Test("seawall ctl exit statuses: 1 for an error reply, 2 when nothing listens, 64 for a bad command line")
    func exitStatuses() throws {
        let (server, runtime, _) = try Self.start()
        let error = try Self.ctl(runtime, ["screenshot", "/tmp/x.gif"])
        #expect(error.exitStatus == 1 && error.stderr.contains("must end in .png or .ppm"), Comment(rawValue: error.transcript))
        let usage = try Self.ctl(runtime, ["wait", "sometime"])
        #expect(usage.exitStatus == 64, Comment(rawValue: usage.transcript))
        server.terminate()
        var info = stat()
        #expect(stat(runtime + "/s.ctl", &info) != 0, "the control socket file outlived seawall")
        let gone = try Self.ctl(runtime, ["windows"])
        #expect(gone.exitStatus == 2 && gone.stderr.contains("cannot connect"), Comment(rawValue: gone.transcript))
        let nowhere = try ChildProcess(executable: Self.seawall, arguments: ["ctl", "windows"],
                                       environment: ["WAYLAND_DISPLAY": nil, "SEAWALL_CTL": nil])
        #expect(nowhere.wait(seconds: 20) && nowhere.exitStatus == 2 && nowhere.stderr.contains("cannot find"), Comment(rawValue: nowhere.transcript))
    }

    @Test("another user cannot use the control socket: the 0600 mode stops the connect, SO_PEERCRED the rest")
    func otherUser() throws {
        try #require(geteuid() == 0, "needs root to run a client as another uid")
        let setpriv = "/usr/bin/setpriv"
        try #require(access(setpriv, X_OK) == 0, "setpriv (util-linux) is missing")
        // The runtime directory is open to all here, so that only the socket's own mode keeps others out.
        let (server, runtime, ctl) = try Self.start([], runtimeMode: 0o755)
        defer { server.terminate() }
        var info = stat()
        #expect(stat(ctl, &info) == 0 && info.st_mode & 0o777 == 0o600 && info.st_mode & S_IFMT == S_IFSOCK,
                "mode \(String(info.st_mode & 0o777, radix: 8))")
        let nobody = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
        let denied = try Self.ctl(runtime, ["--socket", ctl, "windows"], prefix: nobody)
        #expect(denied.exitStatus == 2 && denied.stderr.contains("Permission denied"), Comment(rawValue: denied.transcript))
        // With the mode opened up, the connection gets through, and Seawall refuses it by its uid.
        chmod(ctl, 0o666)
        let refused = try Self.ctl(runtime, ["--socket", ctl, "windows"], prefix: nobody)
        #expect(refused.exitStatus == 1 && refused.stderr.contains("serves only uid 0, not uid 65534"), Comment(rawValue: refused.transcript))
        // The owner is still served.
        let owner = try Self.ctl(runtime, ["windows"])
        #expect(owner.exitStatus == 0 && owner.stdout.contains("no windows"), Comment(rawValue: owner.transcript))
        #expect(server.isRunning)
    }
}

extension String {
    var trimmingNewline: String { hasSuffix("\n") ? String(dropLast()) : self }
}
