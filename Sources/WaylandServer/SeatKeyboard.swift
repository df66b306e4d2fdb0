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

    func keyboardModifiers(_ surface: Surface, serial: UInt32, depressed: UInt32) {
        guard let target = resource(for: surface) else { return }
        for keyboard in keyboards where keyboard.client == target.client {
            wl_keyboard_send_modifiers(keyboard.resource, serial, depressed, 0, 0, 0)
        }
    }

    /// Seawall's keymap as keysyms and key codes (`seawall ctl key`).
    public var keymapTable: KeymapTable { Keymap.table }

    /// Types `combo` to the keyboard focus (Compositor.type) and flushes; returns the surface typed to.
    @discardableResult
    public func type(_ combo: KeyCombo) throws(KeyRefusal) -> Surface {
        defer { flush() }
        return try compositor.type(combo)
    }

    func keyboardLeave(_ surface: Surface, serial: UInt32) {
        guard let target = resource(for: surface) else { return }
        for keyboard in keyboards where keyboard.client == target.client { keyboard.leave(target.resource, serial: serial) }
    }
}
