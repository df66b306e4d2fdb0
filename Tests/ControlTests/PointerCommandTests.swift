import Compositor
import Control
import SeawallTestSupport
import Testing
import WaylandServer

/// `pointer.move`, `pointer.relative`, `click`, `button` and `scroll` over the control socket, against two
/// overlapping seawall-demo windows that print the pointer events they get (`--print-input`).
@Suite(.serialized)
struct PointerCommandTests {
    static func lines(_ child: ChildProcess) -> [String] {
        child.stdout.split(separator: "\n").map(String.init).filter { $0.hasPrefix("pointer ") }
    }

    /// A session with a pointer and two 200x150 windows: solid at (32, 32), checkerboard above it at (80, 80).
    static func twoWindows() throws -> (ControlSession, ControlClient, below: ChildProcess, above: ChildProcess) {
        let session = try ControlSession()
        session.server.seat.addPointer()
        let (client, below, above) = try session.twoInputWindows()
        return (session, client, below, above)
    }

    /// Serves until `child` has printed `count` pointer lines (and a little longer, so extra ones show).
    static func settle(_ session: ControlSession, _ children: [(ChildProcess, Int)]) throws {
        try session.harness.run { children.allSatisfy { lines($0.0).count >= $0.1 } }
        _ = try? session.harness.run(seconds: 0.2) { false }
    }

    static func target(_ reply: JSON) -> String {
        guard let target = reply["target"], target != .null else { return "none" }
        return "\(target["app_id"]?.string ?? "-") \(target["x"]?.text ?? "?") \(target["y"]?.text ?? "?")"
    }

