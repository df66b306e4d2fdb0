import CWaylandServer
import Compositor

/// The seat's input state: which devices exist, where the pointer is, which surface has pointer focus, and
/// which wl_seat / wl_pointer resources to tell. Input arrives through the public methods (a conformance
/// harness or, later, a real input backend); Seawall itself has no input devices.
public final class Seat {
    private unowned(unsafe) let server: Server   // the seat is part of the server
    private var seats: [WlSeat] = []
    private var pointers: [WlPointer] = []
    public private(set) var hasPointer = false
    public private(set) var pointerX: Double = 0
    public private(set) var pointerY: Double = 0
    /// The surface under the pointer that receives its events, and where that surface is on the output.
    private weak var focus: Surface?
    private var focusOrigin: (x: Int64, y: Int64) = (0, 0)
    private var pressedButtons: Set<UInt32> = []
    private var touches: [WlTouch] = []
    public private(set) var hasTouch = false
    /// Each touch point's surface (chosen at touch-down) and that surface's output position.
    private var touchPoints: [Int32: (surface: Surface, x: Int64, y: Int64)] = [:]

    init(server: Server) { self.server = server }

    var capabilities: UInt32 {
        (hasPointer ? WL_SEAT_CAPABILITY_POINTER.rawValue : 0) | (hasTouch ? WL_SEAT_CAPABILITY_TOUCH.rawValue : 0)
    }

    // MARK: Devices

    /// A pointer device appears: every bound wl_seat hears the new capabilities.
    public func addPointer() {
        guard !hasPointer else { return }
        hasPointer = true
        for seat in seats { wl_seat_send_capabilities(seat.resource, capabilities) }
    }

    /// A touch screen appears.
    public func addTouch() {
        guard !hasTouch else { return }
        hasTouch = true
        for seat in seats { wl_seat_send_capabilities(seat.resource, capabilities) }
    }

    /// Touch point `id` goes down at output coordinates (x, y): the surface there gets it until it lifts.
    public func touchDown(id: Int32, x: Double, y: Double) {
        guard let under = surface(at: x, y), let resource = server.wlSurface(for: under.surface) else { return }
        touchPoints[id] = under
        let serial = server.nextSerial(), time = Clock.milliseconds()
        for touch in touches(of: wl_resource_get_client(resource)) {
            wl_touch_send_down(touch.resource, serial, time, resource, id,
                               wl_fixed_from_double(x - Double(under.x)), wl_fixed_from_double(y - Double(under.y)))
            wl_touch_send_frame(touch.resource)
        }
        server.display.flush()
    }

    public func touchMotion(id: Int32, x: Double, y: Double) {
        guard let point = touchPoints[id], let resource = server.wlSurface(for: point.surface) else { return }
        let time = Clock.milliseconds()
        for touch in touches(of: wl_resource_get_client(resource)) {
            wl_touch_send_motion(touch.resource, time, id,
                                 wl_fixed_from_double(x - Double(point.x)), wl_fixed_from_double(y - Double(point.y)))
            wl_touch_send_frame(touch.resource)
        }
        server.display.flush()
    }

    public func touchUp(id: Int32) {
        guard let point = touchPoints.removeValue(forKey: id), let resource = server.wlSurface(for: point.surface) else { return }
        let serial = server.nextSerial(), time = Clock.milliseconds()
        for touch in touches(of: wl_resource_get_client(resource)) {
            wl_touch_send_up(touch.resource, serial, time, id)
            wl_touch_send_frame(touch.resource)
        }
        server.display.flush()
    }

    /// Moves the pointer to output coordinates (x, y).
    public func movePointer(toX x: Double, y: Double) {
        pointerX = x
        pointerY = y
        if let grab = moveGrab {
            // xdg_toplevel.move: the window follows the pointer; its client gets no motion meanwhile.
            server.place(grab.window, x: Int64((x - grab.dx).rounded(.down)), y: Int64((y - grab.dy).rounded(.down)))
            return
        }
        // A new focus learns the position from its enter event; motion is for the surface already focused.
        let entered = pressedButtons.isEmpty && updateFocus()
        guard !entered, let focus, let resource = server.wlSurface(for: focus) else { return server.display.flush() }
        let time = Clock.milliseconds()
        let (sx, sy) = (wl_fixed_from_double(x - Double(focusOrigin.x)), wl_fixed_from_double(y - Double(focusOrigin.y)))
        for pointer in pointers(of: wl_resource_get_client(resource)) {
            wl_pointer_send_motion(pointer.resource, time, sx, sy)
            frame(pointer)
        }
        server.display.flush()
    }

    public func movePointer(byX dx: Double, y dy: Double) { movePointer(toX: pointerX + dx, y: pointerY + dy) }

