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

    func keyboardLeave(_ surface: Surface, serial: UInt32) {
        guard let target = resource(for: surface) else { return }
        for keyboard in keyboards where keyboard.client == target.client { keyboard.leave(target.resource, serial: serial) }
    }
}
