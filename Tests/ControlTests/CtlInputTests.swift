import Control
import Glibc
import SeawallTestSupport
import Testing

/// `seawall ctl`'s input commands through the real CLI against the real `seawall` binary, with seawall-demo
/// `--print-input` clients: `input wait` as a roundtrip (a client that handles events, one that stalls and
/// resumes, one that stalls past the timeout), touch and drag with the exact events a client gets, and the
/// robustness cases (clients that die mid-drag or holding a popup grab, a thousand events in one request).
@Suite(.serialized)
struct CtlInputTests {
    typealias P = CtlProcessTests

    /// The input lines a --print-input client printed (pointer, keyboard key/modifiers/enter/leave, touch),
    /// read as they are now.
    static func lines(_ child: ChildProcess, _ prefixes: [String] = ["pointer ", "touch ", "keyboard key", "keyboard enter", "keyboard leave"]) -> [String] {
        child.poll()
        return child.stdout.split(separator: "\n").map(String.init).filter { line in prefixes.contains { line.hasPrefix($0) } }
    }

    /// `seawall ctl --json ARGUMENTS`, parsed; the ctl process too, for its transcript.
    static func json(_ runtime: String, _ arguments: [String]) throws -> (JSON, ChildProcess) {
        let child = try P.ctl(runtime, ["--json"] + arguments)
        let text = child.exitStatus == 0 ? child.stdout : child.stderr
        return ((try? JSON.parse(text.trimmingNewline)) ?? .null, child)
    }

    /// `seawall ctl ARGUMENTS` while reading what `clients` print, so that none blocks on a full stdout pipe
    /// (a client writing thousands of event lines would otherwise stop reading its socket meanwhile).
    static func ctl(_ runtime: String, _ arguments: [String], draining clients: [ChildProcess], seconds: Double = 60) throws -> ChildProcess {
        let ctl = try ChildProcess(executable: P.seawall, arguments: ["ctl"] + arguments,
                                   environment: ["XDG_RUNTIME_DIR": runtime, "WAYLAND_DISPLAY": "s", "SEAWALL_CTL": nil])
        let deadline = monotonicSeconds() + seconds
        while ctl.poll(), monotonicSeconds() < deadline {
            ChildProcess.awaitOutput(from: [ctl] + clients, seconds: deadline - monotonicSeconds())
            for client in clients { client.poll() }
        }
        #expect(!ctl.isRunning, "seawall ctl \(arguments.prefix(8)) did not finish")
        return ctl
    }

    /// Starts a printing demo window and waits until it is mapped.
    static func demo(_ runtime: String, _ pattern: String, _ extra: [String] = []) throws -> ChildProcess {
        let demo = try P.demo(runtime, [pattern, "--size", "100x80", "--frames", "2", "--hold", "--print-input"] + extra)
        let wait = try P.ctl(runtime, ["wait", "window", "seawall-demo.\(pattern)", "--timeout", "20"])
        #expect(wait.exitStatus == 0, Comment(rawValue: wait.transcript + demo.transcript))
        return demo
    }

    /// Waits (up to 20 s) until no mapped window has `appID`.
    static func waitUntilGone(_ runtime: String, _ appID: String) throws -> Bool {
        let deadline = monotonicSeconds() + 20
        while monotonicSeconds() < deadline {
            let (windows, _) = try json(runtime, ["windows"])
            if windows["windows"]?.array?.contains(where: { $0["app_id"]?.string == appID }) == false { return true }
            usleep(20_000)
        }
        return false
    }

