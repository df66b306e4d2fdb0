import Compositor
import Testing

/// Which keymap each client's keyboards hold and when another is sent (KeymapSwitching.swift), key sources
/// (virtual keyboards) with held keys, and the key strokes planned for typed text (TextTyping.swift).
struct KeymapSwitchingTests {
    static let table = KeymapTable(keymapText: """
        xkb_keycodes "t" {
            <AC01> = 38;
            <AC02> = 39;
            <RTRN> = 36;
            <TAB> = 23;
            <LFSH> = 50;
            <SPCE> = 65;
        };
        xkb_symbols "t" {
            key <AC01> { type = "ALPHABETIC", [ a, A ] };
            key <AC02> { type = "ALPHABETIC", [ s, S ] };
            key <RTRN> { [ Return ] };
            key <TAB> { [ Tab ] };
            key <LFSH> { [ Shift_L ] };
            key <SPCE> { [ space ] };
        };
        """)

    static func keymap(_ name: String) -> KeymapHandle { KeymapHandle(file: KeymapName(name)) }

    /// Two mapped windows: 1 of client 1, 2 of client 2 (active, with the keyboard focus).
    static func twoWindows() -> (Bench, Window, Window) {
        let bench = Bench()
        _ = bench.compositor.addKeyboard()
        let first = bench.mappedWindow(1, client: 1), second = bench.mappedWindow(2, client: 2)
        _ = bench.events.take()
        return (bench, first, second)
    }

