/// `seawall ctl`'s words and what it prints, in pure Swift: the command line turned into a request
/// (`request(from:workingDirectory:)`), and a reply turned into lines for a person (`describe`).
public enum ControlCommandLine {
    /// The commands as typed, for help and errors.
    public static let usage = """
        windows                      every mapped toplevel, the outputs it is on
        output                       first output's size, scale; refresh, frames
        outputs                      each output: name, place, size, pixels, scale
        screenshot FILE [--output NAME | --window APP_ID|TITLE] [--region X,Y,W,H]
                                     PNG or PPM: every output laid out (at the
                                     largest scale), one output in its own
                                     pixels (SEAWALL-2), or one window alone
        wait settled [--ms N] [--window APP_ID|TITLE] [--timeout S]
                                     until no change for N ms (default 200)
        wait window APP_ID|TITLE [--timeout S]
                                     until such a window is mapped
        frame [N]                    with --refresh manual: present N frames now
        pointer move [--window APP_ID|TITLE] X Y
                                     move the pointer to layout (or window-geometry) coordinates
        pointer relative DX DY       move the pointer by DX, DY as a mouse does: the focused client hears
                                     relative motion; a client's lock keeps the pointer still, its
                                     confinement holds it in the region (the reply says which)
        click [left|right|middle|side|extra|forward|back] [--double]
                                     press and release a button (left by default) where the pointer is
        button down|up BUTTON        press or release a button and hold it
        scroll [--horizontal] AMOUNT wheel clicks: positive scrolls down (right), negative up (left)
        key COMBO...                 type keys of Seawall's keymap to the focused window: a, Return,
                                     ctrl+a, shift+Tab, F5, exclam (modifiers: shift, ctrl, alt, super)
        type TEXT                    type any UTF-8 text to the focused window; é, €,
                                     emoji via a keymap sent for them (type -- TEXT
                                     for a TEXT starting with --)
        focus --window APP_ID|TITLE  activate and raise a window; the keyboard focus follows
        touch down ID X Y            touch point ID (0 to 1023) goes down at layout coordinates X, Y
        touch move ID X Y            touch point ID moves (on the surface it went down on)
        touch up ID                  touch point ID lifts
        tap X Y                      a touch down and up at X, Y
        swipe X1 Y1 X2 Y2 [--steps N]
                                     a touch down at X1, Y1, N motions (10) to X2, Y2, up
        drag X1 Y1 X2 Y2 [--steps N] [--button B]
                                     the pointer to X1, Y1, press B (left), N motions (10), release at X2, Y2
        input wait [--timeout S]     a roundtrip (xdg_wm_base.ping) with each client with an input focus:
                                     until each has handled every event sent so far
        """

