import Control
import SeawallTestSupport
import Testing

/// `seawall ctl pointer relative` and `pointer move` through the real CLI against the real `seawall` binary,
/// with a seawall-demo client that locks or confines the pointer (`--print-input --constrain`): the client
/// hears relative motion, a lock keeps the pointer still, a confinement clamps it, and the reply says so.
@Suite(.serialized)
struct CtlConstraintTests {
    typealias P = CtlProcessTests
    typealias I = CtlInputTests

    @Test("under a client's lock, pointer relative leaves the pointer where it is and the client hears only the relative motion; pointer move does nothing")
    func relativeMotionWhileLocked() throws {
        let (server, runtime, _) = try P.start(["--clock", "virtual"])
        defer { server.terminate() }
        let demo = try I.demo(runtime, "solid", ["--constrain", "lock"])
        defer { demo.terminate() }
        #expect(try P.ctl(runtime, ["pointer", "move", "--window", "seawall-demo.solid", "10", "20"]).exitStatus == 0)
        let (reply, ctl) = try I.json(runtime, ["pointer", "relative", "5", "-3"])
        #expect(reply["ok"] == .bool(true) && reply["constraint"] == .string("locked"), Comment(rawValue: ctl.transcript))
        #expect(reply["target"]?["x"] == .number(10) && reply["target"]?["y"] == .number(20), Comment(rawValue: ctl.transcript))
        let far = try I.json(runtime, ["pointer", "relative", "-5000", "9000"]).0
        #expect(far["ok"] == .bool(true) && far["target"]?["x"] == .number(10), "locked, any distance is allowed and changes nothing")
        let moved = try I.json(runtime, ["pointer", "move", "300", "200"]).0
        #expect(moved["constraint"] == .string("locked") && moved["target"]?["x"] == .number(10))
        let human = try P.ctl(runtime, ["pointer", "relative", "1", "1"])
        #expect(human.stdout.contains("(locked by the client)"), Comment(rawValue: human.transcript))
        #expect(try P.ctl(runtime, ["input", "wait", "--timeout", "10"]).exitStatus == 0)
        #expect(I.lines(demo, ["pointer "]) == ["pointer enter 10.0 20.0", "pointer locked", "pointer relative 5.0 -3.0",
                                                "pointer relative -5000.0 9000.0", "pointer relative 1.0 1.0"],
                Comment(rawValue: demo.transcript))
    }

    @Test("under a client's confinement, pointer relative and pointer move stop at the window's last pixel")
    func relativeMotionWhileConfined() throws {
        let (server, runtime, _) = try P.start(["--clock", "virtual"])
        defer { server.terminate() }
        let demo = try I.demo(runtime, "solid", ["--constrain", "confine"])
        defer { demo.terminate() }
        #expect(try P.ctl(runtime, ["pointer", "move", "--window", "seawall-demo.solid", "10", "20"]).exitStatus == 0)
        let (reply, ctl) = try I.json(runtime, ["pointer", "relative", "500", "500"])
        #expect(reply["ok"] == .bool(true) && reply["constraint"] == .string("confined"), Comment(rawValue: ctl.transcript))
        #expect(reply["target"]?["x"] == .number(99) && reply["target"]?["y"] == .number(79), Comment(rawValue: ctl.transcript))
        let back = try I.json(runtime, ["pointer", "move", "0", "0"]).0
        #expect(back["target"]?["x"] == .number(0) && back["target"]?["y"] == .number(0), Comment(rawValue: back.text))
        #expect(try P.ctl(runtime, ["input", "wait", "--timeout", "10"]).exitStatus == 0)
        #expect(I.lines(demo, ["pointer "]) == ["pointer enter 10.0 20.0", "pointer confined", "pointer relative 500.0 500.0",
                                                "pointer motion 99.0 79.0", "pointer motion 0.0 0.0"],
                Comment(rawValue: demo.transcript))
    }
}