    @Test func keysInAnotherKeymapSendItFirstWithModifiersResetAndRestoringSendsSeawallsBack() throws {
        let (bench, _, _) = Self.twoWindows()
        let a = Self.keymap("A")
        try bench.compositor.type(KeyCombo("a", table: Self.table), in: a)
        try bench.compositor.type(KeyCombo("a", table: Self.table), in: a)
        #expect(bench.events.take() == ["keymap A to client 2", "modifiers 2 0", "key 2 30 down", "key 2 30 up",
                                        "key 2 30 down", "key 2 30 up"], "sent once, before the first key")
        #expect(bench.compositor.keymap(for: ClientID(2)) === a && bench.compositor.currentKeymap === a)
        bench.compositor.restoreKeymap(after: a)
        #expect(bench.events.take() == ["keymap seawall to client 2", "modifiers 2 0"])
        #expect(bench.compositor.keymap(for: ClientID(2)) == nil && bench.compositor.keymapSwitches == 2)
        bench.compositor.restoreKeymap(after: a)
        #expect(bench.events.take() == [], "restoring twice sends nothing")
    }

    @Test func aClientGainingTheFocusGetsTheCurrentKeymapWithTheEnterAndSeawallsWhenItComesBack() throws {
        let (bench, first, second) = Self.twoWindows()
        let a = Self.keymap("A")
        try bench.compositor.type(KeyCombo("a", table: Self.table), in: a)
        _ = bench.events.take()
        try bench.compositor.focus(first)
        #expect(bench.events.take().filter { !$0.hasPrefix("configure") && !$0.hasPrefix("offer") }
                == ["keyboard leave 2", "keymap A to client 1", "keyboard enter 1"])
        bench.compositor.restoreKeymap(after: a)
        #expect(bench.events.take() == ["keymap seawall to client 1", "modifiers 1 0"])
        #expect(bench.compositor.keymap(for: ClientID(2)) === a, "the client that lost the focus still holds A")
        try bench.compositor.focus(second)
        #expect(bench.events.take().filter { !$0.hasPrefix("configure") && !$0.hasPrefix("offer") }
                == ["keyboard leave 1", "keymap seawall to client 2", "keyboard enter 2"])
    }

    @Test func seawallsKeysAfterAnotherTypistSendSeawallsKeymapFirst() throws {
        let (bench, _, _) = Self.twoWindows()
        try bench.compositor.type(KeyCombo("a", table: Self.table), in: Self.keymap("A"))
        _ = bench.events.take()
        try bench.compositor.type(KeyCombo("A", table: Self.table))
        #expect(bench.events.take() == ["keymap seawall to client 2", "modifiers 2 0", "key 2 42 down", "modifiers 2 1",
                                        "key 2 30 down", "key 2 30 up", "key 2 42 up", "modifiers 2 0"])
    }

    @Test func aClientWhoseKeyboardsAreGoneStartsAgainWithSeawallsKeymap() throws {
        let (bench, _, _) = Self.twoWindows()
        try bench.compositor.type(KeyCombo("a", table: Self.table), in: Self.keymap("A"))
        #expect(bench.compositor.keymap(for: ClientID(2)) != nil)
        bench.compositor.keyboardsGone(of: ClientID(2))
        #expect(bench.compositor.keymap(for: ClientID(2)) == nil)
    }

    @Test func aKeySourceReleasesWhatItHoldsWhenItGoesAndSeawallsKeymapComesBack() throws {
        let (bench, first, _) = Self.twoWindows()
        let source = KeySource(client: ClientID(9))
        let v = Self.keymap("V")
        bench.compositor.setKeymap(v, of: source)
        try bench.compositor.key(30, pressed: true, from: source)
        try bench.compositor.key(30, pressed: true, from: source)   // already down: ignored
        try bench.compositor.key(31, pressed: true, from: source)
        try bench.compositor.modifiers(depressed: 1, latched: 0, locked: 2, group: 0, from: source)
        try bench.compositor.key(44, pressed: false, from: source)  // never pressed: ignored
        #expect(bench.events.take() == ["keymap V to client 2", "modifiers 2 0", "key 2 30 down", "key 2 31 down", "modifiers 2 1 0 2 0"])
        #expect(source.heldKeys == [30, 31] && source.switchesCaused == 1)
        bench.compositor.keySourceGone(source)
        #expect(bench.events.take() == ["key 2 30 up", "key 2 31 up", "modifiers 2 0", "keymap seawall to client 2", "modifiers 2 0"])
        #expect(source.heldKeys.isEmpty && bench.compositor.keymap(for: ClientID(2)) == nil)

        // A key pressed on one window and released after the focus moved: the leave released it.
        let other = KeySource(client: ClientID(9))
        bench.compositor.setKeymap(v, of: other)
        try bench.compositor.key(30, pressed: true, from: other)
        try bench.compositor.focus(first)
        _ = bench.events.take()
        try bench.compositor.key(30, pressed: false, from: other)
        bench.compositor.keySourceGone(other)
        #expect(bench.events.take() == ["keymap seawall to client 1", "modifiers 1 0"], "no release to a window that never saw the press")
    }

    @Test func keySourcesFlippingKeymapsAreStoppedAfterTheLimit() throws {
        let (bench, _, _) = Self.twoWindows()
        let one = KeySource(client: ClientID(9)), two = KeySource(client: ClientID(9))
        bench.compositor.setKeymap(Self.keymap("1"), of: one)
        bench.compositor.setKeymap(Self.keymap("2"), of: two)
        var refusal: KeyRefusal?
        var keys = 0
        do {
            for _ in 0..<Compositor.maxSwitchesPerKeySource + 1 {
                for source in [one, two] {
                    try bench.compositor.key(30, pressed: true, from: source)
                    try bench.compositor.key(30, pressed: false, from: source)
                    keys += 1
                }
            }
        } catch { refusal = error }
        #expect(refusal?.description.contains("more than \(Compositor.maxSwitchesPerKeySource) times") == true)
        #expect(keys == 2 * Compositor.maxSwitchesPerKeySource && one.switchesCaused == Compositor.maxSwitchesPerKeySource)
    }

    // MARK: Typed text

    @Test func textInSeawallsKeymapNeedsNoOtherKeymap() throws {
        let plan = try TypingPlan("aS \n\t", table: Self.table)
        #expect(plan.chunks.count == 1 && plan.chunks[0].extraKeys.isEmpty && plan.characters == 5)
        #expect(plan.chunks[0].combos.map(\.keysym) == ["a", "S", "space", "Return", "Tab"])
        #expect(plan.chunks[0].combos.map(\.key.code) == [30, 31, 57, 28, 15])
        #expect(plan.chunks[0].combos.map { $0.modifiers.map(\.name) } == [[], ["Shift_L"], [], [], []])
    }

    @Test func otherCharactersGoOnUnusedCodesOncePerCharacter() throws {
        let plan = try TypingPlan("aé€é😀", table: Self.table)
        #expect(plan.chunks.count == 1)
        let used = Self.table.codes
        let extra = plan.chunks[0].extraKeys
        #expect(extra.map(\.keysym) == ["U00E9", "U20AC", "U1F600"])
        #expect(extra.allSatisfy { !used.contains($0.code) && $0.code >= 1 && $0.code <= 247 } && Set(extra.map(\.code)).count == 3)
        #expect(plan.chunks[0].combos.map(\.key.code) == [30, extra[0].code, extra[1].code, extra[0].code, extra[2].code])
        #expect(plan.chunks[0].combos.allSatisfy { $0.modifiers.isEmpty })
    }

    @Test func moreDistinctCharactersThanFreeCodesAreChunked() throws {
        let free = 247 - Self.table.codes.count
        let text = String(String.UnicodeScalarView((0..<(free * 2 + 5)).compactMap { Unicode.Scalar(0x4E00 + $0) }))
        let plan = try TypingPlan(text + "a", table: Self.table)
        #expect(plan.chunks.count == 3)
        #expect(plan.chunks.map(\.extraKeys.count) == [free, free, 5])
        #expect(plan.chunks.map(\.combos.count) == [free, free, 6] && plan.characters == free * 2 + 6)
        #expect(plan.chunks[1].extraKeys.first?.keysym == "U" + String(0x4E00 + free, radix: 16, uppercase: true))
    }

    @Test func emptyTooLongAndControlCharactersAreRefusedBeforeAnythingIsTyped() {
        #expect(throws: KeyRefusal("nothing to type: the text is empty")) { try TypingPlan("", table: Self.table) }
        #expect(throws: KeyRefusal("the text has 10001 characters (Unicode scalars); at most 10000 per request")) {
            try TypingPlan(String(repeating: "a", count: 10_001), table: Self.table)
        }
        #expect((try? TypingPlan(String(repeating: "é", count: 10_000), table: Self.table))?.characters == 10_000)
        for (text, point, index) in [("ab\u{7}", "U+0007", 3), ("\r", "U+000D", 1), ("a\u{7F}", "U+007F", 2), ("\u{85}", "U+0085", 1)] {
            #expect(throws: KeyRefusal("character \(index) is the control character \(point), which cannot be typed (of the control characters only newline and tab can: as Return and Tab)")) {
                try TypingPlan(text, table: Self.table)
            }
        }
    }
}