    public struct UsageError: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// The request for `words` (`screenshot out.png --window foot`). A relative FILE is made absolute with
    /// `workingDirectory`, since Seawall's own directory is not the caller's.
    public static func request(from words: [String], workingDirectory: String) throws(UsageError) -> ControlRequest {
        guard let first = words.first else { throw UsageError("no command given; commands:\n\(usage)") }
        var parser = Words(Array(words.dropFirst()), command: first)
        switch first {
        case "windows", "output", "outputs":
            try parser.finish()
            return ControlRequest(command: first)
        case "screenshot":
            var arguments: [(String, JSON)] = []
            while let option = parser.nextOption() {
                switch option {
                case "--window": arguments.append(("window", .string(try parser.value(for: option))))
                case "--output": arguments.append(("output", .string(try parser.value(for: option))))
                case "--region": arguments.append(("region", try region(try parser.value(for: option))))
                default: throw UsageError("screenshot: unknown option \(option)")
                }
            }
            let file = try parser.positional("FILE")
            try parser.finish()
            let absolute = file.hasPrefix("/") ? file : workingDirectory + "/" + file
            return ControlRequest(command: "screenshot", arguments: [("file", .string(absolute))] + arguments)
        case "wait":
            let what = try parser.positional("settled|window")
            var arguments: [(String, JSON)] = []
            switch what {
            case "settled":
                while let option = parser.nextOption() {
                    switch option {
                    case "--ms": arguments.append(("ms", .number(Double(try parser.integer(for: option)))))
                    case "--window": arguments.append(("window", .string(try parser.value(for: option))))
                    case "--timeout": arguments.append(("timeout", .number(try parser.seconds(for: option))))
                    default: throw UsageError("wait settled: unknown option \(option)")
                    }
                }
                try parser.finish()
                return ControlRequest(command: "wait.settled", arguments: arguments)
            case "window":
                while let option = parser.nextOption() {
                    guard option == "--timeout" else { throw UsageError("wait window: unknown option \(option)") }
                    arguments.append(("timeout", .number(try parser.seconds(for: option))))
                }
                let match = try parser.positional("APP_ID|TITLE")
                try parser.finish()
                return ControlRequest(command: "wait.window", arguments: [("match", .string(match))] + arguments)
            default:
                throw UsageError("wait: expected settled or window, not \(what)")
            }
        case "frame":
            var arguments: [(String, JSON)] = []
            if let count = parser.optionalPositional() {
                guard let n = Int(count) else { throw UsageError("frame: N must be a whole number, not \(count)") }
                arguments.append(("count", .number(Double(n))))
            }
            try parser.finish()
            return ControlRequest(command: "frame", arguments: arguments)
        case "pointer":
            let what = try parser.positional("move|relative")
            switch what {
            case "move":
                var arguments: [(String, JSON)] = []
                while let option = parser.nextOption() {
                    guard option == "--window" else { throw UsageError("pointer move: unknown option \(option)") }
                    arguments.append(("window", .string(try parser.value(for: option))))
                }
                let x = try number(try parser.positional("X"), "X"), y = try number(try parser.positional("Y"), "Y")
                try parser.finish()
                return ControlRequest(command: "pointer.move", arguments: [("x", .number(x)), ("y", .number(y))] + arguments)
            case "relative":
                let dx = try number(try parser.positional("DX"), "DX"), dy = try number(try parser.positional("DY"), "DY")
                try parser.finish()
                return ControlRequest(command: "pointer.relative", arguments: [("dx", .number(dx)), ("dy", .number(dy))])
            default:
                throw UsageError("pointer: expected move or relative, not \(what)")
            }
        case "key":
            var combos: [JSON] = []
            while let word = parser.optionalPositional() { combos.append(.string(word)) }
            if let option = parser.nextOption() { throw UsageError("key: unknown option \(option)") }
            guard !combos.isEmpty else { throw UsageError("key: missing COMBO (like ctrl+a or Return)") }
            return ControlRequest(command: "key", arguments: [("keys", .array(combos))])
        case "type":
            var rest = Array(words.dropFirst())
            if rest.first == "--" { rest.removeFirst() } else if let option = rest.first(where: { $0.hasPrefix("--") && $0.count > 2 }) {
                throw UsageError("type: unknown option \(option) (use type -- TEXT to type it)")
            }
            guard let text = rest.first else { throw UsageError("type: missing TEXT") }
            guard rest.count == 1 else { throw UsageError("type: one TEXT only (quote text with spaces: type \"hello world\"), not \(rest.count) words") }
            return ControlRequest(command: "type", arguments: [("text", .string(text))])
        case "focus":
            var window: String?
            while let option = parser.nextOption() {
                guard option == "--window" else { throw UsageError("focus: unknown option \(option)") }
                window = try parser.value(for: option)
            }
            try parser.finish()
            guard let window else { throw UsageError("focus: missing --window APP_ID|TITLE") }
            return ControlRequest(command: "focus", arguments: [("window", .string(window))])
        case "click":
            var arguments: [(String, JSON)] = []
            while let option = parser.nextOption() {
                guard option == "--double" else { throw UsageError("click: unknown option \(option)") }
                arguments.append(("double", .bool(true)))
            }
            if let button = parser.optionalPositional() { arguments.append(("button", buttonJSON(button))) }
            try parser.finish()
            return ControlRequest(command: "click", arguments: arguments)
        case "button":
            let state = try parser.positional("down|up")
            guard state == "down" || state == "up" else { throw UsageError("button: expected down or up, not \(state)") }
            let button = try parser.positional("BUTTON")
            try parser.finish()
            return ControlRequest(command: "button", arguments: [("button", buttonJSON(button)), ("state", .string(state))])
        case "scroll":
            var arguments: [(String, JSON)] = []
            while let option = parser.nextOption() {
                guard option == "--horizontal" else { throw UsageError("scroll: unknown option \(option)") }
                arguments.append(("horizontal", .bool(true)))
            }
            let text = try parser.positional("AMOUNT")
            guard let amount = Int(text) else { throw UsageError("scroll: AMOUNT must be a whole number of wheel clicks, not \(text)") }
            try parser.finish()
            return ControlRequest(command: "scroll", arguments: [("amount", .number(Double(amount)))] + arguments)
        case "touch":
            let what = try parser.positional("down|move|up")
            guard what == "down" || what == "move" || what == "up" else { throw UsageError("touch: expected down, move or up, not \(what)") }
            let idText = try parser.positional("ID")
            guard let id = Int(idText) else { throw UsageError("touch \(what): ID must be a whole number, not \(idText)") }
            var arguments: [(String, JSON)] = [("touch", .number(Double(id)))]
            if what != "up" {
                arguments += [("x", .number(try number(try parser.positional("X"), "X"))), ("y", .number(try number(try parser.positional("Y"), "Y")))]
            }
            try parser.finish()
            return ControlRequest(command: "touch." + what, arguments: arguments)
        case "input":
            let what = try parser.positional("wait")
            guard what == "wait" else { throw UsageError("input: expected wait, not \(what)") }
            var arguments: [(String, JSON)] = []
            while let option = parser.nextOption() {
                guard option == "--timeout" else { throw UsageError("input wait: unknown option \(option)") }
                arguments.append(("timeout", .number(try parser.seconds(for: option))))
            }
            try parser.finish()
            return ControlRequest(command: "input.wait", arguments: arguments)
        case "tap":
            let x = try number(try parser.positional("X"), "X"), y = try number(try parser.positional("Y"), "Y")
            try parser.finish()
            return ControlRequest(command: "tap", arguments: [("x", .number(x)), ("y", .number(y))])
        case "swipe", "drag":
            var arguments: [(String, JSON)] = []
            while let option = parser.nextOption() {
                switch option {
                case "--steps":
                    let text = try parser.value(for: option)
                    guard let steps = Int(text) else { throw UsageError("\(first): --steps must be a whole number, not \(text)") }
                    arguments.append(("steps", .number(Double(steps))))
                case "--button" where first == "drag": arguments.append(("button", buttonJSON(try parser.value(for: option))))
                default: throw UsageError("\(first): unknown option \(option)")
                }
            }
            var points: [(String, JSON)] = []
            for name in ["X1", "Y1", "X2", "Y2"] { points.append((name.lowercased(), .number(try number(try parser.positional(name), name)))) }
            try parser.finish()
            return ControlRequest(command: first, arguments: points + arguments)
        default:
            throw UsageError("unknown command \(first); commands:\n\(usage)")
        }
    }

