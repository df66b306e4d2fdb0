import CWaylandServer
import Compositor

/// Sending the compositor's pointer events to the focused client's wl_pointer objects, each followed by
/// wl_pointer.frame from version 5.
extension Seat {
    /// A new wl_pointer of the focused client is told about the focus at once.
    func pointerBound(_ pointer: WlPointer) {
        pointers.append(pointer)
        if let focus = compositor.pointerFocusSurface, let surface = resource(for: focus), surface.client == pointer.client {
            let (x, y) = compositor.pointerOnFocus
            sendEnter(pointer, serial: compositor.nextSerial(), surface: surface.resource, x: x, y: y)
        }
    }

    func pointerEnter(_ surface: Surface, serial: UInt32, x: Double, y: Double) {
        guard let target = resource(for: surface) else { return }
        for pointer in pointers(of: target.client) { sendEnter(pointer, serial: serial, surface: target.resource, x: x, y: y) }
    }

    func pointerLeave(_ surface: Surface, serial: UInt32) {
        guard let target = resource(for: surface) else { return }
        for pointer in pointers(of: target.client) {
            wl_pointer_send_leave(pointer.resource, serial, target.resource)
            frame(pointer)
        }
    }

    func pointerMotion(_ surface: Surface, x: Double, y: Double) {
        guard let target = resource(for: surface) else { return }
        let time = server.eventMilliseconds()
        for pointer in pointers(of: target.client) {
            wl_pointer_send_motion(pointer.resource, time, wl_fixed_from_double(x), wl_fixed_from_double(y))
            frame(pointer)
        }
    }

    func pointerButton(_ surface: Surface, serial: UInt32, button: UInt32, pressed: Bool) {
        guard let target = resource(for: surface) else { return }
        let time = server.eventMilliseconds()
        let state = pressed ? WL_POINTER_BUTTON_STATE_PRESSED : WL_POINTER_BUTTON_STATE_RELEASED
        for pointer in pointers(of: target.client) {
            wl_pointer_send_button(pointer.resource, serial, time, button, state.rawValue)
            frame(pointer)
        }
    }

    /// Seawall offers wl_seat version 7, so wl_pointer is at most 7: axis_source and axis_discrete from
    /// version 5 (axis_value120 would need 8), axis for all.
    func pointerAxis(_ surface: Surface, horizontal: Bool, value: Double, discrete: Int32) {
        guard let target = resource(for: surface) else { return }
        let time = server.eventMilliseconds()
        let axis = (horizontal ? WL_POINTER_AXIS_HORIZONTAL_SCROLL : WL_POINTER_AXIS_VERTICAL_SCROLL).rawValue
        for pointer in pointers(of: target.client) {
            if pointer.version >= 5 {
                wl_pointer_send_axis_source(pointer.resource, WL_POINTER_AXIS_SOURCE_WHEEL.rawValue)
                wl_pointer_send_axis_discrete(pointer.resource, axis, discrete)
            }
            wl_pointer_send_axis(pointer.resource, time, axis, wl_fixed_from_double(value))
            frame(pointer)
        }
    }

    private func sendEnter(_ pointer: WlPointer, serial: UInt32, surface: OpaquePointer, x: Double, y: Double) {
        wl_pointer_send_enter(pointer.resource, serial, surface, wl_fixed_from_double(x), wl_fixed_from_double(y))
        frame(pointer)
    }

    private func frame(_ pointer: WlPointer) {
        if pointer.version >= 5 { wl_pointer_send_frame(pointer.resource) }
    }

    private func pointers(of client: OpaquePointer?) -> [WlPointer] {
        pointers.filter { $0.client == client }
    }
}
