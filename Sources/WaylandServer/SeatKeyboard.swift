import CWaylandServer
import Compositor

/// Sending the compositor's keyboard focus to the focused client's wl_keyboard objects. (The popup grabs
/// that move the focus are the compositor's: KeyboardFocus.swift; popup_done goes out through XdgPopup.)
extension Seat {
    /// A new wl_keyboard of the focused client is told about the focus at once.
    func keyboardBound(_ keyboard: WlKeyboard) {
        keyboards.append(keyboard)
        if let focus = compositor.keyboardFocus, let surface = resource(for: focus), surface.client == keyboard.client {
            keyboard.enter(surface.resource, serial: compositor.nextSerial())
        }
    }

    func keyboardEnter(_ surface: Surface, serial: UInt32) {
        guard let target = resource(for: surface) else { return }
        for keyboard in keyboards where keyboard.client == target.client { keyboard.enter(target.resource, serial: serial) }
    }

    func keyboardKey(_ surface: Surface, serial: UInt32, key: UInt32, pressed: Bool) {
        guard let target = resource(for: surface) else { return }
        let time = server.eventMilliseconds()
        let state = (pressed ? WL_KEYBOARD_KEY_STATE_PRESSED : WL_KEYBOARD_KEY_STATE_RELEASED).rawValue
        for keyboard in keyboards where keyboard.client == target.client { wl_keyboard_send_key(keyboard.resource, serial, time, key, state) }
    }

    func keyboardModifiers(_ surface: Surface, serial: UInt32, depressed: UInt32, latched: UInt32, locked: UInt32, group: UInt32) {
        guard let target = resource(for: surface) else { return }
        for keyboard in keyboards where keyboard.client == target.client {
            wl_keyboard_send_modifiers(keyboard.resource, serial, depressed, latched, locked, group)
        }
    }

    /// The compositor switched `client`'s keyboards to `keymap` (nil: Seawall's).
    func keyboardKeymap(_ keymap: KeymapHandle?, to client: ClientID) {
        guard let file = (keymap?.file as? KeymapFile) ?? server.keymapFile else { return }
        for keyboard in keyboards where ClientID(keyboard.client) == client { keyboard.send(file) }
    }

    /// The keymap a new wl_keyboard of `client` gets: the one its other keyboards hold.
    func keymapFile(for client: OpaquePointer) -> KeymapFile? {
        (compositor.keymap(for: ClientID(client))?.file as? KeymapFile) ?? server.keymapFile
    }

    /// Seawall's keymap as keysyms and key codes (`seawall ctl key`).
    public var keymapTable: KeymapTable { Keymap.table }

    /// Types `combo` to the keyboard focus in `keymap` (nil: Seawall's; Compositor.type) and flushes;
    /// returns the surface typed to.
    @discardableResult
    public func type(_ combo: KeyCombo, in keymap: KeymapHandle? = nil) throws(KeyRefusal) -> Surface {
        defer { flush() }
        return try compositor.type(combo, in: keymap)
    }

    /// Seawall's keymap with `extraKeys` added, in a new sealed memfd (`seawall ctl type`).
    public func makeKeymap(adding extraKeys: [TypingPlan.ExtraKey]) throws(KeyRefusal) -> KeymapHandle {
        do {
            return KeymapHandle(file: try KeymapFile(bytes: Array(Keymap.text(adding: extraKeys).utf8) + [0]))
        } catch {
            throw KeyRefusal("cannot make a keymap file: \(error)")
        }
    }

    /// A typist is done with `keymap`: Seawall's is restored if it was the current one (and flushed).
    public func restoreKeymap(after keymap: KeymapHandle?) {
        compositor.restoreKeymap(after: keymap)
        flush()
    }

    func keyboardLeave(_ surface: Surface, serial: UInt32) {
        guard let target = resource(for: surface) else { return }
        for keyboard in keyboards where keyboard.client == target.client { keyboard.leave(target.resource, serial: serial) }
    }
}
