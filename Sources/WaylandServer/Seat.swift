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
    /// An interactive move or resize (xdg_toplevel.move / resize) in progress.
    private var grab: WindowGrab?
    public private(set) var hasKeyboard = false
    private var keyboards: [WlKeyboard] = []
    /// The surface with the keyboard focus: the innermost grabbing popup's, else the active window's.
    private weak var keyboardFocus: Surface?
    /// Popups with an explicit grab (xdg_popup.grab), outermost first.
    private var grabbingPopups: [XdgPopup] = []
    private var dataDevices: [WlDataDevice] = []
    /// The clipboard: the data source last set as the selection, offered to the client with the keyboard focus.
    private weak var selection: WlDataSource?
    /// The MIME types the current selection offers; nil when the clipboard is empty.
    public var selectionMimeTypes: [String]? { selection?.mimeTypes }
    /// Serials of the last few button and touch-down events sent (a popup grab must quote one).
    private var recentInputSerials: [UInt32] = []

    private func sentInput(serial: UInt32) {
        recentInputSerials.append(serial)
        if recentInputSerials.count > 16 { recentInputSerials.removeFirst() }
    }

    init(server: Server) { self.server = server }

    var capabilities: UInt32 {
        (hasPointer ? WL_SEAT_CAPABILITY_POINTER.rawValue : 0) | (hasKeyboard ? WL_SEAT_CAPABILITY_KEYBOARD.rawValue : 0)
            | (hasTouch ? WL_SEAT_CAPABILITY_TOUCH.rawValue : 0)
    }

    // MARK: Devices

    /// A pointer device appears: every bound wl_seat hears the new capabilities.
    public func addPointer() {
        guard !hasPointer else { return }
        hasPointer = true
        for seat in seats { wl_seat_send_capabilities(seat.resource, capabilities) }
    }

    /// A keyboard appears. (Seawall has no keyboard of its own: the focus exists without one, and follows the
    /// active window and grabbing popups.)
    public func addKeyboard() {
        guard !hasKeyboard else { return }
        hasKeyboard = true
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
        server.focusWindow(of: under.surface)
        let serial = server.nextSerial(), time = Clock.milliseconds()
        sentInput(serial: serial)
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
        if let grab {
            // xdg_toplevel.move / resize: the window follows the pointer; no client sees the pointer meanwhile.
            grab.pointerMoved(toX: x, y: y, server: server)
            return server.display.flush()
        }
        // A new focus learns the position from its enter event; motion is for the surface already focused.
        if case .entered = updateFocus() { return server.display.flush() }
        sendMotion()
        server.display.flush()
    }

    public func movePointer(byX dx: Double, y dy: Double) { movePointer(toX: pointerX + dx, y: pointerY + dy) }

    /// A button (a Linux input code, e.g. BTN_LEFT = 0x110) goes down or up. While any is down, the focus
    /// stays where the first press happened (an implicit grab). A press activates and raises the window
    /// under the pointer.
    public func pointerButton(_ button: UInt32, pressed: Bool) {
        if pressed { pressedButtons.insert(button) } else { pressedButtons.remove(button) }
        if let grab {
            // The move or resize ends with the last button; the window's client never saw the pointer leave
            // its grab, so the release is not sent, and the focus is picked afresh.
            guard pressedButtons.isEmpty else { return }
            self.grab = nil
            grab.ended(server: server)
            updateFocus()
            return server.display.flush()
        }
        if pressed, let owner = grabbingPopups.last?.client, focus.flatMap(server.wlSurface(for:)).map(wl_resource_get_client) != owner {
            // A press outside the grabbing popups' client ends the grab and goes nowhere.
            dismissPopups()
            return server.display.flush()
        }
        if pressed, pressedButtons.count == 1, let focus { server.focusWindow(of: focus) }
        if let focus, let resource = server.wlSurface(for: focus) {
            let serial = server.nextSerial(), time = Clock.milliseconds()
            if pressed { lastPressSerial = serial }
            sentInput(serial: serial)
            let state = pressed ? WL_POINTER_BUTTON_STATE_PRESSED : WL_POINTER_BUTTON_STATE_RELEASED
            for pointer in pointers(of: wl_resource_get_client(resource)) {
                wl_pointer_send_button(pointer.resource, serial, time, button, state.rawValue)
                frame(pointer)
            }
        }
        if pressedButtons.isEmpty { updateFocus() }
        server.display.flush()
    }

    // MARK: Interactive move and resize

    /// The serial of the last button press, which a move or resize request must quote.
    private(set) var lastPressSerial: UInt32?

    /// Whether a move or resize may start for `window`: a button pressed on it (with that press's serial) is
    /// still down, and no other grab runs.
    private func mayGrab(_ window: Surface, serial: UInt32) -> Bool {
        hasPointer && grab == nil && !pressedButtons.isEmpty && serial == lastPressSerial && focus?.root === window
    }

    /// xdg_toplevel.move: the window follows the pointer until the buttons are released.
    func startMove(of window: Surface, serial: UInt32) {
        guard mayGrab(window, serial: serial), let view = server.scene.view(for: window) else { return }
        begin(.move(window: window, dx: pointerX - Double(view.x), dy: pointerY - Double(view.y)))
    }

    /// xdg_toplevel.resize: the given edges follow the pointer until the buttons are released.
    func startResize(of toplevel: XdgToplevel, edges: ResizeEdges, serial: UInt32) {
        guard let window = toplevel.surface?.state, mayGrab(window, serial: serial),
              let start = toplevel.windowRect() else { return }
        toplevel.beginResize(edges: edges, from: start)
        begin(.resize(toplevel: toplevel, edges: edges, start: start, pointerX: pointerX, pointerY: pointerY))
    }

    /// An xdg_toplevel was destroyed (its wl_surface may live on, unmapped): a move or resize of its window
    /// ends there, with no last configure, and the pointer goes to whatever is under it.
    func toplevelDestroyed(_ toplevel: XdgToplevel) {
        guard let grab, grab.acts(on: toplevel) else { return }
        self.grab = nil
        updateFocus()
    }

    /// Whether an interactive move or resize is in progress.
    public var movingOrResizing: Bool { grab != nil }

    /// The window's client loses the pointer for the grab's duration (it gets leave now, enter after).
    private func begin(_ newGrab: WindowGrab) {
        sendLeave()
        focus = nil
        grab = newGrab
        server.display.flush()
    }

    // MARK: Keyboard focus, popup grabs and the selection

    /// Moves the keyboard focus where it belongs (the innermost grabbing popup, else the active window):
    /// leave for the old surface, enter (no keys, no modifiers) for the new, and the selection for a client
    /// that gains the focus.
    func updateKeyboardFocus() {
        let target = grabbingPopups.last?.surfaceState ?? server.activeToplevel?.surface?.state
        guard target !== keyboardFocus else { return }
        let oldResource = keyboardFocus.flatMap(server.wlSurface(for:))
        let oldClient = oldResource.map(wl_resource_get_client)
        if let oldResource, let oldClient {
            let serial = server.nextSerial()
            for keyboard in keyboards where keyboard.client == oldClient { keyboard.leave(oldResource, serial: serial) }
        }
        keyboardFocus = target
        guard let newResource = target.flatMap(server.wlSurface(for:)), let newClient = wl_resource_get_client(newResource)
        else { return }
        let serial = server.nextSerial()
        for keyboard in keyboards where keyboard.client == newClient { keyboard.enter(newResource, serial: serial) }
        if newClient != oldClient {
            for device in dataDevices where device.client == newClient { device.offerSelection(selection) }
        }
    }

    /// The client whose surface has the keyboard focus.
    private var keyboardFocusClient: OpaquePointer? {
        keyboardFocus.flatMap(server.wlSurface(for:)).flatMap(wl_resource_get_client)
    }

    /// xdg_popup.grab: honoured for the serial of a recent button or touch-down event, on a popup whose
    /// parent is a toplevel or the innermost grabbing popup; otherwise the popup is dismissed at once.
    func grabPopup(_ popup: XdgPopup, serial: UInt32, parentIsToplevel: Bool, parent: XdgPopup?) {
        guard !grabbingPopups.contains(where: { $0 === popup }) else { return }   // asked twice: it has its grab
        let validSerial = recentInputSerials.contains(serial)
        let validParent = grabbingPopups.isEmpty ? parentIsToplevel : (parent === grabbingPopups.last)
        guard validSerial, validParent else { return popup.dismiss() }
        grabbingPopups.append(popup)
        updateKeyboardFocus()
    }

    /// Ends every popup grab, innermost first (xdg_popup.popup_done); the keyboard goes back to the window.
    func dismissPopups() {
        guard !grabbingPopups.isEmpty else { return }
        let popups = grabbingPopups
        grabbingPopups.removeAll()
        for popup in popups.reversed() { popup.dismiss() }
        updateKeyboardFocus()
    }

    /// A popup was destroyed: it leaves the grab, and popups opened from it are dismissed (popup_done).
    func popupGone(_ popup: XdgPopup) {
        guard let index = grabbingPopups.firstIndex(where: { $0 === popup }) else { return }
        let nested = grabbingPopups[(index + 1)...]
        grabbingPopups.removeSubrange(index...)
        for child in nested.reversed() { child.dismiss() }
        updateKeyboardFocus()
    }

    /// wl_data_device.set_selection from `client`: `source` (or nothing) is the clipboard now; the previous
    /// source is cancelled and the focused client hears of the new selection. Only the client with the
    /// keyboard focus may set it (as in Weston): a client in the background could otherwise push offer after
    /// offer at the one in front. Its source is cancelled instead.
    func setSelection(_ source: WlDataSource?, from client: OpaquePointer) {
        guard source !== selection else { return }
        guard client == keyboardFocusClient else {
            server.log.notice("set_selection from \(server.describe(client: client)) ignored: it does not have the keyboard focus")
            source?.cancel()
            return
        }
        selection?.cancel()
        selection = source
        offerSelectionToFocus()
    }

    func isSelection(_ source: WlDataSource) -> Bool { selection === source }

    func dataSourceDestroyed(_ source: WlDataSource) {
        guard selection === source else { return }
        selection = nil
        offerSelectionToFocus()
    }

    private func offerSelectionToFocus() {
        guard let client = keyboardFocusClient else { return }
        for device in dataDevices where device.client == client { device.offerSelection(selection) }
    }

    func flush() { server.display.flush() }

    // MARK: Focus

    /// The topmost drawn surface under the pointer whose input region accepts it, and its output position.
    func surfaceUnderPointer() -> (surface: Surface, x: Int64, y: Int64)? { surface(at: pointerX, pointerY) }

    /// The topmost drawn surface at output point (x, y) whose input region accepts it (`Scene.surface(atX:y:)`).
    func surface(at x: Double, _ y: Double) -> (surface: Surface, x: Int64, y: Int64)? {
        guard let hit = server.scene.surface(atX: Int64(x.rounded(.down)), y: Int64(y.rounded(.down))) else { return nil }
        return (hit.surface, hit.x, hit.y)
    }

    /// What re-picking the focus came to.
    enum FocusChange { case entered, same, none }

    /// Re-picks the focus (after motion, a release, and whenever the scene changes under a still pointer).
    /// A focus that stays has its output position refreshed.
    @discardableResult
    func updateFocus() -> FocusChange {
        guard hasPointer, grab == nil else { return .none }
        guard pressedButtons.isEmpty else {
            // An implicit grab keeps the focus, wherever its surface went.
            if let focus { focusOrigin = server.outputPosition(of: focus) }
            return .same
        }
        let under = surfaceUnderPointer()
        if let under, under.surface === focus {
            focusOrigin = (under.x, under.y)
            return .same
        }
        sendLeave()
        focus = under?.surface
        focusOrigin = under.map { ($0.x, $0.y) } ?? (0, 0)
        guard let new = focus, let resource = server.wlSurface(for: new) else { return .none }
        let serial = server.nextSerial()
        for pointer in pointers(of: wl_resource_get_client(resource)) { sendEnter(pointer, serial: serial, surface: resource) }
        return .entered
    }

    /// The scene changed (a window mapped, moved, restacked or went away; a subsurface moved): the pointer
    /// stays where it is, so the focus may change, or the focused surface moved under it and its client
    /// hears the new position as motion. Runs at once, so a surface that is going away can still be left.
    func sceneChanged() {
        guard hasPointer, grab == nil, let before = focus.map({ ($0, focusOrigin) }) else {
            updateFocus()
            return
        }
        guard case .same = updateFocus(), focus === before.0,
              focusOrigin != before.1 else { return }
        sendMotion()
    }

    /// wl_pointer.motion (and frame) to the focus, at the pointer's position on it.
    private func sendMotion() {
        guard let focus, let resource = server.wlSurface(for: focus) else { return }
        let time = Clock.milliseconds()
        let (sx, sy) = (wl_fixed_from_double(pointerX - Double(focusOrigin.x)), wl_fixed_from_double(pointerY - Double(focusOrigin.y)))
        for pointer in pointers(of: wl_resource_get_client(resource)) {
            wl_pointer_send_motion(pointer.resource, time, sx, sy)
            frame(pointer)
        }
    }

    /// wl_pointer.leave (and frame) to the focus, if it still has a wl_surface.
    private func sendLeave() {
        guard let old = focus, let resource = server.wlSurface(for: old) else { return }
        let serial = server.nextSerial()
        for pointer in pointers(of: wl_resource_get_client(resource)) {
            wl_pointer_send_leave(pointer.resource, serial, resource)
            frame(pointer)
        }
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


    /// A new wl_keyboard of the focused client is told about the focus at once.
    func keyboardBound(_ keyboard: WlKeyboard) {
        keyboards.append(keyboard)
        if let focus = keyboardFocus, let resource = server.wlSurface(for: focus), wl_resource_get_client(resource) == keyboard.client {
            keyboard.enter(resource, serial: server.nextSerial())
        }
    }


    /// A new wl_data_device of the focused client hears the current selection at once.
    func dataDeviceBound(_ device: WlDataDevice) {
        dataDevices.append(device)
        if device.client == keyboardFocusClient { device.offerSelection(selection) }
    }

    /// A device object or data device was destroyed: no more events for it.
    func forget(_ object: SeatResource) {
        pointers.removeAll { $0 === object }
        keyboards.removeAll { $0 === object }
        touches.removeAll { $0 === object }
        dataDevices.removeAll { $0 === object }
    }
    func touchBound(_ touch: WlTouch) { touches.append(touch) }

    /// A surface is gone: it can no longer be named in a leave (its client knows), a grab of its window
    /// ends, and each touch point on it ends with wl_touch.up (the client still has its wl_touch).
    func surfaceDestroyed(_ surface: Surface, client: OpaquePointer) {
        if focus === surface { focus = nil }   // buttons still down stay down: the focus is picked on release
        if keyboardFocus === surface { keyboardFocus = nil }
        if grab?.window === surface { grab = nil }
        let lifted = touchPoints.filter { $0.value.surface === surface }.keys.sorted()
        guard !lifted.isEmpty else { return }
        for id in lifted { touchPoints[id] = nil }
        let serial = server.nextSerial(), time = Clock.milliseconds()
        for touch in touches(of: client) {
            for id in lifted { wl_touch_send_up(touch.resource, serial, time, id) }
            wl_touch_send_frame(touch.resource)
        }
    }
}
