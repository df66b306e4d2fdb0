/// Which keymap each client's wl_keyboards hold, and when another one is sent. Seawall's own keymap is what
/// every keyboard gets when made; `seawall ctl type` (for characters Seawall's keymap lacks) and virtual
/// keyboards type with other keymaps. The rule is the one a seat with several physical keyboards follows:
/// keys are interpreted in the keymap of the keyboard they come from, so before a key (or modifiers) reaches
/// the focused client, that client gets the key's keymap if it holds a different one, and its modifiers are
/// reset. The keymap of the keyboard that typed last is the current one: a client gaining the focus gets it
/// with the enter. When a typist is done (ctl type ends, a virtual keyboard goes away) Seawall's keymap is
/// the current one again and the focused client gets it back at once; a client that lost the focus while
/// holding another keymap gets Seawall's back with its next enter or key, whichever comes first.
///
/// Seawall's keymap is `nil` wherever a `KeymapHandle?` appears.

/// A keymap other than Seawall's own, as the compositor knows it: an identity, and the file the protocol
/// layer sends for it (opaque here). It lives as long as a client's keyboards hold it, the current keymap is
/// it, or its typist keeps it.
public final class KeymapHandle {
    /// The protocol layer's sealed keymap file; the compositor never looks inside.
    public let file: AnyObject
    public init(file: AnyObject) { self.file = file }
}

/// A keyboard a client drives (zwp_virtual_keyboard_v1), as the compositor sees it: its keymap, the keys it
/// holds down (each with the surface that got the press), and how often it made the focused client switch
/// keymaps.
public final class KeySource {
    public let client: ClientID
    /// The keymap its keys are in; nil until it sets one (then keys are refused by the protocol layer).
    public internal(set) var keymap: KeymapHandle?
    /// Keys down, by evdev code, with the surface that got the press.
    var held: [UInt32: WeakSurface] = [:]
    /// Modifiers it sent that are not all zero: they are reset when it goes away.
    var modifiersSet = false
    /// Keymaps sent to focused clients because of this source's keys.
    public internal(set) var switchesCaused = 0

    public init(client: ClientID) { self.client = client }

    /// The codes held down now, in order.
    public var heldKeys: [UInt32] { held.keys.sorted() }
}

struct WeakSurface {
    weak var surface: Surface?
}

extension Compositor {
    /// How many keymap switches one key source may cause (each sends a file descriptor to the focused
    /// client): wtype causes one per run, a source flipping keymaps on every key would flood the client's
    /// descriptor table.
    public static let maxSwitchesPerKeySource = 1000

    /// The keymap `client`'s wl_keyboards hold now (nil: Seawall's). A new wl_keyboard of the client gets it.
    public func keymap(for client: ClientID) -> KeymapHandle? { clientKeymaps[client] }

    /// The keymap keys were last typed in (nil: Seawall's).
    public var currentKeymap: KeymapHandle? { typingKeymap }

    /// Makes `client`'s keyboards hold `keymap`; returns whether it had to be sent.
    @discardableResult
    func sendKeymap(_ keymap: KeymapHandle?, to client: ClientID) -> Bool {
        guard clientKeymaps[client] !== keymap else { return false }
        clientKeymaps[client] = keymap
        keymapSwitches &+= 1
        events?.keyboardKeymap(keymap, to: client)
        return true
    }

    /// Keys in `keymap` are about to reach `focus`: it becomes the current keymap, and the focused client
    /// gets it first if it holds another, followed by modifiers reset to none. Returns whether it was sent.
    @discardableResult
    func prepareKeys(in keymap: KeymapHandle?, to focus: Surface) -> Bool {
        typingKeymap = keymap
        guard sendKeymap(keymap, to: focus.client) else { return false }
        events?.keyboardModifiers(focus, serial: nextSerial(), depressed: 0, latched: 0, locked: 0, group: 0)
        return true
    }

    /// A typist is done with `keymap`: if it is the current keymap, Seawall's is current again and the
    /// focused client gets it back now (with modifiers reset). Others get it with their next enter or key.
    public func restoreKeymap(after keymap: KeymapHandle?) {
        guard typingKeymap === keymap else { return }
        typingKeymap = nil
        if let focus = keyboardFocus { prepareKeys(in: nil, to: focus) }
    }

    /// Every wl_keyboard of `client` is gone (or the client is): a new one starts with Seawall's keymap.
    public func keyboardsGone(of client: ClientID) { clientKeymaps[client] = nil }

    // MARK: Key sources (virtual keyboards)

    /// A key source's keymap changes. Keys it holds stay held (their release needs no keysym).
    public func setKeymap(_ keymap: KeymapHandle, of source: KeySource) {
        let old = source.keymap
        source.keymap = keymap
        if let old, typingKeymap === old { typingKeymap = keymap }
    }

    /// A key from `source` goes down or up. A press reaches the keyboard focus (nothing, without one) in the
    /// source's keymap and is remembered with that surface; a release reaches the surface that got the press
    /// if it still has the focus (one that lost it got a leave, which released every key). A press of a key
    /// already down and a release of a key not down are ignored.
    public func key(_ code: UInt32, pressed: Bool, from source: KeySource) throws(KeyRefusal) {
        if pressed {
            guard source.held[code] == nil, let focus = keyboardFocus else { return }
            try prepare(source, focus)
            source.held[code] = WeakSurface(surface: focus)
            let serial = nextSerial()
            userInput(serial: serial, to: focus)
            events?.keyboardKey(focus, serial: serial, key: code, pressed: true)
        } else {
            guard let entry = source.held.removeValue(forKey: code), let surface = entry.surface,
                  surface === keyboardFocus else { return }
            try prepare(source, surface)
            events?.keyboardKey(surface, serial: nextSerial(), key: code, pressed: false)
        }
    }

    /// Modifier state from `source`, forwarded to the keyboard focus in the source's keymap.
    public func modifiers(depressed: UInt32, latched: UInt32, locked: UInt32, group: UInt32, from source: KeySource) throws(KeyRefusal) {
        guard let focus = keyboardFocus else { return }
        try prepare(source, focus)
        source.modifiersSet = (depressed | latched | locked | group) != 0
        events?.keyboardModifiers(focus, serial: nextSerial(), depressed: depressed, latched: latched, locked: locked, group: group)
    }

    /// The source is gone (destroyed, or its client disconnected): every key it holds is released to the
    /// surface that got the press if that surface still has the focus, modifiers it set are reset there, and
    /// if its keymap is the current one, Seawall's is restored.
    public func keySourceGone(_ source: KeySource) {
        let held = source.held
        source.held.removeAll()
        let focus = keyboardFocus
        for code in held.keys.sorted() {
            guard let surface = held[code]?.surface, surface === focus else { continue }
            events?.keyboardKey(surface, serial: nextSerial(), key: code, pressed: false)
        }
        if source.modifiersSet, let focus {
            source.modifiersSet = false
            events?.keyboardModifiers(focus, serial: nextSerial(), depressed: 0, latched: 0, locked: 0, group: 0)
        }
        if let keymap = source.keymap { restoreKeymap(after: keymap) }
    }

    private func prepare(_ source: KeySource, _ focus: Surface) throws(KeyRefusal) {
        if clientKeymaps[focus.client] !== source.keymap {
            guard source.switchesCaused < Self.maxSwitchesPerKeySource else {
                throw KeyRefusal("its keys made the focused window switch keymaps more than \(Self.maxSwitchesPerKeySource) times")
            }
            source.switchesCaused += 1
        }
        prepareKeys(in: source.keymap, to: focus)
    }
}