    @Test("input wait after a click: a ping roundtrip; when it answers, the client has printed the release")
    func inputWaitAfterClick() throws {
        let (server, runtime, _) = try P.start(["--clock", "virtual"])
        defer { server.terminate() }
        let demo = try Self.demo(runtime, "solid")
        defer { demo.terminate() }
        #expect(try P.ctl(runtime, ["pointer", "move", "--window", "seawall-demo.solid", "10", "20"]).exitStatus == 0)
        #expect(try P.ctl(runtime, ["click"]).exitStatus == 0)
        let (reply, wait) = try Self.json(runtime, ["input", "wait", "--timeout", "10"])
        // The pong came after the client had handled (printed) the click's events.
        #expect(Self.lines(demo, ["pointer "]) == ["pointer enter 10.0 20.0", "pointer button 272 pressed", "pointer button 272 released"],
                Comment(rawValue: demo.transcript))
        #expect(reply["ok"] == .bool(true), Comment(rawValue: wait.transcript))
        let clients = reply["clients"]?.array ?? []
        #expect(clients.count == 1 && clients.first?["by"] == .string("ping") && clients.first?["pid"] == .number(Double(demo.pid))
                && clients.first?["app_id"] == .string("seawall-demo.solid"), Comment(rawValue: wait.transcript))
        let waited = reply["waited"]?.number ?? -1
        #expect(waited >= 0 && waited < 5, "waited \(waited) s")
        print("input wait after a click: waited \(waited) s")
        // The human form says who answered.
        let plain = try P.ctl(runtime, ["input", "wait"])
        #expect(plain.exitStatus == 0 && plain.stdout.contains("seawall-demo.solid / seawall-demo solid (pid \(demo.pid)) answered a ping"),
                Comment(rawValue: plain.transcript))
    }

    @Test("input wait waits for a client that stops reading after a click: it answers once the client resumes (0.3 s), and times out naming a client stalled longer")
    func inputWaitStalledClient() throws {
        let (server, runtime, _) = try P.start(["--clock", "virtual"])
        defer { server.terminate() }

        // Resumes after 0.3 s: input wait answers after the client said it resumed, ≥ 0.3 s after the click.
        let brief = try Self.demo(runtime, "solid", ["--stall-after-input", "0.3"])
        #expect(try P.ctl(runtime, ["pointer", "move", "--window", "seawall-demo.solid", "10", "20"]).exitStatus == 0)
        let clicked = monotonicSeconds()
        #expect(try P.ctl(runtime, ["click"]).exitStatus == 0)
        let waitStarted = monotonicSeconds()
        let (reply, wait) = try Self.json(runtime, ["input", "wait", "--timeout", "10"])
        let answered = monotonicSeconds()
        brief.poll()
        #expect(reply["ok"] == .bool(true), Comment(rawValue: wait.transcript))
        #expect(brief.stdout.contains("seawall-demo: resumed") && brief.stdout.contains("pointer button 272 released"),
                "input wait answered before the client resumed\n\(brief.transcript)")
        let waited = reply["waited"]?.number ?? -1
        #expect(answered - clicked >= 0.3, "click to answer: \(answered - clicked) s")
        print("stall 0.3 s: input wait (seawall ctl) waited \(waited) s, started \(waitStarted - clicked) s after the click; click to answer \(answered - clicked) s")
        brief.terminate()
        #expect(try Self.waitUntilGone(runtime, "seawall-demo.solid"))

        // The same two requests in one write on the control socket: input wait starts as the click is
        // delivered, so what it waited is the stall itself.
        let again = try Self.demo(runtime, "solid", ["--stall-after-input", "0.3"])
        #expect(try P.ctl(runtime, ["pointer", "move", "--window", "seawall-demo.solid", "10", "20"]).exitStatus == 0)
        let control = try ControlClient(path: runtime + "/s.ctl")
        try control.send(bytes: Array((#"{"command":"click"}"# + "\n" + #"{"command":"input.wait","timeout":10}"# + "\n").utf8))
        let click = try control.reply(timeout: 10), pipelined = try control.reply(timeout: 10)
        again.poll()
        #expect(click["ok"] == .bool(true) && pipelined["ok"] == .bool(true), "\(click.text) \(pipelined.text)")
        #expect(again.stdout.contains("seawall-demo: resumed"), Comment(rawValue: again.transcript))
        let exact = pipelined["waited"]?.number ?? -1
        // The client reads the press the moment it is flushed, possibly a few microseconds before Seawall
        // reads the next line; the reply's milliseconds are truncated.
        #expect(exact >= 0.299, "waited \(exact) s for a client stalled 0.3 s")
        print("stall 0.3 s: input wait pipelined after the click waited \(exact) s")
        again.terminate()
        #expect(try Self.waitUntilGone(runtime, "seawall-demo.solid"))

        // Stalls 5 s: input wait --timeout 0.5 fails after ≥ 0.5 s and names the client.
        let stuck = try Self.demo(runtime, "solid", ["--stall-after-input", "5"])
        defer { stuck.terminate() }
        #expect(try P.ctl(runtime, ["pointer", "move", "--window", "seawall-demo.solid", "10", "20"]).exitStatus == 0)
        #expect(try P.ctl(runtime, ["click"]).exitStatus == 0)
        #expect(stuck.wait(seconds: 10) { $0.stdout.contains("seawall-demo: stalling") }, Comment(rawValue: stuck.transcript))
        let before = monotonicSeconds()
        let timedOut = try P.ctl(runtime, ["input", "wait", "--timeout", "0.5"])
        let took = monotonicSeconds() - before
        #expect(timedOut.exitStatus == 1, Comment(rawValue: timedOut.transcript))
        #expect(timedOut.stderr.contains("input.wait: timed out after 0.5")
                && timedOut.stderr.contains("seawall-demo.solid / seawall-demo solid (pid \(stuck.pid)): no answer to a ping"),
                Comment(rawValue: timedOut.transcript))
        #expect(took >= 0.5, "the failing input wait took \(took) s")
        #expect(!stuck.stdout.contains("seawall-demo: resumed"), Comment(rawValue: stuck.transcript))
        // The next wait gets its own ping's pong (the stale one is ignored), once the client resumes.
        let (late, lateWait) = try Self.json(runtime, ["input", "wait", "--timeout", "20"])
        stuck.poll()
        #expect(late["ok"] == .bool(true) && stuck.stdout.contains("seawall-demo: resumed"), Comment(rawValue: lateWait.transcript + stuck.transcript))
        print("stall 5 s: input wait --timeout 0.5 failed after \(took) s; the next one waited \(late["waited"]?.number ?? -1) s")
        #expect(server.isRunning)
    }

    @Test("touch down/move/up, tap, swipe and drag through the real seawall ctl reach a printing client with the exact events")
    func touchAndDrag() throws {
        let (server, runtime, _) = try P.start(["--clock", "virtual"])
        defer { server.terminate() }
        let demo = try Self.demo(runtime, "solid")
        defer { demo.terminate() }
        // The window is at (32, 32): output (42, 52) is (10, 20) on it.
        let steps: [([String], String)] = [
            (["touch", "down", "3", "42", "52"], "touch 3: seawall-demo.solid / seawall-demo solid at 10,20\n"),
            (["touch", "move", "3", "50.5", "60"], "touch 3: seawall-demo.solid / seawall-demo solid at 18.5,28\n"),
            (["touch", "up", "3"], "touch 3: seawall-demo.solid / seawall-demo solid\n"),
            (["tap", "40", "40"], "touch 0: seawall-demo.solid / seawall-demo solid at 8,8\n"),
            (["swipe", "40", "40", "60", "50", "--steps", "2"], "touch 0: seawall-demo.solid / seawall-demo solid at 8,8, to 28,18\n"),
            (["drag", "40", "40", "60", "50", "--steps", "2"], "button left; pointer at 60,50: seawall-demo.solid / seawall-demo solid at 28,18\n"),
        ]
        for (words, expected) in steps {
            let ctl = try P.ctl(runtime, words)
            #expect(ctl.exitStatus == 0, Comment(rawValue: ctl.transcript))
            #expect(ctl.stdout == expected, Comment(rawValue: ctl.transcript))
        }
        let (drag, _) = try Self.json(runtime, ["drag", "60", "50", "40", "40", "--steps", "1", "--button", "right"])
        #expect(drag["start"]?["x"] == .number(28) && drag["end"]?["x"] == .number(8) && drag["button"] == .string("right"), "\(drag.text)")
        #expect(try P.ctl(runtime, ["input", "wait"]).exitStatus == 0)
        #expect(Self.lines(demo, ["pointer ", "touch "]) == [
            "touch down 3 10.0 20.0", "touch motion 3 18.5 28.0", "touch up 3",
            "touch down 0 8.0 8.0", "touch up 0",
            "touch down 0 8.0 8.0", "touch motion 0 18.0 13.0", "touch motion 0 28.0 18.0", "touch up 0",
            "pointer enter 8.0 8.0", "pointer button 272 pressed", "pointer motion 18.0 13.0", "pointer motion 28.0 18.0",
            "pointer button 272 released",
            // The second drag starts where the pointer already is: motion there, then the press.
            "pointer motion 28.0 18.0", "pointer button 273 pressed", "pointer motion 8.0 8.0", "pointer button 273 released",
        ], Comment(rawValue: demo.transcript))
        // Refusals send nothing.
        for (words, message) in [(["touch", "up", "3"], "touch point 3 is not down"), (["tap", "900", "700"], "no surface at (900.0, 700.0)"),
                                 (["swipe", "40", "40", "60", "50", "--steps", "1001"], "steps must be 1 to 1000")] {
            let ctl = try P.ctl(runtime, words)
            #expect(ctl.exitStatus == 1 && ctl.stderr.contains(message), Comment(rawValue: ctl.transcript))
        }
        #expect(try P.ctl(runtime, ["input", "wait"]).exitStatus == 0)
        #expect(Self.lines(demo, ["pointer ", "touch "]).count == 18, Comment(rawValue: demo.transcript))
    }
}
