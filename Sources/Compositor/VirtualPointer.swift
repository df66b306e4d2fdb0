/// A virtual pointer (zwlr_virtual_pointer_v1, what tools such as WLCS's tests or wlrctl drive the seat with) as
/// the compositor sees it: the events its client sent since its last frame, and the buttons it holds down.
///
/// Nothing reaches the seat before the client's frame request: the events of a frame are kept here and then
/// applied in order by `Compositor.virtualPointerFrame(_:)`, through the same paths as every other pointer
/// input (focus by input region, the implicit grab, enter/leave, activation, move and resize grabs, popup
/// dismissal). Consecutive motions within a frame add up to one move (an absolute one starts the sum afresh),
/// clamped to the output; a relative one is reported as relative motion (zwp_relative_pointer_v1) and obeys
/// pointer constraints like a mouse's (PointerConstraints.swift); axis requests add up per axis into one axis event each, sent after the frame's
/// motions and buttons. Every limit here keeps what one client can make Seawall hold small and fixed.
public final class VirtualPointer {
    /// The most button events one frame may carry (motions merge, so they never count twice in a row).
    public static let maxPendingEvents = 64
    /// The most buttons one virtual pointer may hold down at once.
    public static let maxHeldButtons = 16

    enum Pending {
        /// Moves to `base` (a fraction of the output's size) or from where the pointer is, then by (dx, dy).
        case motion(base: (x: Double, y: Double)?, dx: Double, dy: Double)
        case button(UInt32, pressed: Bool)
    }

    var pending: [Pending] = []
    /// The axis events of the frame being built.
    public internal(set) var axes = PointerAxisFrame()
    /// The buttons this virtual pointer pressed through the seat and has not released.
    public internal(set) var heldButtons: Set<UInt32> = []
    /// The output absolute motion spans (`OutputArea.index`; create_virtual_pointer_with_output); nil: the
    /// layout's bounding box.
    public var output: Int?

    public init() {}

    /// Whether events wait for a frame.
    public var hasPendingEvents: Bool { !pending.isEmpty || !axes.isEmpty }

    /// zwlr_virtual_pointer_v1.motion: by (dx, dy) in logical output coordinates.
    public func motion(dx: Double, dy: Double) {
        if case .motion(let base, let x, let y)? = pending.last {
            pending[pending.count - 1] = .motion(base: base, dx: x + dx, dy: y + dy)
        } else {
            pending.append(.motion(base: nil, dx: dx, dy: dy))
        }
    }

    /// zwlr_virtual_pointer_v1.motion_absolute: to x / xExtent of the output's width (and y likewise); a point
    /// past the extent is the output's edge. An extent of 0 measures nothing and is refused.
    public func motionAbsolute(x: UInt32, y: UInt32, xExtent: UInt32, yExtent: UInt32) throws(VirtualPointerError) {
        guard xExtent > 0, yExtent > 0 else {
            throw .invalidRequest("motion_absolute with an extent of \(xExtent)x\(yExtent): x_extent and y_extent must be at least 1")
        }
        // Both are at most 2^32 - 1, so the quotients are exact enough in a Double and lie in [0, 1].
        let base = (x: Swift.min(1, Double(x) / Double(xExtent)), y: Swift.min(1, Double(y) / Double(yExtent)))
        if case .motion? = pending.last {
            pending[pending.count - 1] = .motion(base: base, dx: 0, dy: 0)
        } else {
            pending.append(.motion(base: base, dx: 0, dy: 0))
        }
    }

    /// zwlr_virtual_pointer_v1.button: `state` is wl_pointer.button_state (0 released, 1 pressed).
    public func button(_ button: UInt32, state: UInt32) throws(VirtualPointerError) {
        guard state <= 1 else {
            throw .invalidRequest("button state \(state) is neither released (0) nor pressed (1)")
        }
        guard pending.count < VirtualPointer.maxPendingEvents else {
            throw .invalidRequest("more than \(VirtualPointer.maxPendingEvents) button events without a frame request")
        }
        pending.append(.button(button, pressed: state == 1))
    }

    /// zwlr_virtual_pointer_v1.axis and axis_discrete (with `discrete` steps).
    public func axis(_ axis: UInt32, value: Double, discrete: Int32? = nil) throws(VirtualPointerError) {
        try axes.add(axis: axis, value: value, discrete: discrete)
    }

    /// zwlr_virtual_pointer_v1.axis_source: the source of this frame's axis events.
    public func axisSource(_ source: UInt32) throws(VirtualPointerError) {
        guard let source = PointerAxisFrame.Source(rawValue: source) else {
            throw .invalidAxisSource("axis source \(source) is not one of wheel (0), finger (1), continuous (2) or wheel_tilt (3)")
        }
        axes.source = source
    }

    /// zwlr_virtual_pointer_v1.axis_stop.
    public func axisStop(_ axis: UInt32) throws(VirtualPointerError) {
        try axes.stop(axis: axis)
    }
}

/// Why a virtual pointer request is refused; the protocol layer posts it as the matching protocol error.
public enum VirtualPointerError: Error, Equatable, CustomStringConvertible {
    /// zwlr_virtual_pointer_v1.error.invalid_axis.
    case invalidAxis(String)
    /// zwlr_virtual_pointer_v1.error.invalid_axis_source.
    case invalidAxisSource(String)
    /// A request the protocol has no error code for (an extent of 0, a button state that is no state, floods).
    case invalidRequest(String)