    /// A coordinate or distance: a finite number.
    static func number(_ text: String, _ name: String) throws(UsageError) -> Double {
        guard let n = Double(text), n.isFinite else { throw UsageError("\(name) must be a finite number, not \(text)") }
        return n
    }

    /// A button by name, or by its Linux input code.
    static func buttonJSON(_ text: String) -> JSON { Int(text).map { .number(Double($0)) } ?? .string(text) }

    /// "X,Y,W,H" as a JSON array.
    static func region(_ text: String) throws(UsageError) -> JSON {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingSpaces) }
        guard parts.count == 4, parts.allSatisfy({ $0 != nil }) else {
            throw UsageError("--region takes X,Y,W,H (four whole numbers), not \(text)")
        }
        return .array(parts.map { .number(Double($0 ?? 0)) })
    }

    /// Options and positional words, in any order.
    struct Words {
        var words: [String]
        let command: String
        var positionals: [String] = []
        init(_ words: [String], command: String) { self.words = words; self.command = command }

        /// The next `--option`, setting positional words met on the way aside.
        mutating func nextOption() -> String? {
            while let word = words.first {
                words.removeFirst()
                if word.hasPrefix("--") && word.count > 2 { return word }
                positionals.append(word)
            }
            return nil
        }

        mutating func value(for option: String) throws(UsageError) -> String {
            guard let word = words.first else { throw UsageError("\(command): \(option) needs a value") }
            words.removeFirst()
            return word
        }

        mutating func integer(for option: String) throws(UsageError) -> Int {
            let text = try value(for: option)
            guard let n = Int(text) else { throw UsageError("\(command): \(option) takes a whole number, not \(text)") }
            return n
        }

        mutating func seconds(for option: String) throws(UsageError) -> Double {
            let text = try value(for: option)
            guard let n = Double(text), n.isFinite else { throw UsageError("\(command): \(option) takes seconds, not \(text)") }
            return n
        }

        mutating func optionalPositional() -> String? {
            _ = nextOptionPeek()
            return positionals.isEmpty ? nil : positionals.removeFirst()
        }

        mutating func positional(_ name: String) throws(UsageError) -> String {
            guard let word = optionalPositional() else { throw UsageError("\(command): missing \(name)") }
            return word
        }

        /// Moves leading positional words aside without consuming an option.
        private mutating func nextOptionPeek() -> Bool {
            while let word = words.first, !(word.hasPrefix("--") && word.count > 2) {
                words.removeFirst()
                positionals.append(word)
            }
            return !words.isEmpty
        }

        func finish() throws(UsageError) {
            if let extra = positionals.first ?? words.first { throw UsageError("\(command): unexpected \(extra)") }
        }
    }

    // MARK: Printing replies

    /// A reply as a person reads it: an error's message, a table of windows, or `key: value` lines.
    public static func describe(_ reply: JSON, command: String) -> String {
        if reply["ok"]?.bool != true {
            return "error: " + (reply["error"]?.string ?? reply.text)
        }
        if command == "windows", let windows = reply["windows"]?.array { return table(windows) }
        if command == "outputs", let outputs = reply["outputs"]?.array { return outputTable(outputs) }
        if command == "input.wait", let waited = reply["waited"], let clients = reply["clients"]?.array {
            let names = clients.map { client in
                let window = [client["app_id"], client["title"]].compactMap { $0?.string }.joined(separator: " / ")
                let how = client["by"]?.string == "socket" ? "read its socket" : "answered a ping"
                return "\(window.isEmpty ? "a client" : window) (pid \(client["pid"].map(plain) ?? "?")) \(how)"
            }
            return "waited \(plain(waited)) s" + (names.isEmpty ? ": no client has an input focus" : ": " + names.joined(separator: "; "))
        }
        let dismissed = reply["popup_dismissed"] == .bool(true) ? "ended the popup grab (popup_done); reached no window" : nil
        if let id = reply["touch"], let target = reply["target"] ?? reply["start"] {
            if let dismissed { return "touch \(plain(id)): \(dismissed)" }
            if target == .null { return "touch \(plain(id)): reached no window" }
            let name = [target["app_id"], target["title"]].compactMap { $0?.string }.joined(separator: " / ")
            let at = target["x"].map { " at \(plain($0)),\(plain(target["y"] ?? .null))" } ?? ""
            let end = reply["end"].map { $0["x"].map { ", to \(plain($0)),\(plain(reply["end"]?["y"] ?? .null))" } ?? "" } ?? ""
            return "touch \(plain(id)): \(name.isEmpty ? "a surface" : name)\(at)\(end)"
        }
        if let typed = reply["typed"], let target = reply["target"] {
            let name = [target["app_id"], target["title"]].compactMap { $0?.string }.joined(separator: " / ")
            let switches = reply["keymap_switches"].map(plain) ?? "0"
            return "typed \(plain(typed)) characters to \(name.isEmpty ? "a window" : name) (\(switches) keymap switches)"
        }
        if let target = reply["target"], reply["x"] == nil {
            let name = [target["app_id"], target["title"]].compactMap { $0?.string }.joined(separator: " / ")
            let keys = reply["keys"].map { "typed \(plain($0)) to " } ?? "keyboard focus: "
            return keys + (target == .null ? "no window" : name.isEmpty ? "a window" : name)
        }
        if let target = reply["target"], let x = reply["x"], let y = reply["y"] {
            let done = ["button", "state", "clicks", "amount", "axis"].compactMap { name in reply[name].map { "\(name) \(plain($0))" } }
            let prefix = done.isEmpty ? "" : done.joined(separator: ", ") + "; "
            if let dismissed { return prefix + "pointer at \(plain(x)),\(plain(y)): \(dismissed)" }
            guard target != .null else { return prefix + "pointer at \(plain(x)),\(plain(y)): over no surface" }
            let name = [target["app_id"], target["title"]].compactMap { $0?.string }.joined(separator: " / ")
            let held = reply["constraint"]?.string.map { " (\($0) by the client)" } ?? ""
            return prefix + "pointer at \(plain(x)),\(plain(y)): \(name.isEmpty ? "a surface" : name) at \(target["x"].map(plain) ?? "?"),\(target["y"].map(plain) ?? "?")" + held
        }
        guard case .object(let members) = reply else { return reply.text }
        return members.filter { $0.0 != "ok" && $0.0 != "id" }.map { "\($0.0): \(plain($0.1))" }.joined(separator: "\n")
    }

    static func plain(_ value: JSON) -> String {
        switch value {
        case .string(let s): return s
        case .array(let items): return items.map(plain).joined(separator: " ")
        default: return value.text
        }
    }

    /// The windows as aligned columns.
    static func table(_ windows: [JSON]) -> String {
        if windows.isEmpty { return "no windows" }
        var rows = [["APP_ID", "TITLE", "GEOMETRY", "STATE", "OUTPUTS", "PID"]]
        for window in windows {
            let states = ["activated", "maximized", "fullscreen", "minimized"].filter { window[$0]?.bool == true }
            let geometry = ["x", "y", "width", "height"].map { window[$0].map(plain) ?? "?" }
            let outputs = window["outputs"]?.array?.compactMap(\.string) ?? []
            rows.append([
                window["app_id"]?.string ?? "-",
                window["title"]?.string ?? "-",
                "\(geometry[2])x\(geometry[3])+\(geometry[0])+\(geometry[1])",
                states.isEmpty ? "-" : states.joined(separator: ","),
                outputs.isEmpty ? "-" : outputs.joined(separator: ","),
                window["pid"].map(plain) ?? "?",
            ])
        }
        return columns(rows)
    }

    /// The outputs as aligned columns; `*` marks the one new windows open on.
    static func outputTable(_ outputs: [JSON]) -> String {
        var rows = [["NAME", "POSITION", "SIZE", "PIXELS", "SCALE", "NEW WINDOWS"]]
        for output in outputs {
            func field(_ name: String) -> String { output[name].map(plain) ?? "?" }
            rows.append([
                field("name"), "\(field("x")),\(field("y"))", "\(field("width"))x\(field("height"))",
                "\(field("device_width"))x\(field("device_height"))", field("scale"),
                output["focused"] == .bool(true) ? "*" : "",
            ])
        }
        return columns(rows)
    }

    /// Rows as columns two spaces apart, each padded to its widest cell (the last one not; no line ends in
    /// spaces).
    static func columns(_ rows: [[String]]) -> String {
        let count = rows.first?.count ?? 0
        let widths = (0..<count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            var line = row.enumerated().map { column, cell in
                column == count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
            }.joined(separator: "  ")
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }
}

private extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return s
    }
}
