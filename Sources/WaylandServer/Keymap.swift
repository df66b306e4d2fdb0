import Glibc
import ClientMemory
import SystemCalls
import Compositor

/// The XKB keymap every wl_keyboard receives: a US layout written for Seawall (letters, digits, punctuation,
/// modifiers, arrows and editing keys, F1–F12; evdev key codes + 8), complete in itself (no includes), so
/// any client's libxkbcommon compiles it as it is. `seawall ctl key` types with it (`KeymapTable` reads the
/// key codes of each keysym from this text).
enum Keymap {
    static let text = """
        xkb_keymap {
        xkb_keycodes "seawall" {
            minimum = 8;
            maximum = 255;
            <ESC> = 9;
            <AE01> = 10;
            <AE02> = 11;
            <AE03> = 12;
            <AE04> = 13;
            <AE05> = 14;
            <AE06> = 15;
            <AE07> = 16;
            <AE08> = 17;
            <AE09> = 18;
            <AE10> = 19;
            <AE11> = 20;
            <AE12> = 21;
            <BKSP> = 22;
            <TAB> = 23;
            <AD01> = 24;
            <AD02> = 25;
            <AD03> = 26;
            <AD04> = 27;
            <AD05> = 28;
            <AD06> = 29;
            <AD07> = 30;
            <AD08> = 31;
            <AD09> = 32;
            <AD10> = 33;
            <AD11> = 34;
            <AD12> = 35;
            <RTRN> = 36;
            <LCTL> = 37;
            <AC01> = 38;
            <AC02> = 39;
            <AC03> = 40;
            <AC04> = 41;
            <AC05> = 42;
            <AC06> = 43;
            <AC07> = 44;
            <AC08> = 45;
            <AC09> = 46;
            <AC10> = 47;
            <AC11> = 48;
            <TLDE> = 49;
            <LFSH> = 50;
            <BKSL> = 51;
            <AB01> = 52;
            <AB02> = 53;
            <AB03> = 54;
            <AB04> = 55;
            <AB05> = 56;
            <AB06> = 57;
            <AB07> = 58;
            <AB08> = 59;
            <AB09> = 60;
            <AB10> = 61;
            <RTSH> = 62;
            <LALT> = 64;
            <SPCE> = 65;
            <CAPS> = 66;
            <FK01> = 67;
            <FK02> = 68;
            <FK03> = 69;
            <FK04> = 70;
            <FK05> = 71;
            <FK06> = 72;
            <FK07> = 73;
            <FK08> = 74;
            <FK09> = 75;
            <FK10> = 76;
            <FK11> = 95;
            <FK12> = 96;
            <RCTL> = 105;
            <RALT> = 108;
            <HOME> = 110;
            <UP> = 111;
            <PGUP> = 112;
            <LEFT> = 113;
            <RGHT> = 114;
            <END> = 115;
            <DOWN> = 116;
            <PGDN> = 117;
            <INS> = 118;
            <DELE> = 119;
            <LWIN> = 133;
        };
        xkb_types "seawall" {
            virtual_modifiers NumLock,Alt,Super;
            type "ONE_LEVEL" {
                modifiers = none;
                level_name[Level1] = "Any";
            };
            type "TWO_LEVEL" {
                modifiers = Shift;
                map[Shift] = Level2;
                level_name[Level1] = "Base";
                level_name[Level2] = "Shift";
            };
            type "ALPHABETIC" {
                modifiers = Shift+Lock;
                map[Shift] = Level2;
                map[Lock] = Level2;
                level_name[Level1] = "Base";
                level_name[Level2] = "Caps";
            };
        };
        xkb_compatibility "seawall" {
            virtual_modifiers NumLock,Alt,Super;
            interpret Shift_L { action = SetMods(modifiers = Shift); };
            interpret Shift_R { action = SetMods(modifiers = Shift); };
            interpret Control_L { action = SetMods(modifiers = Control); };
            interpret Control_R { action = SetMods(modifiers = Control); };
            interpret Alt_L { action = SetMods(modifiers = Mod1); };
            interpret Alt_R { action = SetMods(modifiers = Mod1); };
            interpret Super_L { action = SetMods(modifiers = Mod4); };
            interpret Caps_Lock { action = LockMods(modifiers = Lock); };
        };
        xkb_symbols "seawall" {
            name[Group1] = "English (US)";
            key <AE01> { type = "TWO_LEVEL", [ 1, exclam ] };
            key <AE02> { type = "TWO_LEVEL", [ 2, at ] };
            key <AE03> { type = "TWO_LEVEL", [ 3, numbersign ] };
            key <AE04> { type = "TWO_LEVEL", [ 4, dollar ] };
            key <AE05> { type = "TWO_LEVEL", [ 5, percent ] };
            key <AE06> { type = "TWO_LEVEL", [ 6, asciicircum ] };
            key <AE07> { type = "TWO_LEVEL", [ 7, ampersand ] };
            key <AE08> { type = "TWO_LEVEL", [ 8, asterisk ] };
            key <AE09> { type = "TWO_LEVEL", [ 9, parenleft ] };
            key <AE10> { type = "TWO_LEVEL", [ 0, parenright ] };
            key <AE11> { type = "TWO_LEVEL", [ minus, underscore ] };
            key <AE12> { type = "TWO_LEVEL", [ equal, plus ] };
            key <AD01> { type = "ALPHABETIC", [ q, Q ] };
            key <AD02> { type = "ALPHABETIC", [ w, W ] };
            key <AD03> { type = "ALPHABETIC", [ e, E ] };
            key <AD04> { type = "ALPHABETIC", [ r, R ] };
            key <AD05> { type = "ALPHABETIC", [ t, T ] };
            key <AD06> { type = "ALPHABETIC", [ y, Y ] };
            key <AD07> { type = "ALPHABETIC", [ u, U ] };
            key <AD08> { type = "ALPHABETIC", [ i, I ] };
            key <AD09> { type = "ALPHABETIC", [ o, O ] };
            key <AD10> { type = "ALPHABETIC", [ p, P ] };
            key <AD11> { type = "TWO_LEVEL", [ bracketleft, braceleft ] };
            key <AD12> { type = "TWO_LEVEL", [ bracketright, braceright ] };
            key <AC01> { type = "ALPHABETIC", [ a, A ] };
            key <AC02> { type = "ALPHABETIC", [ s, S ] };
            key <AC03> { type = "ALPHABETIC", [ d, D ] };
            key <AC04> { type = "ALPHABETIC", [ f, F ] };
            key <AC05> { type = "ALPHABETIC", [ g, G ] };
            key <AC06> { type = "ALPHABETIC", [ h, H ] };
            key <AC07> { type = "ALPHABETIC", [ j, J ] };
            key <AC08> { type = "ALPHABETIC", [ k, K ] };
            key <AC09> { type = "ALPHABETIC", [ l, L ] };
            key <AC10> { type = "TWO_LEVEL", [ semicolon, colon ] };
            key <AC11> { type = "TWO_LEVEL", [ apostrophe, quotedbl ] };
            key <AB01> { type = "ALPHABETIC", [ z, Z ] };
            key <AB02> { type = "ALPHABETIC", [ x, X ] };
            key <AB03> { type = "ALPHABETIC", [ c, C ] };
            key <AB04> { type = "ALPHABETIC", [ v, V ] };
            key <AB05> { type = "ALPHABETIC", [ b, B ] };
            key <AB06> { type = "ALPHABETIC", [ n, N ] };
            key <AB07> { type = "ALPHABETIC", [ m, M ] };
            key <AB08> { type = "TWO_LEVEL", [ comma, less ] };
            key <AB09> { type = "TWO_LEVEL", [ period, greater ] };
            key <AB10> { type = "TWO_LEVEL", [ slash, question ] };
            key <ESC> { [ Escape ] };
            key <BKSP> { [ BackSpace ] };
            key <TAB> { [ Tab ] };
            key <RTRN> { [ Return ] };
            key <LCTL> { [ Control_L ] };
            key <TLDE> { type = "TWO_LEVEL", [ grave, asciitilde ] };
            key <LFSH> { [ Shift_L ] };
            key <BKSL> { type = "TWO_LEVEL", [ backslash, bar ] };
            key <RTSH> { [ Shift_R ] };
            key <LALT> { [ Alt_L ] };
            key <SPCE> { [ space ] };
            key <CAPS> { [ Caps_Lock ] };
            key <RCTL> { [ Control_R ] };
            key <RALT> { [ Alt_R ] };
            key <HOME> { [ Home ] };
            key <UP> { [ Up ] };
            key <PGUP> { [ Prior ] };
            key <LEFT> { [ Left ] };
            key <RGHT> { [ Right ] };
            key <END> { [ End ] };
            key <DOWN> { [ Down ] };
            key <PGDN> { [ Next ] };
            key <INS> { [ Insert ] };
            key <DELE> { [ Delete ] };
            key <LWIN> { [ Super_L ] };
            key <FK01> { [ F1 ] };
            key <FK02> { [ F2 ] };
            key <FK03> { [ F3 ] };
            key <FK04> { [ F4 ] };
            key <FK05> { [ F5 ] };
            key <FK06> { [ F6 ] };
            key <FK07> { [ F7 ] };
            key <FK08> { [ F8 ] };
            key <FK09> { [ F9 ] };
            key <FK10> { [ F10 ] };
            key <FK11> { [ F11 ] };
            key <FK12> { [ F12 ] };
            modifier_map Shift { <LFSH>, <RTSH> };
            modifier_map Lock { <CAPS> };
            modifier_map Control { <LCTL>, <RCTL> };
            modifier_map Mod1 { <LALT>, <RALT> };
            modifier_map Mod4 { <LWIN> };
        };
        };

        """

