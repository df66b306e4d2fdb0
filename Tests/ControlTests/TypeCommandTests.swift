import Compositor
import Control
import Glibc
import SeawallTestSupport
import Testing
import WaylandServer

/// `type` and the virtual keyboard, checked by what a real client makes of the keys: seawall-demo
/// --print-input --print-text compiles every keymap it is sent with libxkbcommon and prints the text of each
/// pressed key, so the test compares the text typed with the text that arrived.
@Suite(.serialized)
struct TypeCommandTests {
    /// What the client's keys typed, joined ("\r" for Return and "\t" for Tab, escaped as the demo prints them).
    static func text(_ child: ChildProcess) -> String {
        child.stdout.split(separator: "\n").filter { $0.hasPrefix("keyboard text ") }.map { String($0.dropFirst(14)) }.joined()
    }

    static func count(_ child: ChildProcess, _ line: String) -> Int {
        child.stdout.split(separator: "\n").count { $0 == line }
    }

    /// A request answered while the demo's output is read on (a long text makes more output than a pipe
    /// holds, and a demo blocked writing its output would stop reading its events).
    static func request(_ session: ControlSession, _ client: ControlClient, _ json: String) throws -> JSON {
        try client.send(bytes: Array((json + "\n").utf8))
        var line: [UInt8]?
        try session.harness.run(seconds: 60) {
            if line == nil, let read = try? client.readLine(timeout: 0.001) { line = read }
            return line != nil
        }
        return try JSON.parse(line ?? [])
    }

    static func typingWindow(_ session: ControlSession) throws -> ChildProcess {
        session.server.seat.addKeyboard()
        let demo = try session.demo(["solid", "--size", "100x100", "--frames", "2", "--hold", "--print-input", "--print-text"],
                                    appID: "seawall-demo.solid")
        try session.harness.run { count(demo, "keyboard keymap") == 1 && demo.stdout.contains("keyboard enter") }
        return demo
    }

