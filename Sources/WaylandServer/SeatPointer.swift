import CProtocolsServer
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

    /// zwp_relative_pointer_v1.relative_motion to the client's relative pointers; their wl_pointers are owed a
    /// frame (sent with the motion that follows, or by `pointerFrame`).
    func pointerRelativeMotion(_ surface: Surface, _ motion: RelativeMotion) {
        guard let target = resource(for: surface) else { return }
        let time = server.eventMicroseconds()
        guard let client = target.client else { return }
        for relative in (relativePointers[client] ?? [:]).values {
            zwp_relative_pointer_v1_send_relative_motion(
                relative.resource, UInt32(truncatingIfNeeded: time >> 32), UInt32(truncatingIfNeeded: time),
                Seat.fixed(motion.dx), Seat.fixed(motion.dy), Seat.fixed(motion.dxUnaccelerated), Seat.fixed(motion.dyUnaccelerated))
            if let pointer = relative.pointer { frame(pointer) }
        }
    }

    /// wl_pointer.frame to the client's wl_pointers (a frame of relative motion alone).
    func pointerFrame(_ surface: Surface) {
        guard let target = resource(for: surface) else { return }
        for pointer in pointers(of: target.client) { frame(pointer) }
    }

    /// locked / unlocked, confined / unconfined on the constraint's object.
    func pointerConstraint(_ constraint: PointerConstraint, isActive: Bool) {
        constraintResources[constraint]?.send(active: isActive)
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

    /// A virtual pointer's axis frame: wl_pointer.axis_source (from version 5; wheel_tilt needs 6 and is sent
    /// as wheel before that), then per axis axis_discrete (5), axis and axis_stop (5), then frame.
    func pointerAxisFrame(_ surface: Surface, _ axes: PointerAxisFrame) {
        guard let target = resource(for: surface) else { return }
        let time = server.eventMilliseconds()
        let each = [(WL_POINTER_AXIS_VERTICAL_SCROLL.rawValue, axes.vertical), (WL_POINTER_AXIS_HORIZONTAL_SCROLL.rawValue, axes.horizontal)]
        for pointer in pointers(of: target.client) {
            if pointer.version >= 5, let source = axes.source {
                let sent = source == .wheelTilt && pointer.version < 6 ? PointerAxisFrame.Source.wheel : source
                wl_pointer_send_axis_source(pointer.resource, sent.rawValue)
            }
            for (axis, entry) in each {
                if let value = entry.value {
                    if pointer.version >= 5, let discrete = entry.discrete {
                        wl_pointer_send_axis_discrete(pointer.resource, axis, discrete)
                    }
                    wl_pointer_send_axis(pointer.resource, time, axis, Seat.fixed(value))
                }
                if entry.stopped && pointer.version >= 5 { wl_pointer_send_axis_stop(pointer.resource, time, axis) }
            }
            frame(pointer)
        }
    }

    /// `value` as wl_fixed_t, held within the type's range (a sum of a client's axis values can exceed it, and
    /// converting an out-of-range double to an integer is undefined in C).
    static func fixed(_ value: Double) -> wl_fixed_t {
        let limit = Double(Int32.max) / 256
        return wl_fixed_from_double(value.isNaN ? 0 : Swift.min(Swift.max(value, -limit), limit))
    }

    /// Runs `body` with every wl_pointer.frame it would send held back, then sends one frame to each wl_pointer
    /// that had events: a virtual pointer's frame request becomes one wl_pointer frame per client.
    func groupingPointerFrames(_ body: () -> Void) {
        guard pendingFrames == nil else { return body() }
        pendingFrames = []
        body()
        let framed = pendingFrames ?? []
        pendingFrames = nil
        for pointer in framed where pointers.contains(where: { $0 === pointer }) { frame(pointer) }
    }

    private func sendEnter(_ pointer: WlPointer, serial: UInt32, surface: OpaquePointer, x: Double, y: Double) {
        wl_pointer_send_enter(pointer.resource, serial, surface, wl_fixed_from_double(x), wl_fixed_from_double(y))
        frame(pointer)
    }

    private func frame(_ pointer: WlPointer) {
        guard pointer.version >= 5 else { return }
        if pendingFrames != nil {
            if !(pendingFrames ?? []).contains(where: { $0 === pointer }) { pendingFrames?.append(pointer) }
            return
        }
        wl_pointer_send_frame(pointer.resource)
    }

    private func pointers(of client: OpaquePointer?) -> [WlPointer] {
        pointers.filter { $0.client == client }
    }
}
