import Compositor
import Control
import SeawallTestSupport
import Testing
import WaylandServer

/// `touch.down`, `touch.move`, `touch.up`, `tap`, `swipe`, `drag` and `input.wait` over the control socket,
/// against two overlapping seawall-demo windows that print the input events they get (`--print-input`).
@Suite(.serialized)
struct TouchCommandTests {
    static func lines(_ child: ChildProcess) -> [String] {
        child.stdout.split(separator: "\n").map(String.init).filter { $0.hasPrefix("touch ") || $0.hasPrefix("pointer ") }
    }

    /// A session with a pointer and a touch screen, and two 200x150 windows: solid at (32, 32), checkerboard
    /// above it at (80, 80).
    static func twoWindows() throws -> (ControlSession, ControlClient, below: ChildProcess, above: ChildProcess) {
        let session = try ControlSession()
        session.server.seat.addPointer()
        session.server.seat.addTouch()
        let (client, below, above) = try session.twoInputWindows()
        return (session, client, below, above)
    }

    static func settle(_ session: ControlSession, _ children: [(ChildProcess, Int)]) throws {
        try session.harness.run { children.allSatisfy { lines($0.0).count >= $0.1 } }
        _ = try? session.harness.run(seconds: 0.2) { false }
    }

    static func target(_ reply: JSON, _ name: String = "target") -> String {
        guard let target = reply[name], target != .null else { return "none" }
        return [target["app_id"]?.string ?? "-", target["x"]?.text, target["y"]?.text].compactMap { $0 }.joined(separator: " ")
    }