    @Test("type: ASCII with Seawall's keymap, é € 😀 ß with one made for them (two switches), exactly as typed")
    func typesAnyText() throws {
        let session = try ControlSession()
        let demo = try Self.typingWindow(session)
        let client = try session.connect()

        var reply = try session.request(client, #"{"command":"type","text":"Hi there!\n\t~"}"#)
        #expect(reply["ok"] == .bool(true) && reply["typed"] == .number(12) && reply["keymap_switches"] == .number(0), "\(reply.text)")
        #expect(reply["target"]?["app_id"] == .string("seawall-demo.solid"), "\(reply.text)")
        try session.harness.run { Self.text(demo).count >= 14 }
        #expect(Self.text(demo) == #"Hi there!\r\t~"#, Comment(rawValue: demo.stdout))

        reply = try session.request(client, #"{"command":"type","text":"héllo €😀 ß"}"#)
        #expect(reply["ok"] == .bool(true) && reply["typed"] == .number(10) && reply["keymap_switches"] == .number(2), "\(reply.text)")
        try session.harness.run { Self.count(demo, "keyboard keymap") == 3 }
        #expect(Self.text(demo) == #"Hi there!\r\t~"# + "héllo €😀 ß", Comment(rawValue: demo.stdout))
        #expect(!demo.stdout.contains("keymap failed"), Comment(rawValue: demo.stdout))
        // After the restore, Seawall's keys type as before.
        reply = try session.request(client, #"{"command":"type","text":"ok"}"#)
        #expect(reply["keymap_switches"] == .number(0), "\(reply.text)")
        try session.harness.run { Self.text(demo).hasSuffix("ok") }
    }

    @Test("type: more distinct characters than free key codes are chunked, one keymap each; 10,000 characters arrive in full")
    func chunksAndLongText() throws {
        let session = try ControlSession()
        let demo = try Self.typingWindow(session)
        let client = try session.connect()
        let cjk = String(String.UnicodeScalarView((0..<400).compactMap { Unicode.Scalar(0x4E00 + $0) }))
        var reply = try Self.request(session, client, JSON.object([("command", .string("type")), ("text", .string("<" + cjk + ">"))]).text)
        // 400 distinct characters need three keymaps (Seawall's keymap leaves about 150 codes free), then Seawall's again.
        #expect(reply["ok"] == .bool(true) && reply["typed"] == .number(402) && reply["keymap_switches"] == .number(4), "\(reply.text)")
        try session.harness.run { Self.count(demo, "keyboard keymap") == 5 }
        #expect(Self.text(demo) == "<" + cjk + ">")

        let long = String(repeating: "aé", count: 5_000)
        reply = try Self.request(session, client, JSON.object([("command", .string("type")), ("text", .string(long))]).text)
        #expect(reply["ok"] == .bool(true) && reply["typed"] == .number(10_000) && reply["keymap_switches"] == .number(2), "\(reply.text)")
        try session.harness.run(seconds: 60) { Self.text(demo).count >= 402 + 10_000 }
        #expect(Self.text(demo) == "<" + cjk + ">" + long)
        #expect(session.server.clientCount >= 1 && demo.isRunning, "the window was not disconnected")
    }

    @Test("type refuses control characters, empty and over-long text, and a missing focus, before typing anything")
    func refusals() throws {
        let session = try ControlSession()
        let client = try session.connect()
        var reply = try session.request(client, #"{"command":"type","text":"a"}"#)
        #expect(reply["error"]?.string?.contains("the seat has no keyboard") == true, "\(reply.text)")
        let demo = try Self.typingWindow(session)
        for (line, words) in [
            (#"{"command":"type","text":"ab\u0007c"}"#, "type: character 3 is the control character U+0007, which cannot be typed"),
            (#"{"command":"type","text":"\r"}"#, "control character U+000D"),
            (#"{"command":"type","text":""}"#, "type: nothing to type: the text is empty"),
            (#"{"command":"type"}"#, "missing argument \"text\""),
            (#"{"command":"type","text":5}"#, "text"),
        ] {
            reply = try session.request(client, line)
            #expect(reply["ok"] == .bool(false) && reply["error"]?.string?.contains(words) == true, "\(line): \(reply.text)")
        }
        reply = try session.request(client, JSON.object([("command", .string("type")), ("text", .string(String(repeating: "x", count: 10_001)))]).text)
        #expect(reply["error"]?.string == "type: the text has 10001 characters (Unicode scalars); at most 10000 per request", "\(reply.text)")
        _ = try? session.harness.run(seconds: 0.3) { false }
        #expect(Self.text(demo).isEmpty && !demo.stdout.contains("keyboard key "), Comment(rawValue: demo.stdout))
    }

    @Test("seawall ctl type on the command line: one TEXT, -- before a TEXT that starts with --")
    func commandLine() throws {
        let request = try ControlCommandLine.request(from: ["type", "héllo wörld"], workingDirectory: "/")
        #expect(request.command == "type" && request.body["text"] == .string("héllo wörld"))
        #expect(try ControlCommandLine.request(from: ["type", "--", "--x"], workingDirectory: "/").body["text"] == .string("--x"))
        #expect(throws: ControlCommandLine.UsageError.self) { try ControlCommandLine.request(from: ["type"], workingDirectory: "/") }
        #expect(throws: ControlCommandLine.UsageError.self) { try ControlCommandLine.request(from: ["type", "a", "b"], workingDirectory: "/") }
        #expect(throws: ControlCommandLine.UsageError.self) { try ControlCommandLine.request(from: ["type", "--x"], workingDirectory: "/") }
        let line = ControlCommandLine.describe(.object([("ok", .bool(true)), ("typed", .number(3)), ("keymap_switches", .number(2)),
                                                        ("target", .object([("app_id", .string("foot")), ("title", .string("t"))]))]), command: "type")
        #expect(line == "typed 3 characters to foot / t (2 keymap switches)")
        #expect(ControlCommandLine.usage.contains("type TEXT"))
    }
}

/// The real `seawall` binary: `seawall ctl type` and wtype (Debian's, through zwp_virtual_keyboard_v1) type
/// into a printing seawall-demo; without --allow-virtual-input wtype finds no virtual keyboard.
@Suite(.serialized)
struct TypeProcessTests {
    static let wtype = "/usr/bin/wtype"

    @Test("seawall ctl type and wtype under --allow-virtual-input give back exactly the text typed; wtype fails without the flag")
    func ctlTypeAndWtype() throws {
        try #require(access(Self.wtype, X_OK) == 0, "wtype is missing: install Debian's wtype (tools/test does)")
        let (server, runtime, _) = try CtlProcessTests.start(["--allow-virtual-input"])
        defer { server.terminate() }
        let demo = try CtlProcessTests.demo(runtime, ["solid", "--size", "100x80", "--frames", "2", "--hold", "--print-input", "--print-text"])
        defer { demo.terminate() }
        #expect(try CtlProcessTests.ctl(runtime, ["wait", "window", "seawall-demo.solid"]).exitStatus == 0)
        #expect(demo.wait(seconds: 20) { $0.stdout.contains("keyboard enter") }, Comment(rawValue: demo.transcript))

        let typed = try CtlProcessTests.ctl(runtime, ["type", "héllo €😀 ß"])
        #expect(typed.exitStatus == 0 && typed.stdout == "typed 10 characters to seawall-demo.solid / seawall-demo solid (2 keymap switches)\n",
                Comment(rawValue: typed.transcript))
        #expect(demo.wait(seconds: 20) { TypeCommandTests.text($0) == "héllo €😀 ß" }, Comment(rawValue: demo.transcript))
        let json = try CtlProcessTests.ctl(runtime, ["--json", "type", "x"])
        #expect(json.stdout.contains(#""typed":1"#), Comment(rawValue: json.transcript))

        let wtype = try ChildProcess(executable: Self.wtype, arguments: ["wtype héllo"],
                                     environment: ["XDG_RUNTIME_DIR": runtime, "WAYLAND_DISPLAY": "s"])
        #expect(wtype.wait(seconds: 20) && wtype.exitStatus == 0, Comment(rawValue: wtype.transcript))
        #expect(demo.wait(seconds: 20) { TypeCommandTests.text($0) == "héllo €😀 ßxwtype héllo" }, Comment(rawValue: demo.transcript))
        // wtype's keymap came and went: Seawall's is back (a keymap after wtype's last key), and ctl type still types.
        #expect(try CtlProcessTests.ctl(runtime, ["type", "!"]).exitStatus == 0)
        #expect(demo.wait(seconds: 20) { TypeCommandTests.text($0).hasSuffix("héllo!") }, Comment(rawValue: demo.transcript))
        #expect(!demo.stdout.contains("keymap failed"), Comment(rawValue: demo.transcript))

        let (plain, plainRuntime, _) = try CtlProcessTests.start()
        defer { plain.terminate() }
        let refused = try ChildProcess(executable: Self.wtype, arguments: ["hi"],
                                       environment: ["XDG_RUNTIME_DIR": plainRuntime, "WAYLAND_DISPLAY": "s"])
        #expect(refused.wait(seconds: 20) && refused.exitStatus != 0, Comment(rawValue: refused.transcript))
        #expect(refused.transcript.lowercased().contains("compositor does not support the virtual keyboard protocol"), Comment(rawValue: refused.transcript))
    }

    @Test("keymaps follow the focus: a window focused while wtype's keymap is current gets it before its enter; the one that held it gets Seawall's back with its next enter")
    func keymapsFollowTheFocus() throws {
        try #require(access(Self.wtype, X_OK) == 0, "wtype is missing: install Debian's wtype (tools/test does)")
        let (server, runtime, _) = try CtlProcessTests.start(["--allow-virtual-input"])
        defer { server.terminate() }
        let below = try CtlProcessTests.demo(runtime, ["solid", "--size", "100x80", "--frames", "2", "--hold", "--print-input", "--print-text"])
        defer { below.terminate() }
        #expect(try CtlProcessTests.ctl(runtime, ["wait", "window", "seawall-demo.solid"]).exitStatus == 0)
        let above = try CtlProcessTests.demo(runtime, ["checkerboard", "--size", "100x80", "--frames", "2", "--hold", "--print-input", "--print-text"])
        defer { above.terminate() }
        #expect(try CtlProcessTests.ctl(runtime, ["wait", "window", "seawall-demo.checkerboard"]).exitStatus == 0)
        #expect(below.wait(seconds: 20) { $0.stdout.contains("keyboard leave") }, Comment(rawValue: below.transcript))

        // wtype types é into the focused (upper) window, sleeps 4 s with its keymap current (time for ctl focus on a loaded machine), then types ü.
        let wtype = try ChildProcess(executable: Self.wtype, arguments: ["é", "-s", "4000", "ü"],
                                     environment: ["XDG_RUNTIME_DIR": runtime, "WAYLAND_DISPLAY": "s"])
        defer { wtype.terminate() }
        #expect(above.wait(seconds: 20) { TypeCommandTests.text($0) == "é" }, Comment(rawValue: above.transcript))
        #expect(try CtlProcessTests.ctl(runtime, ["focus", "--window", "seawall-demo.solid"]).exitStatus == 0)
        #expect(wtype.wait(seconds: 20) && wtype.exitStatus == 0, Comment(rawValue: wtype.transcript))
        #expect(below.wait(seconds: 20) { TypeCommandTests.text($0) == "ü" && $0.stdout.hasSuffix("keyboard keymap\nkeyboard modifiers 0 0 0 0\n") },
                Comment(rawValue: below.transcript))
        let lines = { (child: ChildProcess) in child.stdout.split(separator: "\n") }
        // The lower window: wtype's keymap came right before its enter, ü in it, then Seawall's back when wtype left.
        #expect(containsInOrder(lines(below), ["keyboard leave", "keyboard keymap", "keyboard enter", "keyboard text ü", "keyboard keymap"]),
                Comment(rawValue: below.transcript))
        #expect(TypeCommandTests.count(below, "keyboard keymap") == 3, Comment(rawValue: below.transcript))

        // The upper window still holds wtype's keymap: focused again, it gets Seawall's before the enter.
        #expect(try CtlProcessTests.ctl(runtime, ["focus", "--window", "seawall-demo.checkerboard"]).exitStatus == 0)
        let typed = try CtlProcessTests.ctl(runtime, ["type", "a!"])
        #expect(typed.stdout.hasSuffix("(0 keymap switches)\n"), Comment(rawValue: typed.transcript))
        #expect(above.wait(seconds: 20) { TypeCommandTests.text($0) == "éa!" }, Comment(rawValue: above.transcript))
        #expect(containsInOrder(lines(above), ["keyboard keymap", "keyboard text é", "keyboard leave", "keyboard keymap", "keyboard enter", "keyboard text a"]),
                Comment(rawValue: above.transcript))
        #expect(TypeCommandTests.count(above, "keyboard keymap") == 3 && !above.stdout.contains("keymap failed"), Comment(rawValue: above.transcript))
    }
}

/// Whether `lines` holds `wanted` in order (other lines may come between).
func containsInOrder(_ lines: [Substring], _ wanted: [String]) -> Bool {
    var rest = wanted[...]
    for line in lines where rest.first.map({ line == $0 }) == true { rest = rest.dropFirst() }
    return rest.isEmpty
}