    /// Its keysyms and key codes, for typing (`seawall ctl key`).
    static let table = KeymapTable(keymapText: text)

    /// Seawall's keymap plus `extraKeys` (`seawall ctl type`'s characters that it lacks): each an unused
    /// code (named `<I` + XKB code `>`) with one keysym on a one-level key. No extra keys: `text` itself.
    static func text(adding extraKeys: [TypingPlan.ExtraKey]) -> String {
        guard !extraKeys.isEmpty else { return text }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let names = extraKeys.map { (name: "<I\($0.code + 8)>", code: $0.code + 8, keysym: $0.keysym) }
        if let symbolsEnd = lines.firstIndex(where: { $0.hasPrefix("    modifier_map ") }) {
            lines.insert(contentsOf: names.map { "    key \($0.name) { [ \($0.keysym) ] };" }, at: symbolsEnd)
        }
        if let keycodesEnd = lines.firstIndex(of: "    <LWIN> = 133;") {
            lines.insert(contentsOf: names.map { "    \($0.name) = \($0.code);" }, at: keycodesEnd + 1)
        }
        return lines.joined(separator: "\n")
    }

    /// The keymap in a memfd sealed against every change (shrink, grow, write, further seals): clients map
    /// it MAP_PRIVATE (wl_keyboard v7 asks that) or read-only, and all of them share the one file.
    static func makeFile() throws(SystemError) -> OwnedFD { try makeFile(bytes: Array(text.utf8) + [0]) }

    /// `bytes` in a new memfd sealed against every change.
    static func makeFile(bytes: [UInt8]) throws(SystemError) -> OwnedFD {
        let fd = try Memfd.create(name: "seawall-keymap", allowSealing: true)
        let written = bytes.withUnsafeBytes { buffer in
            buffer.baseAddress.map { fd.write(from: $0, count: buffer.count, at: 0) } ?? true
        }
        guard written else { throw SystemError("write keymap") }
        try fd.addSeals([.shrink, .grow, .write, .seal])
        return fd
    }

    /// The size wl_keyboard.keymap announces: the text and its terminating NUL.
    static var fileSize: UInt32 { UInt32(text.utf8.count + 1) }
}
