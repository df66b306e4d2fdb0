/// `seawall ctl type TEXT`: any text as key strokes. Each Unicode scalar that Seawall's keymap has (printable
/// ASCII, newline as Return, tab as Tab) is typed with its key (Shift held for the upper level). The others
/// (é, €, ß, emoji, CJK, combining marks…) are typed the way wtype types: a keymap is made that is Seawall's
/// plus keys on codes Seawall's keymap leaves unused, each carrying the keysym of one character (`U20AC`:
/// XKB's name for the Unicode keysym 0x01000000 + code point, or the Latin-1 keysym below U+0100), the
/// text is typed in it, and Seawall's keymap is restored. Text with more distinct such characters than there
/// are unused codes is cut into chunks, each with its own keymap.

/// The key strokes for one text, in chunks that each need one keymap.
public struct TypingPlan: Sendable {
    /// A key added to Seawall's keymap for a chunk: an unused evdev code and the keysym it carries.
    public struct ExtraKey: Equatable, Sendable {
        public let code: UInt32
        public let keysym: String
        public init(code: UInt32, keysym: String) { self.code = code; self.keysym = keysym }
    }

    /// A run of text typed in one keymap: Seawall's plus `extraKeys` (none: Seawall's as it is).
    public struct Chunk: Sendable {
        public let extraKeys: [ExtraKey]
        public let combos: [KeyCombo]
    }

    public let chunks: [Chunk]
    /// Unicode scalars typed (one combo each).
    public let characters: Int

    /// The most Unicode scalars one request may type.
    public static let maxCharacters = 10_000
    /// The highest evdev code an added key may have: XKB code 255, the most X11 clients (Xwayland) take.
    static let highestCode: UInt32 = 247

    /// XKB's names of the keysyms of printable ASCII, U+0020…U+007E in order (each keysym equals its code
    /// point).
    static let asciiNames: [String] = [
        "space", "exclam", "quotedbl", "numbersign", "dollar", "percent", "ampersand", "apostrophe",
        "parenleft", "parenright", "asterisk", "plus", "comma", "minus", "period", "slash",
        "0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
        "colon", "semicolon", "less", "equal", "greater", "question", "at",
    ] + (0x41...0x5a).map { String(UnicodeScalar(UInt8($0))) } + [
        "bracketleft", "backslash", "bracketright", "asciicircum", "underscore", "grave",
    ] + (0x61...0x7a).map { String(UnicodeScalar(UInt8($0))) } + [
        "braceleft", "bar", "braceright", "asciitilde",
    ]

    /// Plans `text` against `table` (Seawall's keymap): refuses empty text, more than `maxCharacters`
    /// scalars, and control characters other than newline and tab, before anything is typed.
    public init(_ text: String, table: KeymapTable) throws(KeyRefusal) {
        let scalars = Array(text.unicodeScalars)
        guard !scalars.isEmpty else { throw KeyRefusal("nothing to type: the text is empty") }
        guard scalars.count <= Self.maxCharacters else {
            throw KeyRefusal("the text has \(scalars.count) characters (Unicode scalars); at most \(Self.maxCharacters) per request")
        }
        if let index = scalars.firstIndex(where: { $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\t" }) {
            throw KeyRefusal("character \(index + 1) is the control character \(Self.codePoint(scalars[index])), which cannot be typed (of the control characters only newline and tab can: as Return and Tab)")
        }
        let free = (1...Self.highestCode).filter { !table.codes.contains($0) }
        guard !free.isEmpty || scalars.allSatisfy({ Self.seawallKeysym($0, table) != nil }) else {
            throw KeyRefusal("the keymap leaves no key code free for characters it lacks")
        }
        let shift = table.key("Shift_L")
        var chunks: [Chunk] = []
        var extra: [Unicode.Scalar: UInt32] = [:]
        var extraKeys: [ExtraKey] = []
        var combos: [KeyCombo] = []
        for scalar in scalars {
            if let (keysym, key) = Self.seawallKeysym(scalar, table) {
                combos.append(KeyCombo(key: key, keysym: keysym, shift: shift))
                continue
            }
            let keysym = Self.unicodeKeysym(scalar)
            let code: UInt32
            if let known = extra[scalar] {
                code = known
            } else {
                if extraKeys.count == free.count {
                    chunks.append(Chunk(extraKeys: extraKeys, combos: combos))
                    extra.removeAll()
                    extraKeys.removeAll()
                    combos.removeAll()
                }
                code = free[extraKeys.count]
                extra[scalar] = code
                extraKeys.append(ExtraKey(code: code, keysym: keysym))
            }
            combos.append(KeyCombo(key: KeymapTable.Key(code: code, shifted: false), keysym: keysym, shift: nil))
        }
        chunks.append(Chunk(extraKeys: extraKeys, combos: combos))
        self.chunks = chunks
        characters = scalars.count
    }

    /// The keysym of Seawall's keymap that types `scalar`, and its key; nil if it has none.
    static func seawallKeysym(_ scalar: Unicode.Scalar, _ table: KeymapTable) -> (String, KeymapTable.Key)? {
        let name: String
        switch scalar.value {
        case 0x0a: name = "Return"
        case 0x09: name = "Tab"
        case 0x20...0x7e: name = asciiNames[Int(scalar.value - 0x20)]
        default: return nil
        }
        return table.key(name).map { (name, $0) }
    }

    /// XKB's name for the keysym of `scalar`: `U` and at least four hex digits (U+00A0…U+00FF name the
    /// Latin-1 keysyms, the rest 0x01000000 + the code point).
    static func unicodeKeysym(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    static func codePoint(_ scalar: Unicode.Scalar) -> String { "U+" + unicodeKeysym(scalar).dropFirst() }
}
