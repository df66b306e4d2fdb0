/// Keys pressed for `seawall ctl key` and windows focused for `seawall ctl focus`: which keys of Seawall's
/// keymap make a combo like `ctrl+shift+Tab`, and the events that type it to the surface with the keyboard
/// focus (modifier presses with wl_keyboard.modifiers after each, the key pressed and released, the
/// modifiers released in reverse). Every key goes up again before the command returns: no key stays down.

/// Why a keyboard command does nothing; `description` is the reply's error.
public struct KeyRefusal: Error, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The keysyms of an XKB keymap (Seawall's own, which has one group and at most two levels per key): for
/// each keysym name, its evdev key code and whether it is on the Shift level. Read from the keymap's text,
/// so the table cannot disagree with what clients compile.
public struct KeymapTable: Sendable {
    public struct Key: Equatable, Sendable {
        /// The evdev code (the keymap's XKB code − 8), as wl_keyboard.key carries it.
        public let code: UInt32
        /// The keysym is on level 2: Shift must be down.
        public let shifted: Bool
        public init(code: UInt32, shifted: Bool) { self.code = code; self.shifted = shifted }
    }

    private var keys: [String: Key] = [:]
    /// The evdev codes of every key the keymap names (with or without symbols).
    public private(set) var codes: Set<UInt32> = []

    /// The table of `text`'s `xkb_keycodes` (`<AE01> = 10;`) and `xkb_symbols` (`key <AE01> { …, [ 1, exclam ] };`).
    public init(keymapText text: String) {
        var codes: [String: UInt32] = [:]
        for line in text.split(separator: "\n") {
            let words = line.split(whereSeparator: { " \t;=".contains($0) })
            if words.count == 2, words[0].hasPrefix("<"), let code = UInt32(words[1]), code >= 8 {
                codes[String(words[0])] = code - 8
                self.codes.insert(code - 8)
            } else if words.first == "key", words.count >= 2, let code = codes[String(words[1])],
                      let open = line.lastIndex(of: "["), let close = line.lastIndex(of: "]"), open < close {
                let levels = line[line.index(after: open)..<close].split(separator: ",")
                    .map { $0.filter { $0 != " " } }
                for (level, name) in levels.prefix(2).enumerated() where !name.isEmpty && keys[name] == nil {
                    keys[name] = Key(code: code, shifted: level == 1)
                }
            }
        }
    }

    /// The key that types `keysym`, or nil if the keymap has none.
    public func key(_ keysym: String) -> Key? { keys[keysym] }

    /// Every keysym name, sorted (for errors).
    public var keysyms: [String] { keys.keys.sorted() }
}

/// A combo such as `ctrl+a`, `shift+Tab`, `Return` or `F5`: modifiers, then one keysym.
public struct KeyCombo: Equatable, Sendable {
    /// A modifier: its key and its bit in wl_keyboard.modifiers' depressed mask (XKB's real modifiers).
    public struct Modifier: Equatable, Sendable {
        public let name: String
        public let key: KeymapTable.Key
        public let mask: UInt32
    }

    public let modifiers: [Modifier]
    public let key: KeymapTable.Key
    public let keysym: String

    /// One key, with Shift held if `shifted` (typed text: TextTyping.swift).
    init(key: KeymapTable.Key, keysym: String, shift: KeymapTable.Key?) {
        modifiers = key.shifted ? shift.map { [Modifier(name: "Shift_L", key: $0, mask: 1)] } ?? [] : []
        self.key = key
        self.keysym = keysym
    }

    /// Modifier words and the keysyms that hold them down.
    static let modifierNames: [(words: [String], keysym: String, mask: UInt32)] = [
        (["shift"], "Shift_L", 1), (["ctrl", "control"], "Control_L", 4), (["alt"], "Alt_L", 8),
        (["super", "logo", "win"], "Super_L", 64),
    ]

    /// Reads `text` against `table`: `+`-separated modifier words (shift, ctrl, alt, super) and a keysym
    /// name the keymap has. A keysym on the Shift level (`A`, `exclam`) adds Shift itself.
    public init(_ text: String, table: KeymapTable) throws(KeyRefusal) {
        var parts = text.split(separator: "+", omittingEmptySubsequences: false).map(String.init)
        // "ctrl++" or "+": the last key is "plus" written as a character.
        if text.hasSuffix("++") || text == "+" { parts.removeLast(2); parts.append("plus") }
        guard let keysym = parts.popLast(), !keysym.isEmpty, !parts.contains(where: \.isEmpty) else {
            throw KeyRefusal("\"\(text)\" is not a key combo (like ctrl+a, shift+Tab, Return)")
        }
        var modifiers: [Modifier] = []
        for word in parts {
            guard let entry = Self.modifierNames.first(where: { $0.words.contains(word.lowercased()) }),
                  let key = table.key(entry.keysym) else {
                throw KeyRefusal("unknown modifier \"\(word)\" in \(text) (modifiers: shift, ctrl, alt, super)")
            }
            if !modifiers.contains(where: { $0.mask == entry.mask }) {
                modifiers.append(Modifier(name: entry.keysym, key: key, mask: entry.mask))
            }
        }
        guard let key = table.key(keysym) else {
            throw KeyRefusal("unknown keysym \"\(keysym)\": Seawall's keymap has no such key (it has a..z, A..Z, 0..9, Return, Tab, BackSpace, Escape, space, F1..F12, Left, Up, Home, Delete, punctuation such as comma or exclam, …)")
        }
        if key.shifted, !modifiers.contains(where: { $0.mask == 1 }), let shift = table.key("Shift_L") {
            modifiers.append(Modifier(name: "Shift_L", key: shift, mask: 1))
        }
        self.modifiers = modifiers
        self.key = key
        self.keysym = keysym
    }
}

extension Compositor {
    /// The most combos one `key` command may type.
    public static let maxKeyCombos = 1000

    /// Whether combos may be typed now, and to which surface.
    public func keyTarget() throws(KeyRefusal) -> Surface {
        guard hasKeyboard else { throw KeyRefusal("the seat has no keyboard (Seawall was started with --no-keyboard)") }
        guard let focus = keyboardFocus else { throw KeyRefusal("no window has the keyboard focus") }
        return focus
    }

    /// Types `combo` to the keyboard focus in `keymap` (nil: Seawall's; KeymapSwitching.swift sends it first
    /// if the focused client holds another): each modifier down (and the modifiers event), the key down and
    /// up, the modifiers up in reverse (each followed by the modifiers event). Returns the surface typed to.
    @discardableResult
    public func type(_ combo: KeyCombo, in keymap: KeymapHandle? = nil) throws(KeyRefusal) -> Surface {
        let focus = try keyTarget()
        prepareKeys(in: keymap, to: focus)
        var mask: UInt32 = 0
        for modifier in combo.modifiers {
            events?.keyboardKey(focus, serial: nextSerial(), key: modifier.key.code, pressed: true)
            mask |= modifier.mask
            events?.keyboardModifiers(focus, serial: nextSerial(), depressed: mask, latched: 0, locked: 0, group: 0)
        }
        let serial = nextSerial()
        userInput(serial: serial, to: focus)
        events?.keyboardKey(focus, serial: serial, key: combo.key.code, pressed: true)
        events?.keyboardKey(focus, serial: nextSerial(), key: combo.key.code, pressed: false)
        for modifier in combo.modifiers.reversed() {
            events?.keyboardKey(focus, serial: nextSerial(), key: modifier.key.code, pressed: false)
            mask &= ~modifier.mask
            events?.keyboardModifiers(focus, serial: nextSerial(), depressed: mask, latched: 0, locked: 0, group: 0)
        }
        return focus
    }

    /// `seawall ctl focus`: `window` becomes the active window (raised; the keyboard focus follows).
    public func focus(_ window: Window) throws(KeyRefusal) {
        guard let surface = window.surface, scene.view(for: surface)?.mapped == true else { throw KeyRefusal("the window is not mapped") }
        focusWindow(of: surface)
    }
}
