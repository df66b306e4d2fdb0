/// The decisions behind `seawall ctl`'s pointer commands (`pointer move`, `pointer relative`, `click`,
/// `button`, `scroll`): where a requested point is on the output, whether a request may happen at all, and
/// what the pointer's events reached. The Control module parses requests and calls these; the pointer's
/// own rules (focus, implicit grab, enter/leave) are PointerFocus.swift's.

/// Why a pointer command does nothing; `description` is the reply's error.
public struct PointerRefusal: Error, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The surface a pointer event reached, for a command's reply.
public struct PointerTarget {
    /// The toplevel whose surface tree holds the surface (nil for a surface that is no window's).
    public let window: Window?
    public let surface: Surface
    /// The pointer on the surface, in surface-local coordinates.
    public let x: Double
    public let y: Double
}

extension Compositor {
    /// Why layout point (x, y) cannot be pointed at or touched: it is on no output. nil when it is on one.
    func offOutputRefusal(_ x: Double, _ y: Double) -> PointerRefusal? {
        if scene.outputs.index(containingX: x, y: y) != nil { return nil }
        if scene.outputs.count == 1 { return PointerRefusal("(\(x), \(y)) is outside the output (\(outputWidth)x\(outputHeight))") }
        let list = scene.outputs.map { "\($0.name) \($0.rect.width)x\($0.rect.height) at \($0.rect.x),\($0.rect.y)" }
        return PointerRefusal("(\(x), \(y)) is on no output (\(list.joined(separator: "; ")))")
    }

    /// The most wheel clicks one `scroll` may turn.
    public static let maxScrollSteps = 100

    /// The output point for (x, y), given in output (logical) coordinates, or in `window`'s window-geometry
    /// coordinates: it must be finite and on the output (a person cannot point anywhere else).
    public func pointerDestination(x: Double, y: Double, in window: Window? = nil) throws(PointerRefusal) -> (x: Double, y: Double) {
        guard hasPointer else { throw PointerRefusal("the seat has no pointer (Seawall was started with --no-pointer)") }
        guard x.isFinite, y.isFinite else { throw PointerRefusal("coordinates must be finite numbers, not \(x), \(y)") }
        var point = (x: x, y: y)
        if let window {
            guard let rect = windowRect(window) else { throw PointerRefusal("the window is not mapped") }
            point = (Double(rect.x) + x, Double(rect.y) + y)
        }
        if let refusal = offOutputRefusal(point.x, point.y) { throw refusal }
        return point
    }

    /// Whether `button` may go down (`pressed`) or up now: a button goes down only when it is up, and up only
    /// when it is down, so no client sees a release it never had the press of.
    public func pointerButtonRefusal(_ button: UInt32, pressed: Bool) -> PointerRefusal? {
        guard hasPointer else { return PointerRefusal("the seat has no pointer (Seawall was started with --no-pointer)") }
        if pressed && pressedButtons.contains(button) { return PointerRefusal("button \(button) is already down") }
        if !pressed && !pressedButtons.contains(button) { return PointerRefusal("button \(button) is not down") }
        return nil
    }

    /// Whether `steps` wheel clicks may be scrolled now.
    public func scrollRefusal(steps: Int) -> PointerRefusal? {
        guard hasPointer else { return PointerRefusal("the seat has no pointer (Seawall was started with --no-pointer)") }
        guard steps != 0, abs(steps) <= Compositor.maxScrollSteps else {
            return PointerRefusal("the amount must be 1 to \(Compositor.maxScrollSteps) wheel clicks, either way, not \(steps)")
        }
        return nil
    }

    /// The buttons held down now (Linux input codes).
    public var pointerButtonsDown: Set<UInt32> { pressedButtons }

    /// The surface with the pointer focus, its window and where the pointer is on it; nil when the pointer is
    /// over no surface (or a move or resize hides it from clients).
    public var pointerTarget: PointerTarget? {
        guard grab == nil, let surface = pointerFocus else { return nil }
        let (x, y) = pointerOnFocus
        return PointerTarget(window: window(of: surface.root), surface: surface, x: x, y: y)
    }

    /// A wheel turned `steps` clicks (positive: down, or right when `horizontal`) over the pointer focus:
    /// 15 units of wl_pointer.axis per click, as libinput reports a wheel. Nothing while moving or resizing.
    public func pointerScroll(steps: Int, horizontal: Bool) {
        guard hasPointer, grab == nil, let focus = pointerFocus, steps != 0 else { return }
        let clamped = Int32(clamping: steps)
        events?.pointerAxis(focus, horizontal: horizontal, value: Double(clamped) * 15, discrete: clamped)
    }
}