    public var description: String {
        switch self {
        case .invalidAxis(let message), .invalidAxisSource(let message), .invalidRequest(let message): message
        }
    }
}

/// The axis events of one pointer frame: an optional source, and per axis the summed value, the summed
/// discrete steps (when any came) and whether the axis stopped. One wl_pointer frame carries at most one
/// axis_source, and one axis_discrete and one axis per axis.
public struct PointerAxisFrame: Equatable, Sendable {
    /// wl_pointer.axis_source.
    public enum Source: UInt32, Sendable {
        case wheel = 0, finger = 1, continuous = 2, wheelTilt = 3
    }

    public struct Axis: Equatable, Sendable {
        /// The summed value, in wl_pointer.axis units; nil when no axis event came for this axis.
        public var value: Double?
        /// The summed wheel clicks; nil when no axis_discrete came.
        public var discrete: Int32?
        /// axis_stop came for this axis.
        public var stopped = false

        var isEmpty: Bool { value == nil && !stopped }
    }

    public var source: Source?
    public var vertical = Axis()
    public var horizontal = Axis()

    public init() {}

    /// Whether the frame has any axis event (a source alone is no event: it only qualifies axis events).
    public var isEmpty: Bool { vertical.isEmpty && horizontal.isEmpty }

    /// wl_pointer.axis: 0 vertical, 1 horizontal.
    mutating func add(axis: UInt32, value: Double, discrete: Int32?) throws(VirtualPointerError) {
        try update(axis) { entry in
            entry.value = (entry.value ?? 0) + value
            if let discrete {
                entry.discrete = Int32(clamping: Int64(entry.discrete ?? 0) + Int64(discrete))
            }
        }
    }

    mutating func stop(axis: UInt32) throws(VirtualPointerError) {
        try update(axis) { $0.stopped = true }
    }

    private mutating func update(_ axis: UInt32, _ change: (inout Axis) -> Void) throws(VirtualPointerError) {
        switch axis {
        case 0: change(&vertical)
        case 1: change(&horizontal)
        default: throw .invalidAxis("axis \(axis) is neither vertical_scroll (0) nor horizontal_scroll (1)")
        }
    }
}

extension Compositor {
    /// The pointer's range: the nearest point on an output, just short of its far edges (1/256, wl_fixed's
    /// step), so that a clamped point still lies on an output's last pixel.
    func clampedToOutput(_ x: Double, _ y: Double) -> (x: Double, y: Double) { scene.outputs.clamped(x, y) }

    /// zwlr_virtual_pointer_v1.frame: the events `pointer` sent since its last frame take effect, in order, as
    /// if a mouse had made them. A button already held down by anyone does not go down again, and a button
    /// goes up only if this virtual pointer pressed it and it is still down, so no client sees a press twice
    /// or a release without its press. Without a pointer in the seat (`--no-pointer`) the events are dropped.
    public func virtualPointerFrame(_ pointer: VirtualPointer) {
        let pending = pointer.pending, axes = pointer.axes
        pointer.pending = []
        pointer.axes = PointerAxisFrame()
        guard hasPointer else { return }
        for event in pending {
            switch event {
            case .motion(nil, let dx, let dy):
                // A relative move: relative motion to the focus, and under a pointer constraint's rules.
                movePointer(byX: dx, y: dy)
            case .motion(let base?, let dx, let dy):
                // Absolute motion spans the pointer's output, or the whole layout.
                let box = pointer.output.flatMap { scene.outputs.indices.contains($0) ? scene.outputs[$0].rect : nil } ?? scene.outputRect
                let point = clampedToOutput(Double(box.x) + base.x * Double(box.width) + dx,
                                            Double(box.y) + base.y * Double(box.height) + dy)
                movePointer(toX: point.x, y: point.y)
            case .button(let button, let pressed):
                virtualPointerButton(pointer, button, pressed: pressed)
            }
        }
        if !axes.isEmpty, grab == nil, let focus = pointerFocus { events?.pointerAxisFrame(focus, axes) }
    }

    private func virtualPointerButton(_ pointer: VirtualPointer, _ button: UInt32, pressed: Bool) {
        if pressed {
            guard !pressedButtons.contains(button), pointer.heldButtons.count < VirtualPointer.maxHeldButtons else { return }
            pointer.heldButtons.insert(button)
        } else {
            guard pointer.heldButtons.remove(button) != nil, pressedButtons.contains(button) else { return }
        }
        pointerButton(button, pressed: pressed)
    }

    /// The virtual pointer is gone (destroyed, or its client disconnected): what it never framed is dropped,
    /// and every button it still holds goes up, in code order, so that the surface with the implicit grab sees
    /// each release and the next client finds no button stuck down.
    public func virtualPointerRemoved(_ pointer: VirtualPointer) {
        pointer.pending = []
        pointer.axes = PointerAxisFrame()
        let held = pointer.heldButtons.sorted()
        pointer.heldButtons = []
        for button in held where pressedButtons.contains(button) { pointerButton(button, pressed: false) }
    }
}