    /// A button (a Linux input code, e.g. BTN_LEFT = 0x110) goes down or up. While any is down, the focus
    /// stays where the first press happened (an implicit grab).
    public func pointerButton(_ button: UInt32, pressed: Bool) {
        if pressed { pressedButtons.insert(button) } else { pressedButtons.remove(button) }
        if moveGrab != nil {
            if pressedButtons.isEmpty {
                moveGrab = nil   // the move ends with the last button; the client sees the release
            } else {
                return
            }
        }
        if let focus, let resource = server.wlSurface(for: focus) {
            let serial = server.nextSerial(), time = Clock.milliseconds()
            if pressed { lastPressSerial = serial }
            let state = pressed ? WL_POINTER_BUTTON_STATE_PRESSED : WL_POINTER_BUTTON_STATE_RELEASED
            for pointer in pointers(of: wl_resource_get_client(resource)) {
                wl_pointer_send_button(pointer.resource, serial, time, button, state.rawValue)
                frame(pointer)
            }
        }
        if pressedButtons.isEmpty { updateFocus() }
        server.display.flush()
    }

    // MARK: Interactive move

    /// An xdg_toplevel.move in progress: the window and the pointer's offset from its position.
    private var moveGrab: (window: Surface, dx: Double, dy: Double)?
    /// The serial of the last button press, which a move request must quote.
    private(set) var lastPressSerial: UInt32?

    /// xdg_toplevel.move: honoured while a button pressed on this window (with that press's serial) is down.
    func startMove(of window: Surface, serial: UInt32) {
        guard hasPointer, !pressedButtons.isEmpty, serial == lastPressSerial, let focus, focus.root === window,
              let view = server.scene.view(for: window) else { return }
        moveGrab = (window, pointerX - Double(view.x), pointerY - Double(view.y))
    }

    // MARK: Focus

    /// The topmost drawn surface under the pointer whose input region accepts it, and its output position.
    func surfaceUnderPointer() -> (surface: Surface, x: Int64, y: Int64)? { surface(at: pointerX, pointerY) }

    /// The topmost drawn surface at output point (x, y) whose input region accepts it.
    func surface(at x: Double, _ y: Double) -> (surface: Surface, x: Int64, y: Int64)? {
        let px = Int64(x.rounded(.down)), py = Int64(y.rounded(.down))
        for view in server.scene.mappedViews.reversed() {
            for entry in view.surface.flattened().reversed() {
                let x = view.x + entry.x, y = view.y + entry.y
                let rect = Rect(x: x, y: y, width: entry.surface.width, height: entry.surface.height)
                guard rect.contains(x: px, y: py) else { continue }
                if let input = entry.surface.inputRegion, !input.contains(x: px - x, y: py - y) { continue }
                return (entry.surface, x, y)
            }
        }
        return nil
    }

    /// Re-picks the focus (after motion, and after every repaint, since windows move under a still pointer).
    /// Returns whether it changed.
    @discardableResult
    func updateFocus() -> Bool {
        guard hasPointer, pressedButtons.isEmpty else { return false }
        let under = surfaceUnderPointer()
        if under?.surface === focus {
            if let under { focusOrigin = (under.x, under.y) }
            return false
        }
        if let old = focus, let resource = server.wlSurface(for: old) {
            let serial = server.nextSerial()
            for pointer in pointers(of: wl_resource_get_client(resource)) {
                wl_pointer_send_leave(pointer.resource, serial, resource)
                frame(pointer)
            }
        }
        focus = under?.surface
        focusOrigin = under.map { ($0.x, $0.y) } ?? (0, 0)
        if let new = focus, let resource = server.wlSurface(for: new) {
            let serial = server.nextSerial()
            for pointer in pointers(of: wl_resource_get_client(resource)) { sendEnter(pointer, serial: serial, surface: resource) }
        }
        return true
    }

    private func sendEnter(_ pointer: WlPointer, serial: UInt32, surface: OpaquePointer) {
        wl_pointer_send_enter(pointer.resource, serial, surface,
                              wl_fixed_from_double(pointerX - Double(focusOrigin.x)),
                              wl_fixed_from_double(pointerY - Double(focusOrigin.y)))
        frame(pointer)
    }

    private func frame(_ pointer: WlPointer) {
        if pointer.version >= 5 { wl_pointer_send_frame(pointer.resource) }
    }

    private func touches(of client: OpaquePointer?) -> [WlTouch] {
        touches.filter { $0.client == client }
    }

    private func pointers(of client: OpaquePointer?) -> [WlPointer] {
        pointers.filter { $0.client == client }
    }

    // MARK: Resources

    func seatBound(_ seat: WlSeat) { seats.append(seat) }
    func seatReleased(_ seat: WlSeat) { seats.removeAll { $0 === seat } }

    /// A new wl_pointer of the focused client is told about the focus at once.
    func pointerBound(_ pointer: WlPointer) {
        pointers.append(pointer)
        if let focus, let resource = server.wlSurface(for: focus), wl_resource_get_client(resource) == pointer.client {
            sendEnter(pointer, serial: server.nextSerial(), surface: resource)
        }
    }

    func pointerReleased(_ pointer: WlPointer) { pointers.removeAll { $0 === pointer } }
    func touchBound(_ touch: WlTouch) { touches.append(touch) }
    func touchReleased(_ touch: WlTouch) { touches.removeAll { $0 === touch } }

    /// The focused surface is gone: no leave can name it any more.
    func surfaceDestroyed(_ surface: Surface) {
        if focus === surface { focus = nil; pressedButtons.removeAll() }
        if moveGrab?.window === surface { moveGrab = nil }
        touchPoints = touchPoints.filter { $0.value.surface !== surface }
    }
}
