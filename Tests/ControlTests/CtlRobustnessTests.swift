import Control
import Glibc
import SeawallTestSupport
import Testing

/// The robustness cases, against the real `seawall` binary through the real `seawall ctl`, with
/// clients that are SIGKILLed: input to a client that is gone, a window destroyed mid-drag, a popup grab
/// held by a dying client, a thousand events in one request. Each: a clear reply, no crash, and the next
/// client gets clean input (enter first, no release without its press, every key it saw pressed released).
@Suite(.serialized)
struct CtlRobustnessTests {
    typealias P = CtlProcessTests
    typealias I = CtlInputTests

    /// SIGKILL, and reap it (the kernel has closed its socket when this returns).
    static func kill9(_ child: ChildProcess) {
        kill(child.pid, SIGKILL)
        #expect(child.wait(seconds: 10))
    }

    /// A ctl run that must answer (0: ok, 1: an error reply with a message), never "cannot connect" (2).
    static func answered(_ runtime: String, _ words: [String]) throws -> ChildProcess {
        let ctl = try P.ctl(runtime, words)
        #expect(ctl.exitStatus == 0 || (ctl.exitStatus == 1 && ctl.stderr.contains("seawall ctl: error: ")),
                Comment(rawValue: "\(words): \(ctl.transcript)"))
        return ctl
    }

    /// Every key the client saw pressed it also saw released, and never a release before its press.
    static func keysBalanced(_ lines: [String]) -> Bool {
        var down: Set<String> = []
        for line in lines where line.hasPrefix("keyboard key ") {
            let parts = line.split(separator: " ")
            guard parts.count == 4 else { return false }
            if parts[3] == "pressed" { guard down.insert(String(parts[2])).inserted else { return false } }
            else { guard down.remove(String(parts[2])) != nil else { return false } }
        }
        return down.isEmpty
    }

    @Test("input to a client that was SIGKILLed with a button down: every command answers, the button comes up, and the next client gets a clean enter, click and keys")
    func clientGone() throws {
        let (server, runtime, _) = try P.start(["--clock", "virtual"])
        defer { server.terminate() }
        let gone = try I.demo(runtime, "solid")
        #expect(try P.ctl(runtime, ["pointer", "move", "--window", "seawall-demo.solid", "10", "20"]).exitStatus == 0)
        #expect(try P.ctl(runtime, ["button", "down", "left"]).exitStatus == 0)
        #expect(try P.ctl(runtime, ["touch", "down", "4", "50", "60"]).exitStatus == 0)
        Self.kill9(gone)
        // At once, before Seawall may have noticed: input aimed at the dead client.
        for words in [["pointer", "move", "60", "70"], ["key", "a", "ctrl+Return"], ["touch", "move", "4", "55", "60"],
                      ["swipe", "50", "60", "90", "60", "--steps", "1000"], ["scroll", "3"], ["input", "wait", "--timeout", "5"]] {
            _ = try Self.answered(runtime, words)
        }
        let up = try Self.answered(runtime, ["button", "up", "left"])
        #expect(up.exitStatus == 0, Comment(rawValue: up.transcript))
        #expect(try I.waitUntilGone(runtime, "seawall-demo.solid"))
        // Once it is gone: nobody has a focus, and the replies say so.
        let wait = try P.ctl(runtime, ["input", "wait", "--timeout", "5"])
        #expect(wait.exitStatus == 0 && wait.stdout.contains("no client has an input focus"), Comment(rawValue: wait.transcript))
        let key = try P.ctl(runtime, ["key", "a"])
        #expect(key.exitStatus == 1 && key.stderr.contains("no window has the keyboard focus"), Comment(rawValue: key.transcript))
        let touch = try P.ctl(runtime, ["touch", "up", "4"])
        #expect(touch.exitStatus == 1 && touch.stderr.contains("touch point 4 is not down"), Comment(rawValue: touch.transcript))
        let button = try P.ctl(runtime, ["button", "up", "left"])
        #expect(button.exitStatus == 1 && button.stderr.contains("is not down"), Comment(rawValue: button.transcript))

        let next = try I.demo(runtime, "checkerboard")
        defer { next.terminate() }
        #expect(try P.ctl(runtime, ["pointer", "move", "--window", "seawall-demo.checkerboard", "5", "6"]).exitStatus == 0)
        #expect(try P.ctl(runtime, ["click"]).exitStatus == 0)
        #expect(try P.ctl(runtime, ["key", "shift+a"]).exitStatus == 0)
        #expect(try P.ctl(runtime, ["input", "wait"]).exitStatus == 0)
        let lines = I.lines(next)
        #expect(lines.filter { $0.hasPrefix("pointer ") } == ["pointer enter 5.0 6.0", "pointer button 272 pressed", "pointer button 272 released"],
                Comment(rawValue: next.transcript))
        #expect(lines.filter { $0.hasPrefix("keyboard key") } == ["keyboard key 42 pressed", "keyboard key 30 pressed", "keyboard key 30 released", "keyboard key 42 released"],
                Comment(rawValue: next.transcript))
        #expect(!lines.contains { $0.hasPrefix("touch ") }, Comment(rawValue: next.transcript))
        #expect(server.isRunning)
    }

    @Test("a client SIGKILLed while a paced key request waits for it to read: the request ends with a clear error, and the next client types cleanly")
    func clientKilledMidRequest() throws {
        let (server, runtime, _) = try P.start(["--clock", "virtual"])
        defer { server.terminate() }
        let stuck = try I.demo(runtime, "solid", ["--stall-after-input", "30"])
        #expect(try P.ctl(runtime, ["pointer", "move", "--window", "seawall-demo.solid", "1", "1"]).exitStatus == 0)
        // 1000 combos of 18 events: the client stops reading at the first press, so the request pauses once
        // 32 KB are unread, with most combos still to type.
        let typing = try ChildProcess(executable: P.seawall, arguments: ["ctl", "key"] + Array(repeating: "ctrl+shift+alt+super+a", count: 1000),
                                      environment: ["XDG_RUNTIME_DIR": runtime, "WAYLAND_DISPLAY": "s", "SEAWALL_CTL": nil])
        defer { typing.terminate() }
        #expect(stuck.wait(seconds: 20) { $0.stdout.contains("seawall-demo: stalling") }, Comment(rawValue: stuck.transcript))
        #expect(!typing.wait(seconds: 0.5), "the request did not wait for the stalled client\n\(typing.transcript)")
        Self.kill9(stuck)
        #expect(typing.wait(seconds: 20), "the request never ended")
        #expect(typing.exitStatus == 1 && typing.stderr.contains("key: typed ") && typing.stderr.contains(" of 1000 combos, then: no window has the keyboard focus"),
                Comment(rawValue: typing.transcript))
        print("killed mid-request: \(typing.stderr.trimmingNewline)")

        let next = try I.demo(runtime, "checkerboard")
        defer { next.terminate() }
        #expect(try P.ctl(runtime, ["key", "ctrl+a", "b"]).exitStatus == 0)
        #expect(try P.ctl(runtime, ["input", "wait"]).exitStatus == 0)
        #expect(I.lines(next, ["keyboard key"]) == ["keyboard key 29 pressed", "keyboard key 30 pressed", "keyboard key 30 released", "keyboard key 29 released",
                                                    "keyboard key 48 pressed", "keyboard key 48 released"], Comment(rawValue: next.transcript))
        #expect(server.isRunning)
    }

    @Test("a window SIGKILLed mid-drag: the move and release answer, the window below gets enter after the release and no stray release, and its next click is whole")
    func windowDestroyedMidDrag() throws {
        let (server, runtime, _) = try P.start(["--clock", "virtual"])
        defer { server.terminate() }
        // solid at (32, 32), checkerboard above it at (80, 80); both 100x80: (100, 100) is on both.
        let below = try I.demo(runtime, "solid")
        defer { below.terminate() }
        let above = try I.demo(runtime, "checkerboard")
        let (start, _) = try I.json(runtime, ["pointer", "move", "100", "100"])
        #expect(start["target"]?["app_id"] == .string("seawall-demo.checkerboard"), "\(start.text)")
        #expect(try P.ctl(runtime, ["button", "down", "left"]).exitStatus == 0)
        #expect(try P.ctl(runtime, ["pointer", "move", "105", "100"]).exitStatus == 0)
        #expect(try P.ctl(runtime, ["input", "wait"]).exitStatus == 0)
        #expect(I.lines(above, ["pointer "]) == ["pointer enter 20.0 20.0", "pointer button 272 pressed", "pointer motion 25.0 20.0"],
                Comment(rawValue: above.transcript))
        Self.kill9(above)
        #expect(try I.waitUntilGone(runtime, "seawall-demo.checkerboard"))
        // The drag goes on over the window below; the button still held belongs to the dead window's press.
        let (move, moveCtl) = try I.json(runtime, ["pointer", "move", "110", "105"])
        #expect(move["ok"] == .bool(true) && move["target"] == .null, Comment(rawValue: moveCtl.transcript))
        let (release, releaseCtl) = try I.json(runtime, ["button", "up", "left"])
        #expect(release["ok"] == .bool(true), Comment(rawValue: releaseCtl.transcript))
        #expect(try P.ctl(runtime, ["click"]).exitStatus == 0)
        #expect(try P.ctl(runtime, ["input", "wait"]).exitStatus == 0)
        let lines = I.lines(below, ["pointer "])
        // Before the drag the pointer never was on the solid window's uncovered part.
        #expect(lines == ["pointer enter 78.0 73.0", "pointer button 272 pressed", "pointer button 272 released"],
                Comment(rawValue: below.transcript))
        let again = try P.ctl(runtime, ["button", "up", "left"])
        #expect(again.exitStatus == 1 && again.stderr.contains("is not down"), Comment(rawValue: again.transcript))
        #expect(server.isRunning)
    }

    @Test("a popup grab held by a client that is SIGKILLed: the next click goes to the other window, whole")
    func popupGrabOfDyingClient() throws {
        let (server, runtime, _) = try P.start(["--clock", "virtual"])
        defer { server.terminate() }
        let demo = try I.demo(runtime, "solid")
        defer { demo.terminate() }
        let attacker = try ChildProcess(executable: Harness.binaryDirectory + "/seawall-attack", arguments: ["popup-grab-then-hang"],
                                        environment: ["XDG_RUNTIME_DIR": runtime, "WAYLAND_DISPLAY": "s"])
        defer { attacker.terminate() }
        #expect(attacker.wait(seconds: 20) { $0.stdout.contains("note: press me") }, Comment(rawValue: attacker.transcript))
        #expect(try P.ctl(runtime, ["pointer", "move", "--window", "seawall-attack", "4", "4"]).exitStatus == 0)
        #expect(try P.ctl(runtime, ["click"]).exitStatus == 0)
        #expect(attacker.wait(seconds: 20) { $0.stdout.contains("note: popup open") }, Comment(rawValue: attacker.transcript))
        // The attacker has the keyboard (its popup's grab, or its window the click activated).
        let (key, keyCtl) = try I.json(runtime, ["key", "a"])
        #expect(key["ok"] == .bool(true) && key["target"]?["app_id"] != .string("seawall-demo.solid"), Comment(rawValue: keyCtl.transcript))
        let before = I.lines(demo)
        Self.kill9(attacker)
        #expect(try I.waitUntilGone(runtime, "seawall-attack"))
        #expect(try P.ctl(runtime, ["pointer", "move", "--window", "seawall-demo.solid", "10", "10"]).exitStatus == 0)
        #expect(try P.ctl(runtime, ["click"]).exitStatus == 0)
        let (typed, typedCtl) = try I.json(runtime, ["key", "b"])
        #expect(typed["target"]?["app_id"] == .string("seawall-demo.solid"), Comment(rawValue: typedCtl.transcript))
        #expect(try P.ctl(runtime, ["input", "wait"]).exitStatus == 0)
        let after = Array(I.lines(demo).dropFirst(before.count))
        // The attacker's window at (80, 80) covered the pointer at (84, 84); once it is gone, the solid window
        // under it gets enter there, then motion, and the click.
        #expect(after.filter { $0.hasPrefix("pointer ") } == ["pointer enter 52.0 52.0", "pointer motion 10.0 10.0",
                                                               "pointer button 272 pressed", "pointer button 272 released"],
                Comment(rawValue: demo.transcript))
        #expect(after.filter { $0.hasPrefix("keyboard key") } == ["keyboard key 48 pressed", "keyboard key 48 released"], Comment(rawValue: demo.transcript))
        #expect(Self.keysBalanced(I.lines(demo)), "a key stayed down or came up unpressed")
        #expect(server.isRunning)
    }

    @Test("a thousand events in one request: 1000 key combos, a 1000-step drag and swipe complete with every event delivered; one over the limit is refused and sends nothing")
    func thousandEvents() throws {
        let (server, runtime, _) = try P.start(["--clock", "virtual"])
        defer { server.terminate() }
        // The client stops reading for 2 s at the first key press: 1000 combos of 18 events each (about 430 KB)
        // would overflow its socket, and libwayland would cut it off; paced, it gets them all.
        let demo = try I.demo(runtime, "solid", ["--stall-after-input", "2"])
        defer { demo.terminate() }
        #expect(try P.ctl(runtime, ["pointer", "move", "--window", "seawall-demo.solid", "1", "1"]).exitStatus == 0)
        let heavy = Array(repeating: "ctrl+shift+alt+super+a", count: 1000)
        let typing = monotonicSeconds()
        let key = try I.ctl(runtime, ["key"] + heavy, draining: [demo])
        let typed = monotonicSeconds() - typing
        #expect(key.exitStatus == 0 && key.stdout.hasSuffix("to seawall-demo.solid / seawall-demo solid\n"), Comment(rawValue: String(key.transcript.suffix(400))))
        let resumed = demo.stdout.contains("seawall-demo: resumed")   // (a Bool: a failure need not print 400 KB)
        #expect(resumed, Comment(rawValue: String(demo.transcript.suffix(400))))
        print("1000 combos to a client stalled 2 s: the key request took \(typed) s")
        let drag = try I.ctl(runtime, ["drag", "33", "33", "120", "100", "--steps", "1000"], draining: [demo])
        #expect(drag.exitStatus == 0, Comment(rawValue: drag.transcript))
        let swipe = try I.ctl(runtime, ["swipe", "120", "100", "33", "33", "--steps", "1000"], draining: [demo])
        #expect(swipe.exitStatus == 0, Comment(rawValue: swipe.transcript))
        let wait = try I.ctl(runtime, ["input", "wait", "--timeout", "20"], draining: [demo])
        #expect(wait.exitStatus == 0, Comment(rawValue: wait.transcript + String(demo.transcript.suffix(600)) + String(server.transcript.suffix(1500))))
        let lines = I.lines(demo)
        let pressed = lines.filter { $0 == "keyboard key 30 pressed" }.count, released = lines.filter { $0 == "keyboard key 30 released" }.count
        #expect(pressed == 1000 && released == 1000, "\(lines.count) lines")
        let balanced = Self.keysBalanced(lines)
        #expect(balanced, "a key stayed down or came up unpressed")
        // The drag starts where the pointer is: one motion there, then 1000.
        let motions = lines.filter { $0.hasPrefix("pointer motion") }.count, touches = lines.filter { $0.hasPrefix("touch motion 0 ") }.count
        #expect(motions == 1001 && touches == 1000, "\(lines.count) lines")
        let release = lines.suffix(1003).first, last = lines.last
        #expect(release == "pointer button 272 released" && last == "touch up 0", "\(lines.suffix(3))")
        #expect(demo.isRunning, Comment(rawValue: String(demo.transcript.suffix(300))))

        // Over the limits: refused whole, nothing sent.
        let refusals: [([String], String)] = [
            (["key"] + Array(repeating: "a", count: 1001), "at most 1000 combos per request, not 1001"),
            (["key"] + Array(repeating: "a", count: 999) + ["Hyper_Q"], "unknown keysym"),
            (["drag", "33", "33", "120", "100", "--steps", "1001"], "steps must be 1 to 1000"),
            (["swipe", "120", "100", "33", "33", "--steps", "100000"], "steps must be 1 to 1000"),
            (["scroll", "101"], "1 to 100 wheel clicks"),
        ]
        for (words, message) in refusals {
            let ctl = try P.ctl(runtime, words)
            #expect(ctl.exitStatus == 1 && ctl.stderr.contains(message), Comment(rawValue: String(ctl.transcript.suffix(400))))
        }
        #expect(try P.ctl(runtime, ["input", "wait"]).exitStatus == 0)
        let count = I.lines(demo).count
        #expect(count == lines.count, "a refused request sent events")
        #expect(server.isRunning)
    }
}
