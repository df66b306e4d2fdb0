import CWaylandServer
import Compositor

/// The seat's protocol side. Input arrives through the public methods (tests and the conformance harness)
/// and goes to the compositor, which decides focus and grabs; the seat then flushes what
/// the compositor had sent. It keeps each client's device objects and sends them the compositor's events,
/// by concern: SeatPointer.swift, SeatKeyboard.swift, SeatTouch.swift, SeatSelection.swift. The `seawall`
/// binary attaches pointer, keyboard and touch at start (unless left out); `seawall ctl` drives them.
public final class Seat {
    unowned(unsafe) let server: Server   // the seat is part of the server
    var compositor: Compositor { server.compositor }
    private var seats: [WlSeat] = []
    var pointers: [WlPointer] = []
    var keyboards: [WlKeyboard] = []
    /// Every live zwp_virtual_keyboard_v1.
    var virtualKeyboards: [ZwpVirtualKeyboardV1] = []
    var touches: [WlTouch] = []
    /// Every live zwp_relative_pointer_v1, by client and identity (a client may make any number: adding and
    /// removing one costs O(1)).
    var relativePointers: [OpaquePointer: [ObjectIdentifier: ZwpRelativePointerV1]] = [:]
    /// Every live zwp_locked_pointer_v1 and zwp_confined_pointer_v1, by its compositor constraint.
    var constraintResources = Registry<PointerConstraintResource>()
    /// wl_data_devices and zwp_primary_selection_device_v1s (SeatSelection.swift).
    var selectionDevices: [any SelectionDevice] = []
    /// While a virtual pointer's frame is applied: the wl_pointers owed a wl_pointer.frame at its end
    /// (SeatPointer.swift, `groupingPointerFrames`).
    var pendingFrames: [WlPointer]?
    /// Every live wl_data_source and zwp_primary_selection_source_v1, by its compositor object.
    var selectionSources = Registry<SelectionSource>()

    init(server: Server) { self.server = server }

    public var hasPointer: Bool { compositor.hasPointer }
    public var hasKeyboard: Bool { compositor.hasKeyboard }
    public var hasTouch: Bool { compositor.hasTouch }
    public var pointerX: Double { compositor.pointerX }
    public var pointerY: Double { compositor.pointerY }
    /// Whether an interactive move or resize is in progress.
    public var movingOrResizing: Bool { compositor.movingOrResizing }
    /// The MIME types the current selection offers; nil when the clipboard is empty.
    public var selectionMimeTypes: [String]? { compositor.selection?.mimeTypes }
    /// The MIME types the current primary selection offers; nil when it is empty.
    public var primarySelectionMimeTypes: [String]? { compositor.primarySelection?.mimeTypes }

    var capabilities: UInt32 {
        (hasPointer ? WL_SEAT_CAPABILITY_POINTER.rawValue : 0) | (hasKeyboard ? WL_SEAT_CAPABILITY_KEYBOARD.rawValue : 0)
            | (hasTouch ? WL_SEAT_CAPABILITY_TOUCH.rawValue : 0)
    }

    // MARK: Devices

    /// A pointer device appears: every bound wl_seat hears the new capabilities.
    public func addPointer() { if compositor.addPointer() { announceCapabilities() } }

    /// A keyboard appears. (Without one the focus still exists, and follows the active window and grabbing
    /// popups.)
    public func addKeyboard() { if compositor.addKeyboard() { announceCapabilities() } }

    /// A touch screen appears.
    public func addTouch() { if compositor.addTouch() { announceCapabilities() } }

    private func announceCapabilities() {
        for seat in seats { wl_seat_send_capabilities(seat.resource, capabilities) }
    }

    // MARK: Input

    /// Touch point `id` goes down at output coordinates (x, y): the surface there gets it until it lifts.
    public func touchDown(id: Int32, x: Double, y: Double) { compositor.touchDown(id: id, x: x, y: y); flush() }

    public func touchMotion(id: Int32, x: Double, y: Double) { compositor.touchMotion(id: id, x: x, y: y); flush() }

    public func touchUp(id: Int32) { compositor.touchUp(id: id); flush() }

    /// Moves the pointer to output coordinates (x, y).
    public func movePointer(toX x: Double, y: Double) { compositor.movePointer(toX: x, y: y); flush() }

    /// Moves the pointer by (dx, dy), as a mouse does: the focused client's relative pointers hear the motion
    /// (also when a lock keeps the pointer still), and an active confinement holds the pointer in its region.
    /// Each wl_pointer that heard of it gets one frame.
    public func movePointer(byX dx: Double, y dy: Double) {
        groupingPointerFrames { compositor.movePointer(byX: dx, y: dy) }
        flush()
    }

    /// The pointer's active constraint, for a control reply: "locked", "confined", or nil.
    public var pointerConstraintState: String? {
        compositor.activePointerConstraint.map { $0.kind == .lock ? "locked" : "confined" }
    }

    /// A button (a Linux input code, e.g. BTN_LEFT = 0x110) goes down or up. While any is down, the focus
    /// stays where the first press happened (an implicit grab). A press activates and raises the window
    /// under the pointer.
    public func pointerButton(_ button: UInt32, pressed: Bool) { compositor.pointerButton(button, pressed: pressed); flush() }

    /// Scrolls by `steps` wheel clicks (positive: down or right) on the surface with the pointer focus.
    public func scroll(steps: Int, horizontal: Bool) { compositor.pointerScroll(steps: steps, horizontal: horizontal); flush() }

    /// A virtual pointer's frame: its events take effect and each client hears them as one wl_pointer frame.
    func virtualPointerFrame(_ pointer: VirtualPointer) {
        groupingPointerFrames { compositor.virtualPointerFrame(pointer) }
        flush()
    }

    /// A virtual pointer is gone: the buttons it held go up (each its own frame, as a mouse unplugged).
    /// (Not while the server shuts down: every client is going away then.)
    func virtualPointerRemoved(_ pointer: VirtualPointer) {
        guard !server.shuttingDown else { return }
        compositor.virtualPointerRemoved(pointer)
        flush()
    }

    /// A lock or confinement object was made: its constraint may take effect at once.
    func pointerConstraintMade(_ object: PointerConstraintResource) {
        constraintResources[object.constraint] = object
        compositor.pointerConstraintReady(object.constraint)
        flush()
    }

    /// A lock or confinement object is gone: its constraint ends (not while the server shuts down).
    func pointerConstraintDestroyed(_ object: PointerConstraintResource) {
        constraintResources[object.constraint] = nil
        guard !server.shuttingDown else { return }
        compositor.removePointerConstraint(object.constraint)
        flush()
    }

    public func flush() { server.display.flush() }

    // MARK: Resources

    func seatBound(_ seat: WlSeat) { seats.append(seat) }
    func seatReleased(_ seat: WlSeat) { seats.removeAll { $0 === seat } }

    /// A device object or selection device was destroyed: no more events for it.
    func forget(_ object: SeatResource) {
        pointers.removeAll { $0 === object }
        if object is WlKeyboard {
            keyboards.removeAll { $0 === object }
            // The client's last keyboard: a new one starts with Seawall's keymap.
            if !keyboards.contains(where: { $0.client == object.client }) { compositor.keyboardsGone(of: ClientID(object.client)) }
        }
        touches.removeAll { $0 === object }
        selectionDevices.removeAll { $0 === object }
    }

    /// The wl_surface resource behind a compositor surface and its client, if it still exists.
    func resource(for surface: Surface) -> (resource: OpaquePointer, client: OpaquePointer?)? {
        server.wlSurface(for: surface).map { ($0, wl_resource_get_client($0)) }
    }
}
