/// The decisions behind `seawall ctl`'s touch commands (`touch down|move|up`, `tap`, `swipe`) and `drag`:
/// whether a request may happen at all, where a touch lands and what it reached. The Control module parses
/// requests, calls these before sending anything, and reports; the touch rules themselves (a point belongs
/// to the surface it went down on) are TouchFocus.swift's. A refusal is a `PointerRefusal`, and changes nothing.

extension Compositor {
    /// The most motion events one `swipe` or `drag` may send.
    public static let maxGestureSteps = 1000
    /// Touch point ids `seawall ctl` accepts.
    public static let touchIDs: ClosedRange<Int> = 0...1023

    private func touchPoint(x: Double, y: Double) throws(PointerRefusal) -> (x: Double, y: Double) {
        guard hasTouch else { throw PointerRefusal("the seat has no touch screen (Seawall was started with --no-touch)") }
        guard x.isFinite, y.isFinite else { throw PointerRefusal("coordinates must be finite numbers, not \(x), \(y)") }
        if let refusal = offOutputRefusal(x, y) { throw refusal }
        return (x, y)
    }

    private func checkedTouchID(_ id: Int) throws(PointerRefusal) -> Int32 {
        guard hasTouch else { throw PointerRefusal("the seat has no touch screen (Seawall was started with --no-touch)") }
        guard Compositor.touchIDs.contains(id) else {
            throw PointerRefusal("touch id \(id) is out of range (\(Compositor.touchIDs.lowerBound) to \(Compositor.touchIDs.upperBound))")
        }
        return Int32(id)
    }

    /// Where touch point `id` would go down at output point (x, y): the id must be up, the point finite, on
    /// the output and on a surface (a touch on no surface reaches nobody).
    public func touchDownTarget(id: Int, x: Double, y: Double) throws(PointerRefusal) -> PointerTarget {
        let id = try checkedTouchID(id)
        guard touchPoints[id] == nil, !swallowedTouches.contains(id) else { throw PointerRefusal("touch point \(id) is already down") }
        let point = try touchPoint(x: x, y: y)
        guard let under = surface(atX: point.x, y: point.y) else {
            throw PointerRefusal("no surface at (\(point.x), \(point.y)) to touch")
        }
        return PointerTarget(window: window(of: under.surface.root), surface: under.surface,
                             x: point.x - Double(under.x), y: point.y - Double(under.y))
    }

    /// Where touch point `id`, which must be down, would move to output point (x, y): on the surface it
    /// went down on, in that surface's coordinates; nil for a point whose touch-down ended a popup grab
    /// (it reaches no client).
    public func touchMoveTarget(id: Int, x: Double, y: Double) throws(PointerRefusal) -> PointerTarget? {
        let id = try checkedTouchID(id)
        let point = try touchPoint(x: x, y: y)
        if swallowedTouches.contains(id) { return nil }
        guard let down = touchPoints[id] else { throw PointerRefusal("touch point \(id) is not down") }
        return PointerTarget(window: window(of: down.surface.root), surface: down.surface,
                             x: point.x - Double(down.x), y: point.y - Double(down.y))
    }

    /// The surface touch point `id`, which must be down, would lift from (x and y: its surface's output
    /// position, since wl_touch.up carries no coordinates — callers report the window only); nil for a
    /// point whose touch-down ended a popup grab.
    public func touchUpTarget(id: Int) throws(PointerRefusal) -> PointerTarget? {
        let id = try checkedTouchID(id)
        if swallowedTouches.contains(id) { return nil }
        guard let down = touchPoints[id] else { throw PointerRefusal("touch point \(id) is not down") }
        return PointerTarget(window: window(of: down.surface.root), surface: down.surface, x: Double(down.x), y: Double(down.y))
    }

    /// Where a swipe of touch point `id` from `start` to `end` in `steps` motions would begin and end: it
    /// goes down on a surface at `start` (as `touchDownTarget`), and `end` must be finite and on the output;
    /// the end is in the coordinates of the surface it went down on.
    public func swipeTargets(id: Int, from start: (x: Double, y: Double), to end: (x: Double, y: Double),
                             steps: Int) throws(PointerRefusal) -> (start: PointerTarget, end: PointerTarget) {
        let first = try touchDownTarget(id: id, x: start.x, y: start.y)
        let point = try touchPoint(x: end.x, y: end.y)
        if let refusal = gestureStepsRefusal(steps) { throw refusal }
        return (first, PointerTarget(window: first.window, surface: first.surface,
                                     x: first.x + point.x - start.x, y: first.y + point.y - start.y))
    }

    /// The lowest touch id that is up, for `tap` and `swipe`.
    public var freeTouchID: Int {
        Compositor.touchIDs.first { touchPoints[Int32($0)] == nil && !swallowedTouches.contains(Int32($0)) } ?? Compositor.touchIDs.upperBound
    }

    /// The clients with an input focus now: the pointer's, the keyboard's and each touch point's.
    public var focusedClients: [ClientID] {
        var clients: [ClientID] = []
        for surface in [pointerFocus, keyboardFocus] + touchPoints.keys.sorted().map({ touchPoints[$0]?.surface }) {
            if let client = surface?.client, !clients.contains(client) { clients.append(client) }
        }
        return clients
    }

    /// The touch ids down now.
    public var touchIDsDown: [Int] { (Array(touchPoints.keys) + swallowedTouches).map(Int.init).sorted() }

    /// Whether touch point `id` is down and its touch-down ended a popup grab (it reaches no client).
    public func touchIsSwallowed(_ id: Int) -> Bool { Int32(exactly: id).map(swallowedTouches.contains) ?? false }

    /// Whether a swipe or drag may take `steps` motions.
    public func gestureStepsRefusal(_ steps: Int) -> PointerRefusal? {
        guard (1...Compositor.maxGestureSteps).contains(steps) else {
            return PointerRefusal("steps must be 1 to \(Compositor.maxGestureSteps), not \(steps)")
        }
        return nil
    }

    /// The `steps` points from (x1, y1) to (x2, y2), the first one step along, the last (x2, y2) exactly.
    public static func gesturePath(from start: (x: Double, y: Double), to end: (x: Double, y: Double), steps: Int) -> [(x: Double, y: Double)] {
        (1...max(1, steps)).map { i in
            i == steps ? end : (start.x + (end.x - start.x) * Double(i) / Double(steps), start.y + (end.y - start.y) * Double(i) / Double(steps))
        }
    }
}
