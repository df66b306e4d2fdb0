import Compositor
import Control
import SeawallTestSupport
import Testing
import WaylandServer

/// `key` and `focus` over the control socket, against two seawall-demo windows that print the keyboard
/// events they get (`--print-input`).
@Suite(.serialized)
struct KeyCommandTests {
    static func lines(_ child: ChildProcess) -> [String] {
        child.stdout.split(separator: "\n").map(String.init).filter { $0.hasPrefix("keyboard ") }
    }

    static func settle(_ session: ControlSession, _ children: [(ChildProcess, Int)]) throws {
        try session.harness.run { children.allSatisfy { lines($0.0).count >= $0.1 } }
        _ = try? session.harness.run(seconds: 0.2) { false }
    }

    @Test("key types combos of Seawall's keymap to the focused window, with modifiers; focus moves the keyboard; bad combos type nothing")
    func keys() throws {
        let session = try ControlSession()
        session.server.seat.addKeyboard()
        let first = try session.demo(["solid", "--size", "100x100", "--frames", "2", "--hold", "--print-input"], appID: "seawall-demo.solid")
        let second = try session.demo(["checkerboard", "--size", "100x100", "--frames", "2", "--hold", "--print-input"], appID: "seawall-demo.checkerboard")
        let client = try session.connect()
        // The window mapped last is active: the first had the focus and lost it.
        try Self.settle(session, [(first, 3), (second, 2)])
        #expect(Self.lines(first) == ["keyboard enter", "keyboard modifiers 0 0 0 0", "keyboard leave"], Comment(rawValue: first.stdout))
        #expect(Self.lines(second) == ["keyboard enter", "keyboard modifiers 0 0 0 0"], Comment(rawValue: second.stdout))

        var reply = try session.request(client, #"{"command":"key","keys":["a","ctrl+a","shift+Tab","A","F5","Return"]}"#)
        #expect(reply["ok"] == .bool(true), "\(reply.text)")
        #expect(reply["keys"] == .array(["a", "Control_L+a", "Shift_L+Tab", "Shift_L+A", "F5", "Return"].map(JSON.string)), "\(reply.text)")
        #expect(reply["target"]?["app_id"] == .string("seawall-demo.checkerboard"), "\(reply.text)")
        try Self.settle(session, [(second, 2 + 24)])
        let press = { (code: Int) in ["keyboard key \(code) pressed", "keyboard key \(code) released"] }
        let withModifier = { (modifier: Int, mask: Int, code: Int) in
            ["keyboard key \(modifier) pressed", "keyboard modifiers \(mask) 0 0 0"] + press(code)
                + ["keyboard key \(modifier) released", "keyboard modifiers 0 0 0 0"]
        }
        #expect(Array(Self.lines(second).dropFirst(2)) == press(30) + withModifier(29, 4, 30) + withModifier(42, 1, 15)
                + withModifier(42, 1, 30) + press(63) + press(28), Comment(rawValue: second.stdout))
        #expect(Self.lines(first).count == 3)

        // Bad combos: an error, and not even the good ones before them are typed.
        for (line, words) in [
            (#"{"command":"key","keys":["a","Hyper_Q"]}"#, "unknown keysym \"Hyper_Q\""),
            (#"{"command":"key","keys":["meta+a"]}"#, "unknown modifier \"meta\""),
            (#"{"command":"key","keys":["ctrl+"]}"#, "not a key combo"),
            (#"{"command":"key","keys":[]}"#, "non-empty array"),
            (#"{"command":"key","keys":"a"}"#, "non-empty array"),
            (#"{"command":"key","keys":[1]}"#, "non-empty array"),
            (#"{"command":"focus","window":"nobody"}"#, "no mapped window"),
            (#"{"command":"focus"}"#, "missing argument \"window\""),
        ] {
            reply = try session.request(client, line)
            #expect(reply["ok"] == .bool(false) && reply["error"]?.string?.contains(words) == true, "\(line): \(reply.text)")
        }
        _ = try? session.harness.run(seconds: 0.3) { false }
        #expect(Self.lines(second).count == 26 && Self.lines(first).count == 3, Comment(rawValue: second.stdout))

        // focus: the first window is activated, the keyboard follows, and keys go there.
        reply = try session.request(client, #"{"command":"focus","window":"seawall-demo.solid"}"#)
        #expect(reply["ok"] == .bool(true) && reply["target"]?["app_id"] == .string("seawall-demo.solid"), "\(reply.text)")
        reply = try session.request(client, #"{"command":"key","keys":["exclam"]}"#)
        #expect(reply["target"]?["app_id"] == .string("seawall-demo.solid"), "\(reply.text)")
        try Self.settle(session, [(first, 3 + 2 + 6), (second, 27)])
        #expect(Array(Self.lines(first).dropFirst(3)) == ["keyboard enter", "keyboard modifiers 0 0 0 0"] + withModifier(42, 1, 2),
                Comment(rawValue: first.stdout))
        #expect(Self.lines(second).last == "keyboard leave", Comment(rawValue: second.stdout))
        #expect(session.server.windows.first { $0.appID == "seawall-demo.solid" }?.activated == true)
    }

    @Test("without a keyboard, or with no window focused, key says so")
    func noKeyboard() throws {
        let session = try ControlSession()
        session.repaints = false
        let client = try session.connect()
        var reply = try session.request(client, #"{"command":"key","keys":["a"]}"#)
        #expect(reply["error"]?.string?.contains("the seat has no keyboard") == true, "\(reply.text)")
        session.server.seat.addKeyboard()
        reply = try session.request(client, #"{"command":"key","keys":["a"]}"#)
        #expect(reply["error"]?.string?.contains("no window has the keyboard focus") == true, "\(reply.text)")
    }
}

@Suite struct KeymapTableTests {
    @Test("Seawall's keymap as keysyms: codes and levels read from its text")
    func table() throws {
        let table = KeymapTable(keymapText: """
            xkb_keycodes "t" {
                <AC01> = 38;
                <RTRN> = 36;
                <LFSH> = 50;
            };
            xkb_symbols "t" {
                key <AC01> { type = "ALPHABETIC", [ a, A ] };
                key <RTRN> { [ Return ] };
                key <LFSH> { [ Shift_L ] };
            };
            """)
        #expect(table.key("a") == KeymapTable.Key(code: 30, shifted: false))
        #expect(table.key("A") == KeymapTable.Key(code: 30, shifted: true))
        #expect(table.key("Return") == KeymapTable.Key(code: 28, shifted: false))
        #expect(table.key("b") == nil)
        let combo = try KeyCombo("shift+A", table: table)
        #expect(combo.modifiers.map(\.name) == ["Shift_L"] && combo.key.code == 30)
        #expect(throws: KeyRefusal.self) { try KeyCombo("ctrl+a", table: table) }   // no Control_L in this keymap
    }
}