    @Test("move, move --window, relative, click, button and scroll reach the right client at the right surface coordinates, with leave/enter between overlapping windows")
    func pointerEvents() throws {
        let (session, client, below, above) = try Self.twoWindows()
        let windows = try session.request(client, #"{"command":"windows"}"#)
        #expect(windows["windows"]?.array?.map { [$0["x"], $0["y"]] } == [[.number(32), .number(32)], [.number(80), .number(80)]])

        var reply = try session.request(client, #"{"command":"pointer.move","x":50,"y":60}"#)   // only the lower window
        #expect(reply["ok"] == .bool(true) && Self.target(reply) == "seawall-demo.solid 18 28", "\(reply.text)")
        reply = try session.request(client, #"{"command":"pointer.move","x":100,"y":100.5}"#) // both: the upper one wins
        #expect(Self.target(reply) == "seawall-demo.checkerboard 20 20.5", "\(reply.text)")
        try Self.settle(session, [(below, 2), (above, 1)])
        #expect(Self.lines(below) == ["pointer enter 18.0 28.0", "pointer leave"], Comment(rawValue: below.stdout))
        #expect(Self.lines(above) == ["pointer enter 20.0 20.5"], Comment(rawValue: above.stdout))

        // Window coordinates: (10, 10) in the solid window is (42, 42) on the output, outside the checkerboard.
        reply = try session.request(client, #"{"command":"pointer.move","window":"seawall-demo.solid","x":10,"y":10}"#)
        #expect(reply["x"] == .number(42) && reply["y"] == .number(42) && Self.target(reply) == "seawall-demo.solid 10 10", "\(reply.text)")
        reply = try session.request(client, #"{"command":"pointer.relative","dx":5,"dy":-2.5}"#)
        #expect(Self.target(reply) == "seawall-demo.solid 15 7.5", "\(reply.text)")
        reply = try session.request(client, #"{"command":"click","double":true}"#)
        #expect(reply["button"] == .string("left") && reply["clicks"] == .number(2) && Self.target(reply) == "seawall-demo.solid 15 7.5", "\(reply.text)")
        reply = try session.request(client, #"{"command":"button","button":"right","state":"down"}"#)
        #expect(reply["ok"] == .bool(true) && Self.target(reply) == "seawall-demo.solid 15 7.5", "\(reply.text)")
        reply = try session.request(client, #"{"command":"button","button":"right","state":"up"}"#)
        #expect(reply["ok"] == .bool(true) && Self.target(reply) == "seawall-demo.solid 15 7.5", "\(reply.text)")
        reply = try session.request(client, #"{"command":"scroll","amount":3}"#)
        #expect(reply["axis"] == .string("vertical") && Self.target(reply) == "seawall-demo.solid 15 7.5", "\(reply.text)")
        reply = try session.request(client, #"{"command":"scroll","amount":-2,"horizontal":true}"#)
        #expect(reply["axis"] == .string("horizontal"), "\(reply.text)")
        try Self.settle(session, [(below, 16), (above, 2)])
        #expect(Self.lines(below) == [
            "pointer enter 18.0 28.0", "pointer leave",
            "pointer enter 10.0 10.0",
            "pointer motion 15.0 7.5",
            "pointer button 272 pressed", "pointer button 272 released",
            "pointer button 272 pressed", "pointer button 272 released",
            "pointer button 273 pressed", "pointer button 273 released",
            "pointer axis_source 0", "pointer axis_discrete 0 3", "pointer axis 0 45.0",
            "pointer axis_source 0", "pointer axis_discrete 1 -2", "pointer axis 1 -30.0",
        ], Comment(rawValue: below.stdout))
        #expect(Self.lines(above) == ["pointer enter 20.0 20.5", "pointer leave"], Comment(rawValue: above.stdout))

        // The click raised the solid window: (100, 100) is now on it, and the checkerboard hears nothing.
        reply = try session.request(client, #"{"command":"pointer.move","x":100,"y":100}"#)
        #expect(Self.target(reply) == "seawall-demo.solid 68 68", "\(reply.text)")
        // Off every window: no target, and the solid window is left.
        reply = try session.request(client, #"{"command":"pointer.move","x":310,"y":5}"#)
        #expect(reply["ok"] == .bool(true) && reply["target"] == .null, "\(reply.text)")
        try Self.settle(session, [(below, 18)])
        #expect(Array(Self.lines(below).suffix(2)) == ["pointer motion 68.0 68.0", "pointer leave"], Comment(rawValue: below.stdout))
        #expect(Self.lines(above).count == 2, Comment(rawValue: above.stdout))
    }

    @Test("NaN, huge and off-output coordinates, unknown buttons and windows, and unbalanced buttons get error replies and change nothing")
    func badArguments() throws {
        let (session, client, below, above) = try Self.twoWindows()
        var reply = try session.request(client, #"{"command":"pointer.move","x":50,"y":60}"#)
        #expect(reply["ok"] == .bool(true))
        try Self.settle(session, [(below, 1)])
        let cases: [(String, String)] = [
            (#"{"command":"pointer.move","x":1e300,"y":5}"#, "outside the output"),
            (#"{"command":"pointer.move","x":-1,"y":5}"#, "outside the output"),
            (#"{"command":"pointer.move","x":320,"y":5}"#, "outside the output"),
            (#"{"command":"pointer.move","x":"5","y":5}"#, "\"x\" must be a number"),
            (#"{"command":"pointer.move","x":5}"#, "missing argument \"y\""),
            (#"{"command":"pointer.move","window":"nobody","x":5,"y":5}"#, "no mapped window has the app_id or title \"nobody\""),
            (#"{"command":"pointer.move","window":"seawall-demo.solid","x":5,"y":1000}"#, "outside the output"),
            (#"{"command":"pointer.relative","dx":1e308,"dy":1e308}"#, "outside the output"),
            (#"{"command":"click","button":"thumb"}"#, "unknown button \"thumb\""),
            (#"{"command":"click","button":7}"#, "not a mouse button"),
            (#"{"command":"click","double":"yes"}"#, "\"double\" must be true or false"),
            (#"{"command":"button","button":"left","state":"up"}"#, "button 272 is not down"),
            (#"{"command":"button","button":"left","state":"sideways"}"#, "\"state\" must be \"down\" or \"up\""),
            (#"{"command":"button","state":"down"}"#, "missing argument \"button\""),
            (#"{"command":"scroll","amount":0}"#, "1 to 100 wheel clicks"),
            (#"{"command":"scroll","amount":1000}"#, "1 to 100 wheel clicks"),
            (#"{"command":"scroll","amount":1.5}"#, "\"amount\" must be an integer"),
        ]
        for (line, words) in cases {
            reply = try session.request(client, line)
            #expect(reply["ok"] == .bool(false), "\(line): \(reply.text)")
            #expect(reply["error"]?.string?.contains(words) == true, "\(line): \(reply.text)")
        }
        // NaN cannot be written in JSON; in-process it can.
        var answer: JSON?
        session.service.perform(ControlRequest(command: "pointer.move", arguments: [("x", .number(.nan)), ("y", .number(1))])) { answer = $0 }
        #expect(answer?["ok"] == .bool(false) && answer?["error"]?.string?.contains("finite") == true, "\(answer?.text ?? "no answer")")
        session.service.perform(ControlRequest(command: "pointer.relative", arguments: [("dx", .number(.infinity)), ("dy", .number(1))])) { answer = $0 }
        #expect(answer?["ok"] == .bool(false) && answer?["error"]?.string?.contains("finite") == true, "\(answer?.text ?? "no answer")")

        // Nothing moved and nothing was sent.
        #expect(session.server.seat.pointerX == 50 && session.server.seat.pointerY == 60)
        #expect(session.server.compositor.pointerButtonsDown.isEmpty)
        _ = try? session.harness.run(seconds: 0.3) { false }
        #expect(Self.lines(below) == ["pointer enter 18.0 28.0"], Comment(rawValue: below.stdout))
        #expect(Self.lines(above).isEmpty, Comment(rawValue: above.stdout))

        // A button held twice is refused; released once, it is up.
        reply = try session.request(client, #"{"command":"button","button":"left","state":"down"}"#)
        #expect(reply["ok"] == .bool(true))
        reply = try session.request(client, #"{"command":"button","button":"left","state":"down"}"#)
        #expect(reply["error"]?.string?.contains("already down") == true, "\(reply.text)")
        reply = try session.request(client, #"{"command":"click","button":"left"}"#)
        #expect(reply["error"]?.string?.contains("already down") == true, "\(reply.text)")
        reply = try session.request(client, #"{"command":"button","button":272,"state":"up"}"#)
        #expect(reply["ok"] == .bool(true) && reply["button"] == .string("left"), "\(reply.text)")
        try Self.settle(session, [(below, 3)])
        #expect(Self.lines(below) == ["pointer enter 18.0 28.0", "pointer button 272 pressed", "pointer button 272 released"])
    }

    @Test("without a pointer, pointer commands say so")
    func noPointer() throws {
        let session = try ControlSession()
        session.repaints = false
        let client = try session.connect()
        for line in [#"{"command":"pointer.move","x":5,"y":5}"#, #"{"command":"click"}"#, #"{"command":"scroll","amount":1}"#,
                     #"{"command":"button","button":"left","state":"down"}"#] {
            let reply = try session.request(client, line)
            #expect(reply["error"]?.string?.contains("the seat has no pointer") == true, "\(line): \(reply.text)")
        }
    }
}