    @Test("touch down/move/up, tap, swipe and drag reach the surface hit at its coordinates; input.wait answers")
    func touchEvents() throws {
        let (session, client, below, above) = try Self.twoWindows()
        var reply = try session.request(client, #"{"command":"touch.down","touch":0,"x":50,"y":60}"#)
        #expect(reply["ok"] == .bool(true) && Self.target(reply) == "seawall-demo.solid 18 28", "\(reply.text)")
        #expect(session.server.compositor.touchIDsDown == [0])
        // The touch raised the solid window; the point stays with it wherever it moves.
        reply = try session.request(client, #"{"command":"touch.move","touch":0,"x":60,"y":70.5}"#)
        #expect(Self.target(reply) == "seawall-demo.solid 28 38.5", "\(reply.text)")
        reply = try session.request(client, #"{"command":"touch.up","touch":0,"id":7}"#)   // the request's id is not the touch's
        #expect(reply["ok"] == .bool(true) && reply["id"] == .number(7) && reply["touch"] == .number(0)
                && Self.target(reply) == "seawall-demo.solid", "\(reply.text)")
        // Only the checkerboard is at (250, 200).
        reply = try session.request(client, #"{"command":"tap","x":250,"y":200}"#)
        #expect(reply["touch"] == .number(0) && Self.target(reply) == "seawall-demo.checkerboard 170 120", "\(reply.text)")
        // The tap raised the checkerboard: (100, 100) is on it.
        reply = try session.request(client, #"{"command":"swipe","x1":100,"y1":100,"x2":110,"y2":120,"steps":2}"#)
        #expect(Self.target(reply, "start") == "seawall-demo.checkerboard 20 20" && Self.target(reply, "end") == "seawall-demo.checkerboard 30 40", "\(reply.text)")
        #expect(session.server.compositor.touchIDsDown.isEmpty)
        // Only the solid window is at (50, 60).
        reply = try session.request(client, #"{"command":"drag","x1":50,"y1":60,"x2":70,"y2":60,"steps":2}"#)
        #expect(reply["button"] == .string("left") && Self.target(reply, "start") == "seawall-demo.solid 18 28"
                && Self.target(reply, "end") == "seawall-demo.solid 38 28", "\(reply.text)")
        #expect(session.server.compositor.pointerButtonsDown.isEmpty)
        reply = try session.request(client, #"{"command":"input.wait","timeout":10}"#)
        #expect(reply["ok"] == .bool(true) && (reply["clients"]?.array?.count ?? 0) >= 1, "\(reply.text)")

        try Self.settle(session, [(below, 8), (above, 6)])
        #expect(Self.lines(below) == [
            "touch down 0 18.0 28.0", "touch motion 0 28.0 38.5", "touch up 0",
            "pointer enter 18.0 28.0", "pointer button 272 pressed", "pointer motion 28.0 28.0", "pointer motion 38.0 28.0",
            "pointer button 272 released",
        ], Comment(rawValue: below.stdout))
        #expect(Self.lines(above) == [
            "touch down 0 170.0 120.0", "touch up 0",
            "touch down 0 20.0 20.0", "touch motion 0 25.0 30.0", "touch motion 0 30.0 40.0", "touch up 0",
        ], Comment(rawValue: above.stdout))
    }

    @Test("touches on no surface or off the output, bad ids, unbalanced downs and ups, bad steps and held buttons get error replies and change nothing")
    func badArguments() throws {
        let (session, client, below, above) = try Self.twoWindows()
        var reply = try session.request(client, #"{"command":"touch.down","touch":3,"x":50,"y":60}"#)
        #expect(reply["ok"] == .bool(true), "\(reply.text)")
        try Self.settle(session, [(below, 1)])
        let cases: [(String, String)] = [
            (#"{"command":"touch.down","touch":3,"x":60,"y":60}"#, "touch point 3 is already down"),
            (#"{"command":"touch.down","touch":4,"x":310,"y":5}"#, "no surface at (310.0, 5.0)"),
            (#"{"command":"touch.down","touch":4,"x":1e300,"y":5}"#, "outside the output"),
            (#"{"command":"touch.down","touch":4,"x":-1,"y":5}"#, "outside the output"),
            (#"{"command":"touch.down","touch":-1,"x":50,"y":60}"#, "out of range"),
            (#"{"command":"touch.down","touch":1.5,"x":50,"y":60}"#, "\"touch\" must be an integer"),
            (#"{"command":"touch.down","touch":4,"x":50}"#, "missing argument \"y\""),
            (#"{"command":"touch.move","touch":4,"x":50,"y":60}"#, "touch point 4 is not down"),
            (#"{"command":"touch.move","touch":3,"x":50,"y":1000}"#, "outside the output"),
            (#"{"command":"touch.up","touch":4}"#, "touch point 4 is not down"),
            (#"{"command":"tap","x":310,"y":5}"#, "no surface"),
            (#"{"command":"tap","x":"5","y":5}"#, "\"x\" must be a number"),
            (#"{"command":"swipe","x1":50,"y1":60,"x2":70,"y2":60,"steps":0}"#, "steps must be 1 to 1000"),
            (#"{"command":"swipe","x1":50,"y1":60,"x2":70,"y2":900}"#, "outside the output"),
            (#"{"command":"swipe","x1":310,"y1":5,"x2":70,"y2":60}"#, "no surface"),
            (#"{"command":"drag","x1":50,"y1":60,"x2":70,"y2":60,"steps":1001}"#, "steps must be 1 to 1000"),
            (#"{"command":"drag","x1":50,"y1":60,"x2":-70,"y2":60}"#, "outside the output"),
            (#"{"command":"drag","x1":50,"y1":60,"x2":70,"y2":60,"button":"thumb"}"#, "unknown button \"thumb\""),
        ]
        for (line, words) in cases {
            reply = try session.request(client, line)
            #expect(reply["ok"] == .bool(false), "\(line): \(reply.text)")
            #expect(reply["error"]?.string?.contains(words) == true, "\(line): \(reply.text)")
        }
        var answer: JSON?
        session.service.perform(ControlRequest(command: "touch.down", arguments: [("touch", .number(5)), ("x", .number(.nan)), ("y", .number(1))])) { answer = $0 }
        #expect(answer?["ok"] == .bool(false) && answer?["error"]?.string?.contains("finite") == true, "\(answer?.text ?? "no answer")")
        // A held button refuses a drag.
        reply = try session.request(client, #"{"command":"button","button":"left","state":"down"}"#)
        #expect(reply["ok"] == .bool(true))
        reply = try session.request(client, #"{"command":"drag","x1":50,"y1":60,"x2":70,"y2":60}"#)
        #expect(reply["error"]?.string?.contains("already down") == true, "\(reply.text)")
        #expect(session.server.seat.pointerX == 0 && session.server.seat.pointerY == 0)

        #expect(session.server.compositor.touchIDsDown == [3])
        _ = try? session.harness.run(seconds: 0.3) { false }
        #expect(Self.lines(below).filter { $0.hasPrefix("touch ") } == ["touch down 3 18.0 28.0"], Comment(rawValue: below.stdout))
        #expect(Self.lines(above).isEmpty, Comment(rawValue: above.stdout))
    }

    @Test("without a touch screen, touch commands say so")
    func noTouch() throws {
        let session = try ControlSession()
        session.repaints = false
        let client = try session.connect()
        for line in [#"{"command":"touch.down","touch":0,"x":5,"y":5}"#, #"{"command":"tap","x":5,"y":5}"#, #"{"command":"touch.up","touch":0}"#,
                     #"{"command":"swipe","x1":5,"y1":5,"x2":6,"y2":6}"#] {
            let reply = try session.request(client, line)
            #expect(reply["error"]?.string?.contains("the seat has no touch screen") == true, "\(line): \(reply.text)")
        }
        let reply = try session.request(client, #"{"command":"input.wait"}"#)
        #expect(reply["ok"] == .bool(true) && reply["clients"] == .array([]), "\(reply.text)")
    }

    @Test("seawall ctl's touch, tap, swipe, drag and input wait words become requests")
    func commandLine() throws {
        func request(_ words: [String]) throws -> String { try ControlCommandLine.request(from: words, workingDirectory: "/").body.text }
        #expect(try request(["touch", "down", "2", "10", "20.5"]) == #"{"command":"touch.down","touch":2,"x":10,"y":20.5}"#)
        #expect(try request(["touch", "move", "2", "11", "-3"]) == #"{"command":"touch.move","touch":2,"x":11,"y":-3}"#)
        #expect(try request(["touch", "up", "2"]) == #"{"command":"touch.up","touch":2}"#)
        #expect(try request(["tap", "1", "2"]) == #"{"command":"tap","x":1,"y":2}"#)
        #expect(try request(["swipe", "1", "2", "3", "4", "--steps", "5"]) == #"{"command":"swipe","x1":1,"y1":2,"x2":3,"y2":4,"steps":5}"#)
        #expect(try request(["drag", "--button", "right", "1", "2", "3", "4"]) == #"{"command":"drag","x1":1,"y1":2,"x2":3,"y2":4,"button":"right"}"#)
        #expect(try request(["input", "wait", "--timeout", "3"]) == #"{"command":"input.wait","timeout":3}"#)
        #expect(throws: ControlCommandLine.UsageError.self) { try request(["touch", "sideways", "1"]) }
        let down = try JSON.parse(#"{"ok":true,"touch":0,"x":50,"y":60,"target":{"app_id":"foot","title":"~","x":18,"y":28}}"#)
        #expect(ControlCommandLine.describe(down, command: "touch") == "touch 0: foot / ~ at 18,28")
        let swipe = try JSON.parse(#"{"ok":true,"touch":1,"steps":2,"start":{"app_id":"foot","title":null,"x":1,"y":2},"end":{"app_id":"foot","title":null,"x":3,"y":4}}"#)
        #expect(ControlCommandLine.describe(swipe, command: "swipe") == "touch 1: foot at 1,2, to 3,4")
        #expect(throws: ControlCommandLine.UsageError.self) { try request(["swipe", "1", "2", "3", "--button", "left", "4"]) }
        #expect(throws: ControlCommandLine.UsageError.self) { try request(["tap", "1"]) }
    }
}
